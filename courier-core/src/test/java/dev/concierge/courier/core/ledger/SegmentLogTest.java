package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.testing.Samples;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SegmentLog}: what it appends reads back exactly, across rolls and after a reopen; bad tails are cut. */
class SegmentLogTest {
    private static final long SMALL_SEGMENT = 256;

    @TempDir
    Path dir;

    private final List<DeliveryRecord> reports = new ArrayList<>();
    private final FaultyDisk disk = new FaultyDisk();
    private long nextSeq;

    private SegmentLog log(long segmentBytes) {
        return new SegmentLog("zabbix", dir, segmentBytes, disk, Clock.systemUTC(), reports::add);
    }

    /** A log opened on an empty directory with its read position at the first record appended. */
    private SegmentLog emptyLog(long segmentBytes) throws IOException {
        SegmentLog log = log(segmentBytes);
        log.recover(0, (seq, frameBytes) -> { });
        return log;
    }

    private long append(SegmentLog log, Sample sample) throws IOException {
        long seq = nextSeq++;
        long at = log.append(log.encode(seq, sample), seq, 1);
        if (seq == 0) {
            log.readActiveFrom(at, log.activeRecords() - 1);
        }
        return at;
    }

    private static List<SequencedSample> readAll(SegmentLog log, int count) {
        List<SequencedSample> read = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            read.add(log.readNext());
        }
        return read;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(SegmentLog.SUFFIX)).sorted().toList();
        }
    }

    @Test
    void readsBackExactlyWhatItAppendedAcrossRolls() throws IOException {
        SegmentLog log = emptyLog(SMALL_SEGMENT);
        List<Sample> samples = Samples.counters("rolled", 20);
        for (Sample sample : samples) {
            append(log, sample);
        }

        List<SequencedSample> read = readAll(log, samples.size());

        assertThat(segmentFiles()).hasSizeGreaterThan(2);
        assertThat(read).extracting(SequencedSample::sample).isEqualTo(samples);
        assertThat(read).extracting(SequencedSample::seq).containsExactly(
                0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
        assertThat(read).allMatch(SequencedSample::onDisk);
        assertThat(read).allMatch(entry -> entry.frameBytes() == log.encode(entry.seq(), entry.sample()).remaining());
    }

    @Test
    void namesEachSegmentAfterTheSequenceOfItsFirstRecord() throws IOException {
        SegmentLog log = emptyLog(SMALL_SEGMENT);
        for (Sample sample : Samples.counters("named", 20)) {
            append(log, sample);
        }
        log.release();

        assertThat(segmentFiles().get(0).getFileName().toString()).isEqualTo("00000000000000000000.seg");
        for (Path file : segmentFiles()) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long firstSeq = new LogFrames.Reader(channel, 0, channel.size()).next().getLong(0);
                assertThat(file.getFileName().toString()).isEqualTo(String.format("%020d.seg", firstSeq));
            }
        }
    }

    @Test
    void saysTheLogEndsWhenAskedForARecordNeverAppended() throws IOException {
        SegmentLog log = emptyLog(SMALL_SEGMENT);
        append(log, Samples.counter("only", 1, 1_700_000_000L));
        log.readNext();

        assertThat(log.readNext()).isNull();
        SegmentLog.Skipped skipped = log.skipDamaged();
        assertThat(skipped.problem()).isEqualTo("the log ends before every waiting sample was read");
        assertThat(skipped.logEnds()).isTrue();
    }

    @Test
    void findsEveryRecordAgainWhenOpenedAgain() throws IOException {
        SegmentLog log = emptyLog(SMALL_SEGMENT);
        List<Sample> samples = Samples.counters("reopened", 20);
        for (Sample sample : samples) {
            append(log, sample);
        }
        log.force();
        log.release();

        SegmentLog reopened = log(SMALL_SEGMENT);
        List<Long> seen = new ArrayList<>();
        long last = reopened.recover(0, (seq, frameBytes) -> seen.add(seq));

        assertThat(last).isEqualTo(19);
        assertThat(seen).hasSize(20).isSorted();
        assertThat(readAll(reopened, 20)).extracting(SequencedSample::sample).isEqualTo(samples);
        assertThat(reports).isEmpty();
    }

    @Test
    void opensFromTheCursorDeletingTheSegmentsWhollyBelowIt() throws IOException {
        SegmentLog log = emptyLog(SMALL_SEGMENT);
        List<Sample> samples = Samples.counters("settled", 20);
        for (Sample sample : samples) {
            append(log, sample);
        }
        log.release();
        int before = segmentFiles().size();

        SegmentLog reopened = log(SMALL_SEGMENT);
        List<Long> seen = new ArrayList<>();
        reopened.recover(10, (seq, frameBytes) -> seen.add(seq));

        assertThat(segmentFiles()).hasSizeLessThan(before);
        assertThat(seen.get(0)).isLessThanOrEqualTo(10L);
        assertThat(seen).contains(19L);
        assertThat(reopened.readNext().sample()).isEqualTo(samples.get(10));
    }

    @Test
    void cutsATornTailWhenOpenedAndReportsWhatItCut() throws IOException {
        SegmentLog log = emptyLog(1 << 20);
        List<Sample> samples = Samples.counters("torn", 5);
        long lastAt = 0;
        for (Sample sample : samples) {
            lastAt = append(log, sample);
        }
        log.release();
        Path segment = segmentFiles().get(0);
        long size = Files.size(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(size - 3);
        }

        SegmentLog reopened = log(1 << 20);
        List<Long> seen = new ArrayList<>();
        long last = reopened.recover(0, (seq, frameBytes) -> seen.add(seq));

        assertThat(seen).containsExactly(0L, 1L, 2L, 3L);
        assertThat(last).isEqualTo(3);
        assertThat(Files.size(segment)).isEqualTo(lastAt);
        assertThat(reports).singleElement().satisfies(record -> {
            assertThat(record.outcome()).isEqualTo(DeliveryRecord.Outcome.DROPPED);
            assertThat(record.dropped()).isEqualTo(1);
            assertThat(record.detail()).contains("torn or corrupt tail");
        });
        assertThat(readAll(reopened, 4)).extracting(SequencedSample::sample).isEqualTo(samples.subList(0, 4));
    }

    @Test
    void deletesSettledSegmentsButNeverTheActiveOne() throws IOException {
        SegmentLog log = emptyLog(SMALL_SEGMENT);
        for (Sample sample : Samples.counters("deleted", 20)) {
            append(log, sample);
        }

        log.deleteSettled(Long.MAX_VALUE, false);

        assertThat(segmentFiles()).hasSize(1);
        Sample next = Samples.counter("after", 1, 1_800_000_000L);
        long at = append(log, next);
        log.readActiveFrom(at, log.activeRecords() - 1);
        assertThat(log.readNext().sample()).isEqualTo(next);
    }

    @Test
    void anAppendThatFailsLeavesOnlyWholeRecords() throws IOException {
        SegmentLog log = emptyLog(1 << 20);
        List<Sample> samples = Samples.counters("failing", 3);
        append(log, samples.get(0));
        disk.full = true;
        long seq = nextSeq;
        assertThatThrownBy(() -> log.append(log.encode(seq, samples.get(1)), seq, 1)).isInstanceOf(IOException.class);
        disk.full = false;
        append(log, samples.get(1));
        append(log, samples.get(2));
        log.release();

        SegmentLog reopened = log(1 << 20);
        List<Long> seen = new ArrayList<>();
        reopened.recover(0, (s, frameBytes) -> seen.add(s));

        assertThat(seen).containsExactly(0L, 1L, 2L);
        assertThat(reports).isEmpty();
    }

    @Test
    void isDirtyUntilForced() throws IOException {
        SegmentLog log = emptyLog(SMALL_SEGMENT);
        assertThat(log.dirty()).isFalse();

        append(log, Samples.counter("dirty", 1, 1_700_000_000L));
        assertThat(log.dirty()).isTrue();

        log.force();
        assertThat(log.dirty()).isFalse();
    }
}
