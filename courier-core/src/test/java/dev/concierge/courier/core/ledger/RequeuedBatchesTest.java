package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.Samples;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RequeuedBatches}: whole batches, oldest first by id, with their counts kept as they come and go. */
class RequeuedBatchesTest {
    private final RequeuedBatches requeued = new RequeuedBatches();
    private long nextSeq;

    /** A batch of {@code size} samples, each with a frame of {@code frameBytes}. */
    private List<SequencedSample> entries(int size, int frameBytes, boolean onDisk) {
        List<SequencedSample> entries = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            long seq = nextSeq++;
            entries.add(new SequencedSample(seq, Samples.counter("s" + seq, seq, 1_700_000_000L + seq), frameBytes,
                    onDisk));
        }
        return entries;
    }

    private static Batch batch(long id, List<SequencedSample> entries) {
        return new Batch(id, entries.stream().map(SequencedSample::sample).toList());
    }

    @Test
    void givesBatchesBackOldestFirstByIdWhateverOrderTheyCameIn() {
        List<SequencedSample> first = entries(2, 10, true);
        List<SequencedSample> second = entries(3, 10, true);
        List<SequencedSample> third = entries(1, 10, true);
        requeued.add(batch(7, third), third);
        requeued.add(batch(5, first), first);
        requeued.add(batch(6, second), second);

        assertThat(requeued.pollOldest().batch().id()).isEqualTo(5);
        assertThat(requeued.pollOldest().batch().id()).isEqualTo(6);
        RequeuedBatches.Requeued last = requeued.pollOldest();
        assertThat(last.batch().id()).isEqualTo(7);
        assertThat(last.samples()).isEqualTo(third);
        assertThat(requeued.pollOldest()).isNull();
        assertThat(requeued.isEmpty()).isTrue();
    }

    @Test
    void keepsTheBatchAsItWasFirstTaken() {
        List<SequencedSample> entries = entries(3, 10, true);
        Batch batch = batch(1, entries);
        requeued.add(batch, entries);

        RequeuedBatches.Requeued again = requeued.pollOldest();

        assertThat(again.batch()).isSameAs(batch);
        assertThat(again.samples()).isEqualTo(entries);
        assertThat(again.frameBytes()).isEqualTo(30);
    }

    @Test
    void countsSamplesAndFrameBytesAsBatchesComeAndGo() {
        List<SequencedSample> small = entries(2, 10, true);
        List<SequencedSample> large = entries(3, 100, true);
        requeued.add(batch(1, small), small);
        requeued.add(batch(2, large), large);
        assertThat(requeued.samples()).isEqualTo(5);
        assertThat(requeued.frameBytes()).isEqualTo(320);

        requeued.pollOldest();

        assertThat(requeued.samples()).isEqualTo(3);
        assertThat(requeued.frameBytes()).isEqualTo(300);
    }

    @Test
    void findsTheSamplesNotOnDisk() {
        List<SequencedSample> written = entries(2, 10, true);
        List<SequencedSample> unwritten = entries(2, 10, false);
        requeued.add(batch(1, written), written);
        requeued.add(batch(2, unwritten), unwritten);
        List<SequencedSample> lost = new ArrayList<>();

        requeued.addNotOnDiskTo(lost);

        assertThat(lost).isEqualTo(unwritten);
    }
}
