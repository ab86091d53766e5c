package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import java.util.function.Consumer;

/**
 * What one sink still owes: samples accepted for it and not yet settled, oldest first, bounded by a
 * byte budget. Used by that sink's pipeline thread only.
 *
 * <p>A sample moves {@code append -> takeBatch (in flight) -> settle}, or back to waiting with
 * {@link #requeue}. Only {@link #settle} makes the ledger forget a sample, so an implementation that
 * persists appends and settlements survives a crash with at most the in-flight batches resent.
 *
 * <p>The backlog owns each batch's identity (see {@link Batch}): a batch is formed once, by the
 * {@link #takeBatch} that first takes its samples, and keeps its id and samples until it is settled or
 * evicted. After {@link #requeue} it comes back whole from {@code takeBatch}, before any sample that was
 * never sent: same id, same samples in the same order, {@link Batch#attempt()} one higher. Several requeued
 * batches come back one per {@code takeBatch}, in the order they were first taken (by id), whatever order
 * they failed in. Ids are unique for the life of the process only: after a restart, what a persistent
 * backlog still owes is taken again under new ids, as attempt 1.
 */
public interface SinkBacklog {

    /**
     * Accepts one sample for this sink. When the budget is exceeded the oldest waiting samples are evicted
     * and reported to {@code evicted} as one {@link DeliveryRecord.Outcome#DROPPED} record. Requeued batches
     * are the oldest waiting samples; each is evicted whole, so a batch never comes back changed (eviction
     * may then go below the budget by up to one batch).
     */
    void append(Sample sample, Consumer<DeliveryRecord> evicted);

    /**
     * Accepts {@code samples[0..count)} for this sink, oldest first, as {@link #append} would one by one,
     * except that eviction may wait until the whole chunk is in (so the budget may be passed for the length
     * of one call) and may be reported as fewer records. A backlog that persists appends can write the
     * chunk at once; this default appends one by one.
     */
    default void appendAll(Sample[] samples, int count, Consumer<DeliveryRecord> evicted) {
        for (int i = 0; i < count; i++) {
            append(samples[i], evicted);
        }
    }

    /**
     * Takes the next batch, now in flight: the oldest requeued batch, whole and as it was first taken
     * whatever {@code max} is now (a sink's maximum does not change while it runs), with its attempt one
     * higher; otherwise up to {@code max} of the oldest waiting samples as a new batch, attempt 1.
     *
     * @return null when nothing is waiting
     */
    Batch takeBatch(int max);

    /**
     * Puts an in-flight batch back, to be taken again whole (same id, same samples, next attempt) before
     * newer samples and after requeued batches first taken before it.
     *
     * @throws IllegalStateException when the batch is not in flight
     */
    void requeue(Batch batch);

    /**
     * Forgets an in-flight batch for good: it was delivered, rejected or dropped.
     *
     * @throws IllegalStateException when the batch is not in flight
     */
    void settle(Batch batch);

    /**
     * Makes every sample appended so far as durable as this backlog makes anything (an fsync, for one that
     * persists), now rather than at its next periodic sync: the pipeline calls it when a push source waits to
     * acknowledge what it received. Nothing to do by default, for a backlog that keeps nothing.
     *
     * @return false when some appended sample is not durable after all (a write or the sync failed)
     */
    default boolean syncAppends() {
        return true;
    }

    /** Samples appended and not yet settled, in flight included. */
    long pendingSamples();

    /** Estimated bytes of the samples waiting (not in flight). */
    long pendingBytes();

    /** Samples waiting to be taken (not in flight). */
    long waitingSamples();

    /**
     * Closes the backlog when the sink stops. What it cannot keep for the next start (everything, for a
     * backlog that does not persist) is reported to {@code dropped} as one
     * {@link DeliveryRecord.Outcome#DROPPED} record.
     */
    void close(Consumer<DeliveryRecord> dropped);
}
