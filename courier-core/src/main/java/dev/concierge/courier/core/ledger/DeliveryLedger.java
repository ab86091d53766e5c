package dev.concierge.courier.core.ledger;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The record of what was delivered where, when and with what answer, and of what each sink still owes.
 *
 * <p>Thread-safe: each sink's pipeline thread records its own settlements concurrently with the others.
 */
public interface DeliveryLedger extends AutoCloseable {

    /**
     * Opens the backlog of one sink, with what it still owed when the ledger was last closed (nothing, for
     * a ledger that does not persist). A sink's backlog is open at most once at a time; once closed, it
     * may be opened again.
     *
     * @param byteBudget the most bytes of waiting samples to keep; past it the oldest are dropped
     */
    SinkBacklog openBacklog(String sink, long byteBudget);

    /** Records one settlement. */
    void record(DeliveryRecord record);

    /**
     * Calls {@code listener} with every record from now on, on the recording thread (a sink's pipeline
     * thread, or the thread that closes the ledger), after the record is kept. A listener must be quick and
     * must not call back into the ledger; one that throws is logged and the others still run. Records read
     * back when a persistent ledger opens are not passed on. Register before the pipeline starts.
     */
    void addListener(Consumer<DeliveryRecord> listener);

    /** The most recent records, newest last, at most {@code limit}. */
    List<DeliveryRecord> recent(int limit);

    /**
     * Running totals for one sink since the ledger was opened, or, for a ledger that persists its records,
     * since its data was created.
     */
    LedgerTotals totals(String sink);

    /**
     * Records {@code count} samples of {@code source} that no sink got, such as those the full ring refused.
     * They join the source's open {@link LossRange} for the same reason, or open one. A ledger that keeps no
     * loss ranges ignores it.
     *
     * @param oldest the oldest sample timestamp concerned, or null when not known
     * @param newest the newest sample timestamp concerned, or null when not known
     */
    default void recordSourceLoss(String source, long count, Instant oldest, Instant newest, String reason) {
    }

    /**
     * Every loss kept, as ranges, whose latest loss is at or after {@code since} (all of them for null), in the
     * order they were opened. A sink's {@link DeliveryRecord.Outcome#DROPPED} records are coalesced into ranges
     * per sink and reason while drops go on (see {@link LossRange}); source losses come from
     * {@link #recordSourceLoss}. A persistent ledger keeps them beside its records, independent of their
     * rotation. A ledger that keeps no loss ranges returns none.
     */
    default List<LossRange> losses(Instant since) {
        return List.of();
    }

    /** Makes everything recorded so far durable (a no-op for a ledger that keeps nothing). */
    void sync();

    @Override
    void close();
}
