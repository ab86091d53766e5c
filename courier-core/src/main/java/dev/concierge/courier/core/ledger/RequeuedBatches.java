package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.spi.Batch;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The batches of a file backlog put back after a failed attempt, each held whole (its batch, as first taken,
 * and its samples) until it is taken again or evicted. They are the oldest waiting samples, ahead of every
 * sample never sent, and come back oldest first by batch id: batches are taken oldest first, so id order is
 * sample order even when they fail out of order.
 *
 * <p>Counts its samples and their frame bytes as batches come and go, so that the backlog's counts and
 * budget cost nothing to read. Not thread-safe: used under its backlog's lock only.
 */
final class RequeuedBatches {

    /** A batch put back after a failed attempt, with its samples and their frame bytes. */
    record Requeued(Batch batch, List<SequencedSample> samples, long frameBytes) {
    }

    private final TreeMap<Long, Requeued> byId = new TreeMap<>();
    private int samples;
    private long frameBytes;

    /** Holds {@code batch}, whose samples are {@code entries}, until it is taken again or evicted. */
    void add(Batch batch, List<SequencedSample> entries) {
        long bytes = 0;
        for (SequencedSample entry : entries) {
            bytes += entry.frameBytes();
        }
        byId.put(batch.id(), new Requeued(batch, entries, bytes));
        samples += entries.size();
        frameBytes += bytes;
    }

    /** Removes and returns the batch first taken before every other one held; null when none is held. */
    Requeued pollOldest() {
        Map.Entry<Long, Requeued> oldest = byId.pollFirstEntry();
        if (oldest == null) {
            return null;
        }
        Requeued again = oldest.getValue();
        samples -= again.samples().size();
        frameBytes -= again.frameBytes();
        return again;
    }

    boolean isEmpty() {
        return byId.isEmpty();
    }

    /** Samples in the batches held. */
    int samples() {
        return samples;
    }

    /** Frame bytes of the samples in the batches held. */
    long frameBytes() {
        return frameBytes;
    }

    /** Adds to {@code lost} the samples held whose frames are not on disk. */
    void addNotOnDiskTo(List<SequencedSample> lost) {
        for (Requeued again : byId.values()) {
            for (SequencedSample entry : again.samples()) {
                if (!entry.onDisk()) {
                    lost.add(entry);
                }
            }
        }
    }
}
