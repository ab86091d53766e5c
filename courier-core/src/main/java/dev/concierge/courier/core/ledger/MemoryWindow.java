package dev.concierge.courier.core.ledger;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waiting samples of one sink's backlog that were never sent (requeued batches are held apart, in
 * {@link RequeuedBatches}), oldest first, in three runs by sequence number:
 * <ol>
 *   <li>the window: the oldest, held in memory, up to {@code memoryWindowBytes} of estimated heap (a batch
 *       taken may read more in);</li>
 *   <li>the disk-only run: written to the {@link SegmentLog} and read back from its read position as the
 *       window drains; only counted here;</li>
 *   <li>the unwritten run: samples whose write failed, in memory until the disk recovers (every later sample
 *       joins them, so that the log stays in sequence order).</li>
 * </ol>
 * It also gives out sequence numbers, and counts the samples and frame bytes of the three runs, the measure
 * of the byte budget.
 *
 * <p>A disk-only sample that no longer reads back is lost, up to the next record that reads (in the same segment
 * when one does, else the next segment): the owed samples in between are reported to the backlog's
 * {@code report} as one {@code DROPPED} record and their sequences are settled, so that the cursor can pass them.
 *
 * <p>Not thread-safe: used under its backlog's lock only.
 */
final class MemoryWindow {
    // Logs under the backlog's name, the one operators know.
    private static final Logger log = LoggerFactory.getLogger(FileSinkBacklog.class);

    private final String sink;
    private final long memoryWindowBytes;
    private final SegmentLog segments;
    private final SettledCursor settled;
    private final Clock clock;
    private final Consumer<DeliveryRecord> report;

    private final ArrayDeque<SequencedSample> memory = new ArrayDeque<>();
    private long memoryHeapBytes;
    private long memoryFrameBytes;
    private long diskSamples;
    private long diskBytes;
    // The sequence of the record before the segment log's read position, so every sample in the window or in
    // flight has a sequence <= lastDiskSeq.
    private long lastDiskSeq = -1;
    private final ArrayDeque<SequencedSample> unwritten = new ArrayDeque<>();
    private long unwrittenBytes;
    private long nextSeq;

    MemoryWindow(String sink, long memoryWindowBytes, SegmentLog segments, SettledCursor settled, Clock clock,
                 Consumer<DeliveryRecord> report) {
        this.sink = sink;
        this.memoryWindowBytes = memoryWindowBytes;
        this.segments = segments;
        this.settled = settled;
        this.clock = clock;
        this.report = report;
    }

    // ---------------------------------------------------------------- opening

    /** Starts counting from the durable cursor, before the records found at open are shown to it. */
    void startAt(long start) {
        nextSeq = start;
    }

    /**
     * A record found at open, in order: below {@code start} it is settled and only marks the read position;
     * otherwise it waits on disk, and a gap before it was settled before the last stop.
     */
    void recovered(long start, long seq, int frameBytes) {
        if (seq < start) {
            lastDiskSeq = seq;
            return;
        }
        if (seq > nextSeq) {
            settled.add(nextSeq, seq);
        }
        nextSeq = seq + 1;
        diskSamples++;
        diskBytes += frameBytes;
    }

    // ---------------------------------------------------------------- appending

    /** The sequence number of the next sample appended. */
    long nextSequence() {
        return nextSeq++;
    }

    /**
     * A sample just written to the active segment (its frame at offset {@code at}, record {@code index} there)
     * joins the window when nothing waits on disk before it and the window has room; otherwise the disk-only run.
     */
    void placeWritten(SequencedSample entry, long at, int index) {
        if (diskSamples == 0 && memoryHeapBytes < memoryWindowBytes) {
            memory.addLast(entry);
            memoryHeapBytes += entry.sample().estimatedBytes();
            memoryFrameBytes += entry.frameBytes();
            segments.readActiveFrom(at + entry.frameBytes(), index + 1);
            lastDiskSeq = entry.seq();
        } else {
            if (diskSamples == 0) {
                segments.readActiveFrom(at, index);
                lastDiskSeq = entry.seq() - 1;
            }
            diskSamples++;
            diskBytes += entry.frameBytes();
        }
    }

    /** A sample whose write failed, or that came after one, not on disk. */
    void addUnwritten(SequencedSample entry) {
        unwritten.addLast(entry);
        unwrittenBytes += entry.frameBytes();
    }

    boolean hasUnwritten() {
        return !unwritten.isEmpty();
    }

    /** The oldest unwritten sample, to be written again; it stays unwritten until {@link #placeFirstUnwritten}. */
    SequencedSample firstUnwritten() {
        return unwritten.peekFirst();
    }

    /** The oldest unwritten sample was just written, at {@code at}, record {@code index} of the active segment. */
    void placeFirstUnwritten(long at, int index) {
        SequencedSample entry = unwritten.pollFirst();
        unwrittenBytes -= entry.frameBytes();
        placeWritten(new SequencedSample(entry.seq(), entry.sample(), entry.frameBytes(), true), at, index);
    }

    // ---------------------------------------------------------------- taking

    /** Before a batch of up to {@code max} is taken: reads in from disk when the window runs low. */
    void refillForBatch(int max) {
        if (diskSamples > 0 && (memoryHeapBytes < memoryWindowBytes / 2 || memory.size() < max)) {
            refill(max);
        }
    }

    /** Reads disk-only samples into the window while it has room, or holds fewer than {@code atLeast}. */
    void refill(int atLeast) {
        while (diskSamples > 0 && (memoryHeapBytes < memoryWindowBytes || memory.size() < atLeast)) {
            SequencedSample entry = readNextFromDisk();
            if (entry == null) {
                return;
            }
            memory.addLast(entry);
            memoryHeapBytes += entry.sample().estimatedBytes();
            memoryFrameBytes += entry.frameBytes();
        }
    }

    /**
     * Removes the oldest waiting sample, for a batch that still wants {@code wanted}; refills the window first
     * when it is empty.
     *
     * @return null when nothing waits, or what waits on disk cannot be read now
     */
    SequencedSample takeOldest(int wanted) {
        while (true) {
            SequencedSample entry = memory.pollFirst();
            if (entry != null) {
                memoryHeapBytes -= entry.sample().estimatedBytes();
                memoryFrameBytes -= entry.frameBytes();
                return entry;
            }
            if (diskSamples > 0) {
                refill(wanted);
                if (memory.isEmpty() && diskSamples > 0) {
                    return null;
                }
                continue;
            }
            entry = unwritten.pollFirst();
            if (entry != null) {
                unwrittenBytes -= entry.frameBytes();
            }
            return entry;
        }
    }

    /** Whether any sample waits here. */
    boolean hasWaiting() {
        return !memory.isEmpty() || diskSamples > 0 || !unwritten.isEmpty();
    }

    /**
     * Removes the oldest waiting sample, to be evicted; a disk-only one is read straight back, not into the
     * window.
     *
     * @return null when nothing waits, or the disk-only sample did not read back (lost and reported, which
     *         lowers the frame bytes waiting)
     */
    SequencedSample evictOldest() {
        SequencedSample entry = memory.pollFirst();
        if (entry != null) {
            memoryHeapBytes -= entry.sample().estimatedBytes();
            memoryFrameBytes -= entry.frameBytes();
        } else if (diskSamples > 0) {
            entry = readNextFromDisk();
        } else if ((entry = unwritten.pollFirst()) != null) {
            unwrittenBytes -= entry.frameBytes();
        }
        return entry;
    }

    private SequencedSample readNextFromDisk() {
        while (diskSamples > 0) {
            SequencedSample entry = segments.readNext();
            if (entry != null) {
                lastDiskSeq = entry.seq();
                diskSamples--;
                diskBytes -= entry.frameBytes();
                return entry;
            }
            damaged(segments.skipDamaged());
        }
        return null;
    }

    // A segment that passed its checks at open no longer reads back (a byte flipped, a segment cut or deleted
    // while running): report what is lost up to where reading goes on, counting only sequences still owed (not
    // those already settled), count them settled so the cursor can pass, and go on from there.
    private void damaged(SegmentLog.Skipped skipped) {
        long lost;
        long upTo;
        if (skipped.logEnds()) {
            lost = diskSamples;
            upTo = unwritten.isEmpty() ? nextSeq : unwritten.peekFirst().seq();
            diskSamples = 0;
            diskBytes = 0;
        } else {
            upTo = skipped.resumeSeq();
            lost = Math.min(diskSamples, settled.unsettledIn(lastDiskSeq + 1, upTo));
            diskSamples -= lost;
            diskBytes = Math.max(0, diskBytes - skipped.bytesSkipped());
        }
        if (upTo > lastDiskSeq + 1) {
            settled.add(lastDiskSeq + 1, upTo);
            settled.advance();
        }
        lastDiskSeq = Math.max(lastDiskSeq, upTo - 1);
        String detail = "segment damaged: lost " + lost + " waiting samples that no longer read back from "
                + skipped.where() + ": " + skipped.problem();
        log.warn("sink {}: {}", sink, detail);
        if (lost > 0) {
            report.accept(DeliveryRecord.dropped(sink, (int) Math.min(Integer.MAX_VALUE, lost), clock.instant(),
                    null, null, detail));
        }
    }

    /** The next sequence to be given out, without giving it out. */
    long peekNextSequence() {
        return nextSeq;
    }

    /** Samples whose write failed, in memory only. */
    int unwrittenSamples() {
        return unwritten.size();
    }

    /** The newest unwritten sample, or null. */
    SequencedSample lastUnwritten() {
        return unwritten.peekLast();
    }

    // ---------------------------------------------------------------- counts

    /** Samples waiting in the three runs. */
    long samples() {
        return memory.size() + diskSamples + unwritten.size();
    }

    /** Frame bytes of the samples waiting in the three runs. */
    long frameBytes() {
        return memoryFrameBytes + diskBytes + unwrittenBytes;
    }

    /** Samples waiting in memory: the window and the unwritten run. */
    int samplesInMemory() {
        return memory.size() + unwritten.size();
    }

    /** Whether samples wait on disk beyond the window. */
    boolean hasDiskOnly() {
        return diskSamples > 0;
    }

    /** Adds to {@code lost} the unwritten samples. */
    void addUnwrittenTo(List<SequencedSample> lost) {
        lost.addAll(unwritten);
    }

    /** Adds to {@code lost} the samples in the window whose frames are not on disk. */
    void addWindowNotOnDiskTo(List<SequencedSample> lost) {
        for (SequencedSample entry : memory) {
            if (!entry.onDisk()) {
                lost.add(entry);
            }
        }
    }
}
