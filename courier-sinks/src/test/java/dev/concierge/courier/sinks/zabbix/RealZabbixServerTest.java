package dev.concierge.courier.sinks.zabbix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.sinks.zabbix.RealZabbixServer.ValueType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves {@link RealZabbixServer} against the reference sender, {@code /usr/bin/zabbix_sender}. This class
 * owns a private instance rather than the shared one so that CI also exercises start-up and {@link
 * RealZabbixServer#close()}.
 */
class RealZabbixServerTest {

    private static final Duration STORED_WITHIN = Duration.ofSeconds(30);
    private static final String ZABBIX_SENDER = "/usr/bin/zabbix_sender";

    private static final Path FRONTEND_CONFIG = Path.of("/etc/zabbix/zabbix.conf.php");

    private static RealZabbixServer zabbix;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startZabbix() {
        zabbix = RealZabbixServer.start();
    }

    @AfterAll
    static void stopZabbixAndCheckNothingIsLeft() throws IOException {
        if (zabbix == null) {
            return;
        }
        int trapperPort = zabbix.trapperPort();
        String apiUrl = zabbix.apiUrl();
        int apiPort = Integer.parseInt(apiUrl.replaceAll(".*:(\\d+)/.*", "$1"));
        zabbix.close();
        assertThat(accepts(trapperPort)).as("trapper port after close").isFalse();
        assertThat(accepts(apiPort)).as("API port after close").isFalse();
        // The file before start() may have been the shared instance's, which start() replaced; so check
        // only that this instance's settings are gone.
        String frontendConfig = Files.exists(FRONTEND_CONFIG) ? Files.readString(FRONTEND_CONFIG) : "";
        assertThat(frontendConfig).as("zabbix.conf.php after close")
                .doesNotContain("$ZBX_SERVER_PORT = '" + trapperPort + "'");
    }

    @Test
    void apiAnswersAsZabbix60() {
        assertThat(zabbix.call("apiinfo.version", List.of()).asText()).startsWith("6.0.");
    }

    @Test
    void storesFloatUnsignedAndTextValuesSentByZabbixSender() throws Exception {
        String host = uniqueHost();
        String hostId = zabbix.createHost(host);
        zabbix.createTrapperItem(hostId, "courier.float", ValueType.FLOAT);
        zabbix.createTrapperItem(hostId, "courier.uint", ValueType.UNSIGNED);
        zabbix.createTrapperItem(hostId, "courier.text", ValueType.TEXT);
        zabbix.reloadConfigCache();

        long clock = System.currentTimeMillis() / 1000;
        // Always ns: without it, values of one item with one clock collide across requests (PEERS.md).
        Sent sent = send(List.of(
                host + " courier.float " + clock + " 100 1.5",
                host + " courier.float " + clock + " 200 -2.25",
                host + " courier.uint " + clock + " 100 42",
                host + " courier.uint " + clock + " 200 18446744073709551615",
                host + " courier.text " + clock + " 100 \"hello courier\"",
                host + " courier.text " + clock + " 200 \"h\u00e9llo \u2713\""));

        assertThat(sent.exitCode()).as(sent.output()).isZero();
        assertThat(sent.output()).contains("processed: 6; failed: 0; total: 6");
        await().atMost(STORED_WITHIN).untilAsserted(() -> {
            assertThat(zabbix.historyValues(host, "courier.float")).containsExactly("1.5", "-2.25");
            assertThat(zabbix.historyValues(host, "courier.uint")).containsExactly("42", "18446744073709551615");
            assertThat(zabbix.historyValues(host, "courier.text")).containsExactly("hello courier", "h\u00e9llo \u2713");
        });
    }

    @Test
    void valueForUnknownKeyMakesZabbixSenderExitTwo() throws Exception {
        String host = uniqueHost();
        String hostId = zabbix.createHost(host);
        zabbix.createTrapperItem(hostId, "courier.known", ValueType.UNSIGNED);
        zabbix.reloadConfigCache();

        long clock = System.currentTimeMillis() / 1000;
        Sent sent = send(List.of(
                host + " courier.known " + clock + " 0 7",
                host + " courier.unknown " + clock + " 0 8"));

        assertThat(sent.exitCode()).as(sent.output()).isEqualTo(2);
        assertThat(sent.output()).contains("processed: 1; failed: 1; total: 2");
        await().atMost(STORED_WITHIN)
                .until(() -> zabbix.historyValues(host, "courier.known"), values -> values.equals(List.of("7")));
        assertThat(zabbix.historyValues(host, "courier.unknown")).isEmpty();
    }

    @Test
    void historyOfUnknownHostIsEmpty() {
        assertThat(zabbix.historyValues("no-such-host", "no.such.key")).isEmpty();
    }

    @Test
    void hostsAreVisibleThroughTheApi() {
        String host = uniqueHost();
        String hostId = zabbix.createHost(host);

        var found = zabbix.call("host.get", Map.of("output", List.of("host"), "hostids", List.of(hostId)));

        assertThat(found.get(0).get("host").asText()).isEqualTo(host);
    }

    private record Sent(int exitCode, String output) {
    }

    private Sent send(List<String> lines) throws IOException, InterruptedException {
        Path input = Files.createTempFile(tmp, "values-", ".txt");
        Files.write(input, lines, StandardCharsets.UTF_8);
        Path output = tmp.resolve(input.getFileName() + ".out");
        Process sender = new ProcessBuilder(ZABBIX_SENDER, "-z", "127.0.0.1", "-p",
                Integer.toString(zabbix.trapperPort()), "-T", "-N", "-i", input.toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        assertThat(sender.waitFor(30, TimeUnit.SECONDS)).as("zabbix_sender exited").isTrue();
        return new Sent(sender.exitValue(), Files.readString(output));
    }

    private static String uniqueHost() {
        return "courier-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
