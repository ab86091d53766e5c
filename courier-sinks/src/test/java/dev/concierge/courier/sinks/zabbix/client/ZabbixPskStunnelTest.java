package dev.concierge.courier.sinks.zabbix.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.ProtocolVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS 1.3 with a pre-shared key against OpenSSL, which is what a Zabbix built with OpenSSL speaks (Debian's
 * Zabbix is built with GnuTLS and offers PSK over TLS 1.2 only; {@code ZabbixPskRealServerTest}):
 * stunnel (OpenSSL 3) ends TLS 1.3 PSK in front of a plain trapper, as PEERS.md describes.
 */
class ZabbixPskStunnelTest {
    private static final String IDENTITY = "courier-tls13";
    // stunnel takes the key as its text, Zabbix and the courier as hex: the same bytes both ways.
    private static final String KEY_TEXT = "courier-psk-key-0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void deliversOverTls13WithAPreSharedKeyAndOnlyOverIt() throws Exception {
        Path secrets = Files.writeString(dir.resolve("psk.txt"), IDENTITY + ":" + KEY_TEXT + "\n");
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
        Path keyFile = Files.writeString(dir.resolve("key.psk"),
                HexFormat.of().formatHex(KEY_TEXT.getBytes(StandardCharsets.US_ASCII)) + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        try (ZabbixTrapperReceiver trapper = ZabbixTrapperReceiver.create()) {
            int port = freePort();
            Path conf = Files.writeString(dir.resolve("stunnel.conf"), String.join("\n",
                    "foreground = yes", "pid =", "debug = 4", "[zabbix]", "accept = 127.0.0.1:" + port,
                    "connect = 127.0.0.1:" + trapper.port(), "PSKsecrets = " + secrets,
                    "sslVersionMin = TLSv1.3", "sslVersionMax = TLSv1.3",
                    "ciphersuites = TLS_AES_128_GCM_SHA256", ""));
            Process stunnel = new ProcessBuilder("/usr/bin/stunnel4", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stunnel.log").toFile()).start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> accepts(port));
                ZabbixClientConfig config = ZabbixClientConfig.of("127.0.0.1", port, Duration.ofSeconds(3),
                        Duration.ofSeconds(10)).withTls(ZabbixTlsConfig.psk(IDENTITY, keyFile));

                try (ZabbixClient client = ZabbixClient.create(config)) {
                    ZabbixExchange exchange = send(client);
                    assertThat(exchange.failure()).as("%s", Files.readString(dir.resolve("stunnel.log"))).isNull();
                    assertThat(exchange.response().counts().processed()).isEqualTo(1);
                }
                try (ZabbixClient tls12 = ZabbixClient.create(config, new ProtocolVersion[] {ProtocolVersion.TLSv12})) {
                    assertThat(send(tls12).failure().stage()).as("TLS 1.2 is refused: 1.3 it was")
                            .isEqualTo(ZabbixExchange.Stage.TLS_HANDSHAKE);
                }
                assertThat(trapper.rows()).hasSize(1);
            } finally {
                stunnel.destroy();
                stunnel.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static ZabbixExchange send(ZabbixClient client) {
        Instant now = Instant.now();
        return client.send(ZabbixSenderRequest.of(List.of(new Row("web-01", "psk.value", "1",
                now.getEpochSecond(), now.getNano())), now)).join();
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
