package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.ManualClock;
import dev.concierge.courier.core.testing.Samples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDeliveryLedgerLossesTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    // ledger.log rotates every 4 KiB and keeps one file: the DROPPED records of an outage are long gone.
    private static final FileDeliveryLedger.Options SHORT_LOG = FileDeliveryLedger.Options.defaults()
            .withSegmentBytes(64 << 10).withLedgerLog(4096, 1);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(T0);
    private FileDeliveryLedger ledger;

    @AfterEach
    void closeLedger() {
        if (ledger != null) {
            ledger.close();
        }
    }

    private FileDeliveryLedger reopen() {
        if (ledger != null) {
            ledger.close();
        }
        ledger = FileDeliveryLedger.open(dir, clock, SHORT_LOG);
        return ledger;
    }

    private static Sample[] chunk(int index, int size) {
        Sample[] samples = new Sample[size];
        for (int i = 0; i < size; i++) {
            samples[i] = Samples.counter("m." + i, index, T0.getEpochSecond() + index);
        }
        return samples;
    }

    @Test
    void anOutagePastTheBudgetIsOneRangeThatOutlivesRestartAndLogRotation() throws IOException {
        FileSinkBacklog backlog = reopen().openBacklog("zbx", 2048);
        // 180 s of intake chunks every 24 ms while the destination is away: one eviction per chunk.
        for (int i = 0; i < 7_500; i++) {
            clock.advance(Duration.ofMillis(24));
            Sample[] samples = chunk(i, 5);
            backlog.appendAll(samples, samples.length, ledger::record);
        }
        long dropped = ledger.totals("zbx").dropped();
        assertThat(dropped).isGreaterThan(7_000 * 5);
        backlog.close(ledger::record);

        List<LossRange> afterRestart = reopen().losses(null);

        assertThat(afterRestart).singleElement().satisfies(range -> {
            assertThat(range.origin()).isEqualTo(LossRange.Origin.SINK);
            assertThat(range.name()).isEqualTo("zbx");
            assertThat(range.count()).isEqualTo(dropped);
            assertThat(range.firstSample()).isEqualTo(Instant.ofEpochSecond(T0.getEpochSecond()));
            assertThat(range.reason()).contains("over its budget");
        });
        assertThat(ledger.recent(1000)).noneMatch(record -> record.oldestSample() != null
                && record.oldestSample().equals(Instant.ofEpochSecond(T0.getEpochSecond())));
        assertThat(Files.size(dir.resolve(LossLog.FILE))).isLessThan(2 * LossLog.MIN_COMPACT_BYTES);
    }

    @Test
    void aDeliveryAfterTheDropsClosesTheRangeAndTheClosingIsKept() {
        reopen().record(DeliveryRecord.dropped("zbx", 40, clock.instant(), T0, T0.plusSeconds(4), "over budget"));
        clock.advance(Duration.ofSeconds(10));
        ledger.record(DeliveryRecord.settled("zbx", new Batch(1, Samples.counters("y", 3)),
                DeliveryRecord.Outcome.DELIVERED, 0, clock.instant(), "ok"));
        clock.advance(Duration.ofSeconds(1));
        ledger.record(DeliveryRecord.dropped("zbx", 2, clock.instant(), T0, T0, "over budget"));

        List<LossRange> kept = reopen().losses(null);

        assertThat(kept).extracting(LossRange::count).containsExactly(40L, 2L);
        assertThat(kept.get(0).closedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(kept.get(1).open()).isTrue();
    }

    @Test
    void ringRefusalsAreRangesPerSourceThatCloseAfterAQuietPeriod() {
        reopen().recordSourceLoss("app", 18_600, T0, T0.plusSeconds(1), "ring full");
        clock.advance(Duration.ofSeconds(10));
        ledger.recordSourceLoss("app", 18_600, T0.plusSeconds(10), T0.plusSeconds(11), "ring full");
        ledger.recordSourceLoss("other", 7, null, null, "ring full");
        clock.advance(Duration.ofMinutes(5));
        ledger.recordSourceLoss("app", 1, T0.plusSeconds(310), T0.plusSeconds(310), "ring full");

        List<LossRange> kept = reopen().losses(null);

        assertThat(kept).extracting(LossRange::origin).containsOnly(LossRange.Origin.SOURCE);
        assertThat(kept).extracting(LossRange::name, LossRange::count).containsExactly(
                Tuple.tuple("app", 37_200L), Tuple.tuple("other", 7L),
                Tuple.tuple("app", 1L));
        assertThat(kept.get(0).lastSample()).isEqualTo(T0.plusSeconds(11));
        assertThat(ledger.losses(T0.plusSeconds(300))).extracting(LossRange::count).containsExactly(1L);
    }

    @Test
    void aTornTailOfTheLossesFileIsCutAndTheRangesBeforeItKept() throws IOException {
        reopen().recordSourceLoss("app", 5, null, null, "ring full");
        ledger.close();
        ledger = null;
        Files.write(dir.resolve(LossLog.FILE), new byte[] {0, 0, 0, 40, 1, 2}, StandardOpenOption.APPEND);

        assertThat(reopen().losses(null)).extracting(LossRange::count).containsExactly(5L);
        ledger.recordSourceLoss("app", 5, null, null, "ring full");
        assertThat(reopen().losses(null)).extracting(LossRange::count).containsExactly(10L);
    }

    @Test
    void aSnapshotReadsTheFilesOfAnOpenLedgerWithoutItsLockAndWritesNothing() throws IOException {
        FileSinkBacklog backlog = reopen().openBacklog("zbx/1", 1 << 20);
        Samples.counters("x", 5).forEach(sample -> backlog.append(sample, ledger::record));
        ledger.record(DeliveryRecord.settled("zbx/1", new Batch(3, Samples.counters("y", 4)),
                DeliveryRecord.Outcome.DELIVERED, 0, clock.instant(), "ok"));
        ledger.record(DeliveryRecord.dropped("zbx/1", 2, clock.instant(), T0, T0, "over budget"));
        ledger.recordSourceLoss("app", 9, null, null, "ring full");
        long ledgerLogBytes = Files.size(dir.resolve(LedgerLog.FILE));

        LedgerSnapshot snapshot = LedgerSnapshot.read(dir,
                record -> record.outcome() == DeliveryRecord.Outcome.DROPPED, 10, clock.instant());

        assertThat(snapshot.sinks()).containsExactly("zbx/1");
        assertThat(snapshot.totals().get("zbx/1")).isEqualTo(new LedgerTotals(1, 4, 0, 2));
        assertThat(snapshot.records()).singleElement().extracting(DeliveryRecord::dropped).isEqualTo(2);
        assertThat(snapshot.losses()).extracting(LossRange::name).containsExactly("zbx/1", "app");
        assertThat(snapshot.backlogs().get("zbx/1").samples()).isEqualTo(5);
        assertThat(Files.size(dir.resolve(LedgerLog.FILE))).isEqualTo(ledgerLogBytes);
        assertThat(snapshot.losses()).allMatch(LossRange::open);
        assertThat(LedgerSnapshot.read(dir, record -> true, 0, clock.instant().plus(LossRanges.QUIET_PERIOD)).losses())
                .extracting(LossRange::closedAt).containsOnly(clock.instant().plus(LossRanges.QUIET_PERIOD));
    }

    @Test
    void aDataDirectoryFromBeforeLossRangesGetsThemFromTheDropsItsLedgerLogHolds() throws IOException {
        reopen().record(DeliveryRecord.dropped("zbx", 10, clock.instant(), T0, T0, "over budget"));
        clock.advance(Duration.ofSeconds(1));
        ledger.record(DeliveryRecord.dropped("zbx", 5, clock.instant(), T0, T0.plusSeconds(1), "over budget"));
        ledger.close();
        ledger = null;
        Files.delete(dir.resolve(LossLog.FILE));

        assertThat(reopen().losses(null)).singleElement().extracting(LossRange::count).isEqualTo(15L);
        assertThat(reopen().losses(null)).singleElement().extracting(LossRange::count).isEqualTo(15L);
    }
}
