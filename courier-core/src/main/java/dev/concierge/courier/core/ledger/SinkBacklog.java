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
 */
public interface SinkBacklog {

    /**
     * Accepts one sample for this sink. When the budget is exceeded the oldest waiting samples are evicted
     * and reported to {@code evicted} as one {@link DeliveryRecord.Outcome#DROPPED} record.
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
     * Takes up to {@code max} of the oldest waiting samples as one batch, now in flight.
     *
     * @return null when nothing is waiting
     */
    Batch takeBatch(int max);

    /** Puts an in-flight batch back at the head of the queue, to be taken again before newer samples. */
    void requeue(Batch batch);

    /** Forgets an in-flight batch for good: it was delivered, rejected or dropped. */
    void settle(Batch batch);

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
