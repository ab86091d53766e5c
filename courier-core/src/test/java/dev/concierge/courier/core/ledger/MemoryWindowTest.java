package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MemoryWindow}: which waiting samples are in memory, on disk only or unwritten, and the order they leave in. */
class MemoryWindowTest {
    private static final List<Sample> SAMPLES = Samples.counters("w", 10);
    // Room for three of the samples above, which are all the same size.
    private static final long WINDOW_BYTES = 3L * SAMPLES.get(0).estimatedBytes();

    @TempDir
    Path dir;

    private final List<DeliveryRecord> reports = new ArrayList<>();
    private final SettledCursor settled = new SettledCursor();
    private SegmentLog segments;
    private MemoryWindow window;

    @BeforeEach
    void open() throws IOException {
        segments = new SegmentLog("zabbix", dir, 1 << 20, FileSinkBacklog.SegmentChannels.DEFAULT, Clock.systemUTC(),
                reports::add);
        window = new MemoryWindow("zabbix", WINDOW_BYTES, segments, settled, Clock.systemUTC(), reports::add);
        window.startAt(0);
        segments.recover(0, (seq, frameBytes) -> window.recovered(0, seq, frameBytes));
        settled.startAt(0);
    }

    /** Appends as the backlog does: a sequence, a write to the log, then the window places it. */
    private int write(Sample sample) throws IOException {
        long seq = window.nextSequence();
        int frameBytes = segments.encode(seq, sample).remaining();
        long at = segments.append(segments.encode(seq, sample), seq, 1);
        window.placeWritten(new SequencedSample(seq, sample, frameBytes, true), at, segments.activeRecords() - 1);
        return frameBytes;
    }

    private long writeAll(List<Sample> samples) throws IOException {
        long frameBytes = 0;
        for (Sample sample : samples) {
            frameBytes += write(sample);
        }
        return frameBytes;
    }

    private void addUnwritten(Sample sample) {
        long seq = window.nextSequence();
        window.addUnwritten(new SequencedSample(seq, sample, segments.encode(seq, sample).remaining(), false));
    }

    private List<SequencedSample> takeAll() {
        List<SequencedSample> taken = new ArrayList<>();
        SequencedSample entry;
        while ((entry = window.takeOldest(100)) != null) {
            taken.add(entry);
        }
        return taken;
    }

    @Test
    void holdsTheOldestInMemoryUpToItsBytesAndCountsTheRestOnDiskOnly() throws IOException {
        long frameBytes = writeAll(SAMPLES);

        assertThat(window.samplesInMemory()).isEqualTo(3);
        assertThat(window.hasDiskOnly()).isTrue();
        assertThat(window.samples()).isEqualTo(10);
        assertThat(window.frameBytes()).isEqualTo(frameBytes);
    }

    @Test
    void givesEverySampleBackInOrderReadingTheRestBackFromDisk() throws IOException {
        writeAll(SAMPLES);

        List<SequencedSample> taken = takeAll();

        assertThat(taken).extracting(SequencedSample::sample).isEqualTo(SAMPLES);
        assertThat(taken).extracting(SequencedSample::seq).isSorted().doesNotHaveDuplicates();
        assertThat(window.samples()).isZero();
        assertThat(window.frameBytes()).isZero();
        assertThat(reports).isEmpty();
    }

    @Test
    void refillsTheWindowFromDiskAsItDrains() throws IOException {
        writeAll(SAMPLES);
        for (int i = 0; i < 3; i++) {
            window.takeOldest(1);
        }
        assertThat(window.samplesInMemory()).isZero();

        window.refill(0);

        assertThat(window.samplesInMemory()).isEqualTo(3);
        assertThat(window.samples()).isEqualTo(7);
    }

    @Test
    void keepsUnwrittenSamplesInMemoryAfterEveryWrittenOne() throws IOException {
        writeAll(SAMPLES.subList(0, 5));
        addUnwritten(SAMPLES.get(5));
        addUnwritten(SAMPLES.get(6));

        assertThat(window.samplesInMemory()).isEqualTo(5);
        List<SequencedSample> taken = takeAll();

        assertThat(taken).extracting(SequencedSample::sample).isEqualTo(SAMPLES.subList(0, 7));
        assertThat(taken).extracting(SequencedSample::onDisk).containsExactly(true, true, true, true, true, false,
                false);
    }

    @Test
    void anUnwrittenSampleWrittenLaterIsPlacedAsOnDisk() throws IOException {
        addUnwritten(SAMPLES.get(0));
        SequencedSample first = window.firstUnwritten();

        long at = segments.append(segments.encode(first.seq(), first.sample()), first.seq(), 1);
        window.placeFirstUnwritten(at, segments.activeRecords() - 1);

        assertThat(window.hasUnwritten()).isFalse();
        assertThat(takeAll()).containsExactly(new SequencedSample(first.seq(), first.sample(), first.frameBytes(),
                true));
    }

    @Test
    void evictsTheOldestFirstReadingDiskOnlySamplesStraightBack() throws IOException {
        writeAll(SAMPLES.subList(0, 5));
        addUnwritten(SAMPLES.get(5));

        List<Sample> evicted = new ArrayList<>();
        while (window.hasWaiting()) {
            evicted.add(window.evictOldest().sample());
        }

        assertThat(evicted).isEqualTo(SAMPLES.subList(0, 6));
        assertThat(window.frameBytes()).isZero();
    }

    @Test
    void reportsSamplesThatNoLongerReadBackAsLostAndSettlesThem() throws IOException {
        writeAll(SAMPLES);
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(p -> p.toString().endsWith(SegmentLog.SUFFIX)).findFirst().orElseThrow();
        }
        long fiveFrames = 0;
        for (int i = 0; i < 5; i++) {
            fiveFrames += segments.encode(i, SAMPLES.get(i)).remaining();
        }
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(fiveFrames);
        }

        List<SequencedSample> taken = takeAll();

        assertThat(taken).extracting(SequencedSample::sample).isEqualTo(SAMPLES.subList(0, 5));
        assertThat(reports).singleElement().satisfies(record -> {
            assertThat(record.outcome()).isEqualTo(DeliveryRecord.Outcome.DROPPED);
            assertThat(record.dropped()).isEqualTo(5);
            assertThat(record.detail()).contains("no longer read back");
        });
        assertThat(window.samples()).isZero();
        settled.add(0, 5); // the five taken, once settled, let the cursor pass the lost ones too
        settled.advance();
        assertThat(settled.cursor()).isEqualTo(10);
    }

    @Test
    void givesOutSequencesFromTheCursorAndAfterEveryRecordFoundAtOpen() throws IOException {
        writeAll(SAMPLES.subList(0, 4));
        segments.release();
        SegmentLog reopenedLog = new SegmentLog("zabbix", dir, 1 << 20, FileSinkBacklog.SegmentChannels.DEFAULT,
                Clock.systemUTC(), reports::add);
        SettledCursor reopenedSettled = new SettledCursor();
        MemoryWindow reopened = new MemoryWindow("zabbix", WINDOW_BYTES, reopenedLog, reopenedSettled,
                Clock.systemUTC(), reports::add);

        reopened.startAt(2);
        reopenedLog.recover(2, (seq, frameBytes) -> reopened.recovered(2, seq, frameBytes));
        reopenedSettled.startAt(2);

        assertThat(reopened.samples()).isEqualTo(2);
        assertThat(reopened.nextSequence()).isEqualTo(4);
        reopened.refill(0);
        assertThat(reopened.takeOldest(10).sample()).isEqualTo(SAMPLES.get(2));
    }
}
