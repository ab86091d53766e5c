package dev.concierge.courier.core.ledger;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Keeps one sink's backlog within its byte budget, counted as the frame bytes of the samples waiting (not in
 * flight): requeued batches and the three runs of the {@link MemoryWindow}. Over it, the oldest waiting
 * samples are dropped: requeued batches first, each whole so that a batch never comes back changed (which
 * may leave the backlog below the budget by up to one batch), then the oldest of the window. Each eviction
 * settles what it drops and reports it as one {@code DROPPED} record.
 *
 * <p>Not thread-safe: used under its backlog's lock only.
 */
final class OverBudgetEviction {
    private final String sink;
    private final long byteBudget;
    private final RequeuedBatches requeued;
    private final MemoryWindow window;
    private final SettledCursor settled;
    private final Clock clock;

    OverBudgetEviction(String sink, long byteBudget, RequeuedBatches requeued, MemoryWindow window,
                       SettledCursor settled, Clock clock) {
        this.sink = sink;
        this.byteBudget = byteBudget;
        this.requeued = requeued;
        this.window = window;
        this.settled = settled;
        this.clock = clock;
    }

    /** Frame bytes of the samples waiting, the measure of the budget. */
    long waitingBytes() {
        return requeued.frameBytes() + window.frameBytes();
    }

    boolean overBudget() {
        return waitingBytes() > byteBudget;
    }

    /** Drops the oldest waiting samples until the backlog is within its budget, and reports them to {@code evicted}. */
    void evict(Consumer<DeliveryRecord> evicted) {
        int count = 0;
        Instant oldest = null;
        Instant newest = null;
        while (overBudget() && !requeued.isEmpty()) {
            for (SequencedSample entry : requeued.pollOldest().samples()) {
                settled.add(entry.seq(), entry.seq() + 1);
                count++;
                Instant at = entry.sample().timestamp();
                oldest = oldest == null || at.isBefore(oldest) ? at : oldest;
                newest = newest == null || at.isAfter(newest) ? at : newest;
            }
        }
        while (overBudget() && window.hasWaiting()) {
            SequencedSample entry = window.evictOldest();
            if (entry == null) {
                continue; // lost on disk and reported; that may have been enough
            }
            settled.add(entry.seq(), entry.seq() + 1);
            count++;
            Instant at = entry.sample().timestamp();
            oldest = oldest == null || at.isBefore(oldest) ? at : oldest;
            newest = newest == null || at.isAfter(newest) ? at : newest;
        }
        settled.advance();
        if (count > 0) {
            evicted.accept(DeliveryRecord.dropped(sink, count, clock.instant(), oldest, newest,
                    "backlog over its budget of " + byteBudget + " bytes on disk; oldest dropped"));
        }
    }
}
