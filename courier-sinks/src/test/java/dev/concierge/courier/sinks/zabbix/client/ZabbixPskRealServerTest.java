package dev.concierge.courier.sinks.zabbix.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer;
import dev.concierge.courier.sinks.zabbix.ZabbixSink;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.ProtocolVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS-PSK against the real Zabbix 6.0 server with a host that accepts PSK only, side by side with
 * {@code zabbix_sender --tls-connect psk} on the same key: the client delivers, a wrong key is refused with a
 * clear error, a key file others may read is refused before anything is sent. Debian builds Zabbix with
 * GnuTLS, whose PSK cipher list is TLS 1.2 only, so the client settles on TLS 1.2 here; TLS 1.3 PSK is
 * tested against OpenSSL in {@code ZabbixPskStunnelTest}.
 */
class ZabbixPskRealServerTest {
    private static final String HOST = "courier-psk-host";
    private static final String KEY = "psk.value";
    private static final String IDENTITY = "courier psk 01";
    private static final String PSK = "6b1f7dbe4bdd7b35a70e3e6fa1c8f6ab2c4e5f60718293a4b5c6d7e8f9012345";
    /** Zabbix's host.tls_accept bit for PSK connections. */
    private static final int TLS_ACCEPT_PSK = 2;

    @TempDir
    static Path dir;

    private static RealZabbixServer zabbix;
    private static String hostId;
    private static Path keyFile;

    @BeforeAll
    static void hostThatAcceptsPskOnly() throws IOException {
        zabbix = RealZabbixServer.shared();
        hostId = zabbix.createHost(HOST);
        zabbix.call("host.update", Map.of("hostid", hostId, "tls_accept", TLS_ACCEPT_PSK, "tls_connect", 2,
                "tls_psk_identity", IDENTITY, "tls_psk", PSK));
        zabbix.createTrapperItem(hostId, KEY, RealZabbixServer.ValueType.UNSIGNED);
        zabbix.reloadConfigCache();
        keyFile = writeKey("zabbix.psk", PSK + "\n", "rw-------");
    }

    @AfterAll
    static void release() {
        zabbix.close();
    }

    private static Path writeKey(String name, String content, String mode) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static ZabbixClientConfig config(Path key) {
        return ZabbixClientConfig.of("127.0.0.1", zabbix.trapperPort(), Duration.ofSeconds(3), Duration.ofSeconds(10))
                .withTls(ZabbixTlsConfig.psk(IDENTITY, key));
    }

    private static ZabbixExchange send(ZabbixClient client, long value) {
        Instant now = Instant.now();
        return client.send(ZabbixSenderRequest.of(List.of(new Row(HOST, KEY, Long.toString(value),
                now.getEpochSecond(), now.getNano())), now)).join();
    }

    @Test
    void deliversOverTls12AsZabbixSenderDoes() throws Exception {
        try (ZabbixClient tls12 = ZabbixClient.create(config(keyFile), new ProtocolVersion[] {ProtocolVersion.TLSv12});
             ZabbixClient both = ZabbixClient.create(config(keyFile));
             ZabbixClient tls13 = ZabbixClient.create(config(keyFile), new ProtocolVersion[] {ProtocolVersion.TLSv13})) {
            for (ZabbixClient client : List.of(tls12, both)) {
                ZabbixExchange exchange = send(client, 13 + List.of(tls12, both).indexOf(client));
                assertThat(exchange.failure()).as("failure").isNull();
                assertThat(exchange.response().counts().processed()).isEqualTo(1);
            }
            assertThat(send(tls13, 0).failure().cause()).as("GnuTLS's Zabbix: no TLS 1.3 with PSK")
                    .contains("protocol_version");
        }
        Process sender = new ProcessBuilder("/usr/bin/zabbix_sender", "-z", "127.0.0.1", "-p",
                Integer.toString(zabbix.trapperPort()), "-s", HOST, "-k", KEY, "-o", "99", "--tls-connect", "psk",
                "--tls-psk-identity", IDENTITY, "--tls-psk-file", keyFile.toString())
                .redirectErrorStream(true).start();
        String out = new String(sender.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sender.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sender.exitValue()).as(out).isZero();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> zabbix.historyValues(HOST, KEY).contains("99"));
        assertThat(zabbix.historyValues(HOST, KEY)).contains("13", "14", "99");
    }

    @Test
    void theSinkDeliversOverPsk() throws Exception {
        Instant now = Instant.now();
        Sample sample = new Sample("psk.sink", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(77L),
                now.getEpochSecond(), now.getNano(), HOST, "test");
        String key = Row.of(sample, null).key();
        zabbix.createTrapperItem(hostId, key, RealZabbixServer.ValueType.UNSIGNED);
        zabbix.reloadConfigCache();
        try (ZabbixSink sink = ZabbixSink.create(ZabbixSinkConfig.of("psk", "127.0.0.1", zabbix.trapperPort())
                .withTls(ZabbixTlsConfig.psk(IDENTITY, keyFile)))) {
            DeliveryOutcome outcome = sink.send(new Batch(1, List.of(sample))).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);

            assertThat(outcome).as(outcome.detail()).isInstanceOf(DeliveryOutcome.Delivered.class);
            assertThat(outcome.detail()).startsWith("processed: 1; failed: 0");
        }
    }

    @Test
    void aWrongKeyIsRefusedAtTheHandshakeWithAClearError() throws Exception {
        Path wrong = writeKey("wrong.psk", PSK.replace('6', '7') + "\n", "rw-------");
        try (ZabbixClient client = ZabbixClient.create(config(wrong))) {
            ZabbixExchange exchange = send(client, 1);

            assertThat(exchange.failure().stage()).isEqualTo(ZabbixExchange.Stage.TLS_HANDSHAKE);
            // GnuTLS closes without an alert when the client's Finished does not verify.
            assertThat(exchange.failure().cause()).contains("the server closed the connection during the handshake: "
                    + "the PSK identity or key is not the one the Zabbix host has").doesNotContain(PSK).doesNotContain(PSK.replace('6', '7'));
        }
        Process sender = new ProcessBuilder("/usr/bin/zabbix_sender", "-z", "127.0.0.1", "-p",
                Integer.toString(zabbix.trapperPort()), "-s", HOST, "-k", KEY, "-o", "1", "--tls-connect", "psk",
                "--tls-psk-identity", IDENTITY, "--tls-psk-file", wrong.toString()).redirectErrorStream(true).start();
        sender.getInputStream().readAllBytes();
        assertThat(sender.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sender.exitValue()).as("zabbix_sender with the wrong key").isEqualTo(1);
    }

    @Test
    void refusesAKeyFileOthersMayReadAndOneThatIsNotAKey() throws IOException {
        Path open = writeKey("open.psk", PSK + "\n", "rw-r--r--");
        Path shortKey = writeKey("short.psk", "abcd\n", "rw-------");
        Path notHex = writeKey("nothex.psk", PSK.replace('a', 'x') + "\n", "rw-------");

        assertThatThrownBy(() -> ZabbixClient.create(config(open)))
                .hasMessageContaining("tls.psk_file: " + open).hasMessageContaining("readable by others");
        assertThatThrownBy(() -> ZabbixClient.create(config(shortKey)))
                .hasMessageContaining("4 hex digits (expected: an even count from 32 to 512)");
        assertThatThrownBy(() -> ZabbixClient.create(config(notHex)))
                .hasMessageContaining("not hex digits").hasMessageNotContaining(PSK.replace('a', 'x'));
        List<String> problems = new ArrayList<>();
        for (ZabbixTlsConfig.FileProblem problem : ZabbixTlsConfig.psk(IDENTITY, open).fileProblems()) {
            problems.add(problem.toString());
        }
        assertThat(problems).singleElement().asString().startsWith("tls.psk_file: " + open);
        assertThat(ZabbixTlsConfig.psk(IDENTITY, keyFile).summary()).isEqualTo("psk (identity " + IDENTITY
                + ", key file " + keyFile + ")");
    }
}
