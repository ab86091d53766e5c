package dev.concierge.courier.app.e2e;

import static dev.concierge.courier.app.e2e.ZabbixIntakeToRealZabbixTest.send;
import static dev.concierge.courier.app.e2e.ZabbixIntakeToRealZabbixTest.uniqueHost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.CourierMain;
import dev.concierge.courier.app.e2e.ZabbixIntakeToRealZabbixTest.Sent;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer.ValueType;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A courier in a child process takes a script's values while its Zabbix server is away, is killed with
 * SIGKILL the moment {@code zabbix_sender} reports success, and is started again with the server back: every
 * value it acknowledged reaches the server's history.
 */
class ZabbixIntakeCrashTest {
    private static final Duration HISTORY_WAIT = Duration.ofSeconds(120);
    private final RealZabbixServer zabbix = RealZabbixServer.shared();
    @TempDir
    Path dir;
    private final List<Process> couriers = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process courier : couriers) {
            courier.destroyForcibly().waitFor();
        }
    }

    @Test
    void everyAcknowledgedValueArrivesAfterAKillAndARestart() throws Exception {
        String host = uniqueHost("crash");
        int items = 20;
        int perItem = 50;
        String hostId = zabbix.createHost(host);
        for (int i = 0; i < items; i++) {
            zabbix.createTrapperItem(hostId, "job.result[" + i + "]", ValueType.UNSIGNED);
        }
        zabbix.reloadConfigCache();
        int intakePort = freePort();
        // Nothing listens there: the values can only be in the ledger when the courier dies.
        int serverAway = freePort();
        long firstClock = System.currentTimeMillis() / 1000 - perItem - 60;
        StringBuilder lines = new StringBuilder();
        for (int j = 0; j < perItem; j++) {
            for (int i = 0; i < items; i++) {
                lines.append(host).append(" job.result[").append(i).append("] ").append(firstClock + j).append(' ')
                        .append(i).append(' ').append(i * 1000 + j).append('\n');
            }
        }
        Path input = Files.writeString(dir.resolve("values.txt"), lines);

        Process first = startCourier("first", intakePort, serverAway);
        Sent sent = send(intakePort, "-T", "-N", "-i", input.toString());
        first.destroyForcibly(); // SIGKILL on Linux
        first.waitFor();
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        assertThat(sent.output()).contains("sent: " + items * perItem + "; skipped: 0;");

        startCourier("second", intakePort, zabbix.trapperPort());
        for (int i = 0; i < items; i++) {
            String key = "job.result[" + i + "]";
            List<String> stored = await("history of " + key).atMost(HISTORY_WAIT)
                    .until(() -> zabbix.historyValues(host, key), values -> values.size() >= perItem);
            List<String> expected = new ArrayList<>();
            for (int j = 0; j < perItem; j++) {
                expected.add(Integer.toString(i * 1000 + j));
            }
            assertThat(stored).as(key).containsExactlyElementsOf(expected);
        }
    }

    private Process startCourier(String run, int intakePort, int serverPort) throws IOException {
        Path config = dir.resolve(run + ".yaml");
        Files.writeString(config, String.join("\n",
                "data_dir: " + dir.resolve("data"),
                "sources:",
                "  - name: scripts",
                "    type: zabbix_intake",
                "    listen: 127.0.0.1:" + intakePort,
                "sinks:",
                "  - name: zabbix",
                "    type: zabbix",
                "    server: 127.0.0.1:" + serverPort,
                ""));
        Path log = dir.resolve(run + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process courier = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CourierMain.class.getName(), "run", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        couriers.add(courier);
        await(run + " courier listening").atMost(Duration.ofSeconds(60)).until(() -> {
            assertThat(courier.isAlive()).as("courier alive; its log:%n%s", read(log)).isTrue();
            return read(log).contains("listening for zabbix_sender");
        });
        return courier;
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
