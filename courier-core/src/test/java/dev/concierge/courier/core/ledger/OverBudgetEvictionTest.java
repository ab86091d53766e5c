package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.Samples;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link OverBudgetEviction}: the oldest go first, requeued batches whole, reported as one record per eviction. */
class OverBudgetEvictionTest {
    private static final List<Sample> SAMPLES = Samples.counters("e", 10);

    @TempDir
    Path dir;

    private final List<DeliveryRecord> reports = new ArrayList<>();
    private final List<DeliveryRecord> evicted = new ArrayList<>();
    private final SettledCursor settled = new SettledCursor();
    private final RequeuedBatches requeued = new RequeuedBatches();
    private SegmentLog segments;
    private MemoryWindow window;
    private int frameBytes;

    /** The window holds {@code written} of the samples above, from sequence 0; requeued batches come apart. */
    private OverBudgetEviction eviction(long budget, List<Sample> written) throws IOException {
        segments = new SegmentLog("zabbix", dir, 1 << 20, FileSinkBacklog.SegmentChannels.DEFAULT, Clock.systemUTC(),
                reports::add);
        window = new MemoryWindow("zabbix", 1 << 20, segments, settled, Clock.systemUTC(), reports::add);
        window.startAt(0);
        segments.recover(0, (seq, bytes) -> window.recovered(0, seq, bytes));
        settled.startAt(0);
        for (Sample sample : written) {
            long seq = window.nextSequence();
            frameBytes = segments.encode(seq, sample).remaining();
            long at = segments.append(segments.encode(seq, sample), seq, 1);
            window.placeWritten(new SequencedSample(seq, sample, frameBytes, true), at, segments.activeRecords() - 1);
        }
        return new OverBudgetEviction("zabbix", budget, requeued, window, settled, Clock.systemUTC());
    }

    private void requeue(long batchId, List<SequencedSample> entries) {
        requeued.add(new Batch(batchId, entries.stream().map(SequencedSample::sample).toList()), entries);
    }

    @Test
    void dropsNothingWithinTheBudget() throws IOException {
        OverBudgetEviction eviction = eviction(1 << 20, SAMPLES);

        eviction.evict(evicted::add);

        assertThat(eviction.overBudget()).isFalse();
        assertThat(evicted).isEmpty();
        assertThat(window.samples()).isEqualTo(10);
    }

    @Test
    void dropsTheOldestWaitingSamplesDownToTheBudgetAndSettlesThem() throws IOException {
        OverBudgetEviction eviction = eviction(7L * frameBytesOf(SAMPLES.get(0)), SAMPLES);
        assertThat(eviction.waitingBytes()).isEqualTo(10L * frameBytes);

        eviction.evict(evicted::add);

        assertThat(eviction.waitingBytes()).isEqualTo(7L * frameBytes);
        assertThat(window.takeOldest(1).sample()).isEqualTo(SAMPLES.get(3));
        assertThat(settled.cursor()).isEqualTo(3);
        assertThat(evicted).singleElement().satisfies(record -> {
            assertThat(record.outcome()).isEqualTo(DeliveryRecord.Outcome.DROPPED);
            assertThat(record.dropped()).isEqualTo(3);
            assertThat(record.oldestSample()).isEqualTo(SAMPLES.get(0).timestamp());
            assertThat(record.newestSample()).isEqualTo(SAMPLES.get(2).timestamp());
        });
    }

    @Test
    void dropsRequeuedBatchesFirstAndWhole() throws IOException {
        OverBudgetEviction eviction = eviction(1 << 20, SAMPLES.subList(3, 10));
        List<SequencedSample> batch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            batch.add(new SequencedSample(100 + i, SAMPLES.get(i), 1 << 19, true));
        }
        requeue(1, batch);
        assertThat(eviction.overBudget()).isTrue();

        eviction.evict(evicted::add);

        assertThat(requeued.isEmpty()).as("evicted whole, though one sample would have done").isTrue();
        assertThat(window.samples()).isEqualTo(7);
        assertThat(evicted).singleElement().satisfies(record -> assertThat(record.dropped()).isEqualTo(3));
    }

    private int frameBytesOf(Sample sample) {
        return new SegmentLog("probe", dir, 1, FileSinkBacklog.SegmentChannels.DEFAULT, Clock.systemUTC(),
                reports::add).encode(0, sample).remaining();
    }
}
