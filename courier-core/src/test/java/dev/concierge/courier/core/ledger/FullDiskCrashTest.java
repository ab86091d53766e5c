package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL while its disk is full (a fault-injecting channel, so that it runs anywhere; the
 * app's fault suite does the same on a real tmpfs): the next open records that the samples held in memory were
 * lost, how many and from when to when, and delivers the rest.
 */
class FullDiskCrashTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void recordsTheSamplesHeldInMemoryAsLostAtTheNextOpen() throws Exception {
        Path data = dir.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), FullDiskCrashChild.class.getName(), data.toString())
                .redirectError(dir.resolve("child.err").toFile())
                .start();
        String line;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            line = out.readLine();
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        assertThat(line).as("stderr: %s", Files.readString(dir.resolve("child.err")))
                .startsWith("HELD " + FullDiskCrashChild.HELD + " WRITE_ERRORS ");

        try (FileDeliveryLedger ledger = FileDeliveryLedger.open(data, Clock.systemUTC())) {
            FileSinkBacklog backlog = ledger.openBacklog(FullDiskCrashChild.SINK, 1L << 30);

            List<DeliveryRecord> dropped = ledger.recent(10).stream()
                    .filter(r -> r.outcome() == DeliveryRecord.Outcome.DROPPED).toList();
            assertThat(dropped).singleElement().satisfies(r -> {
                assertThat(r.dropped()).isEqualTo(FullDiskCrashChild.HELD);
                assertThat(r.detail()).contains("lost in a crash");
                assertThat(r.oldestSample()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L + FullDiskCrashChild.WRITTEN));
                assertThat(r.newestSample()).isEqualTo(Instant.ofEpochSecond(
                        1_700_000_000L + FullDiskCrashChild.WRITTEN + FullDiskCrashChild.HELD - 1));
            });
            assertThat(Backlogs.drain(backlog)).hasSize(FullDiskCrashChild.WRITTEN);
        }
    }
}
