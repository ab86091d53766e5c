package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.cli.SenderRuns.Run;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier send} and the real {@code zabbix_sender} against a real Zabbix 6.0 server: each sends the
 * same file for its own fresh host with the same trapper items, and the server stores the same history for
 * both and counts the same processed and failed values.
 */
class SendToRealZabbixTest {
    // The history syncer writes within a second or two; a busy 2-core machine needs more.
    private static final Duration HISTORY_WAIT = Duration.ofSeconds(60);
    private static final Map<String, ValueType> ITEMS = Map.of(
            "app.float", ValueType.FLOAT, "app.uint", ValueType.UNSIGNED, "app.text", ValueType.TEXT);

    @TempDir
    Path dir;

    @BeforeAll
    static void needsTheRealSender() {
        Assumptions.assumeTrue(SenderRuns.zabbixSenderInstalled(), "zabbix_sender is not installed");
    }

    private static String freshHost(RealZabbixServer zabbix, String role) {
        String host = "courier-send-" + role + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String hostId = zabbix.createHost(host);
        ITEMS.forEach((key, type) -> zabbix.createTrapperItem(hostId, key, type));
        return host;
    }

    private static String value(String key, int i) {
        return switch (key) {
            case "app.float" -> Double.toString(i + 0.25);
            case "app.uint" -> Integer.toString(i * 7);
            default -> "\"text " + i + " \\\"quoted\\\"\"";
        };
    }

    @Test
    void bothSendersLeaveTheSameHistoryAndCountUnknownKeysAlike() throws Exception {
        RealZabbixServer zabbix = RealZabbixServer.shared();
        String theirs = freshHost(zabbix, "ref");
        String ours = freshHost(zabbix, "ours");
        zabbix.reloadConfigCache();

        long start = Instant.now().getEpochSecond() - 3600;
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            for (String key : ITEMS.keySet()) {
                text.append("- ").append(key).append(' ').append(start + i).append(' ').append(i * 1000)
                        .append(' ').append(value(key, i)).append('\n');
            }
        }
        Path file = Files.writeString(dir.resolve("values.txt"), text);
        String port = Integer.toString(zabbix.trapperPort());

        Run reference = SenderRuns.zabbixSender("-z", "127.0.0.1", "-p", port, "-s", theirs, "-T", "-N", "-i",
                file.toString());
        Run run = SenderRuns.courierSend("-z", "127.0.0.1", "-p", port, "-s", ours, "-T", "-N", "-i",
                file.toString());

        assertThat(reference.exitCode()).as(reference.out()).isZero();
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.summary()).isEqualTo(reference.summary()).isEqualTo("sent: 900; skipped: 0; total: 900");
        assertThat(run.processed()).isEqualTo(reference.processed()).isEqualTo(900);
        for (String key : ITEMS.keySet()) {
            await(key).atMost(HISTORY_WAIT).until(() -> zabbix.historyValues(theirs, key).size() == 300
                    && zabbix.historyValues(ours, key).size() == 300);
            assertThat(zabbix.historyValues(ours, key)).as(key).isEqualTo(zabbix.historyValues(theirs, key));
        }

        StringBuilder unknown = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            unknown.append("- ").append(i % 3 == 0 ? "app.missing" : "app.uint").append(' ').append(start + 1000 + i)
                    .append(' ').append(i).append('\n');
        }
        Path unknownFile = Files.writeString(dir.resolve("unknown.txt"), unknown);

        Run referenceUnknown = SenderRuns.zabbixSender("-z", "127.0.0.1", "-p", port, "-s", theirs, "-T", "-i",
                unknownFile.toString());
        Run runUnknown = SenderRuns.courierSend("-z", "127.0.0.1", "-p", port, "-s", ours, "-T", "-i",
                unknownFile.toString());

        assertThat(runUnknown.exitCode()).as(runUnknown.out()).isEqualTo(referenceUnknown.exitCode()).isEqualTo(2);
        assertThat(runUnknown.summary()).isEqualTo(referenceUnknown.summary());
        assertThat(runUnknown.processed()).isEqualTo(referenceUnknown.processed()).isEqualTo(20);
        assertThat(runUnknown.failed()).isEqualTo(referenceUnknown.failed()).isEqualTo(10);
    }
}
