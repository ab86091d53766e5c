package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class LedgerCrashTest {
    private static final int SYNCED = 5000;
    private static final int BATCH = LedgerCrashChild.BATCH;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void losesNothingSyncedAndResendsNothingSettledAfterSigkill() throws Exception {
        Path data = dir.resolve("data");
        Path stderr = dir.resolve("child.err");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), LedgerCrashChild.class.getName(), data.toString(),
                Integer.toString(SYNCED))
                .redirectError(stderr.toFile())
                .start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.equals("APPENDING")) {
                    child.destroyForcibly();
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
        assertThat(lines).as("child stdout; stderr: %s", readQuietly(stderr)).containsExactly(
                "SETTLED " + 2 * BATCH + " IN_FLIGHT " + BATCH, "SYNCED " + SYNCED, "APPENDING");

        List<Long> pending = new ArrayList<>();
        try (FileDeliveryLedger ledger = FileDeliveryLedger.open(data, Clock.systemUTC())) {
            FileSinkBacklog backlog = ledger.openBacklog(LedgerCrashChild.SINK, 1L << 30);
            Batch batch;
            while ((batch = backlog.takeBatch(1000)) != null) {
                batch.samples().forEach(s -> pending.add(((SampleValue.Integer) s.value()).value()));
                backlog.settle(batch);
            }
        }

        // The two settled batches are below the durable cursor; the one in flight is resent.
        List<Long> expectedSynced = new ArrayList<>();
        for (long i = 2 * BATCH; i < SYNCED; i++) {
            expectedSynced.add(i);
        }
        assertThat(pending).hasSizeGreaterThanOrEqualTo(expectedSynced.size());
        assertThat(pending.subList(0, expectedSynced.size()))
                .as("every synced sample not settled is pending, in order; settled ones are not")
                .isEqualTo(expectedSynced);
        List<Long> appendedAfter = pending.subList(expectedSynced.size(), pending.size());
        assertThat(appendedAfter.size()).as("written before the kill, so kept by the OS").isGreaterThan(1000);
        for (int i = 0; i < appendedAfter.size(); i++) {
            assertThat(appendedAfter.get(i)).isEqualTo(SYNCED + i);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
