package dev.concierge.courier.core.ledger;

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

    /** Makes everything recorded so far durable (a no-op for a ledger that keeps nothing). */
    void sync();

    @Override
    void close();
}
