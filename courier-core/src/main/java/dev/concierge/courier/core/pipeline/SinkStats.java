package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.spi.FailureText;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/** Running counts for one sink. Written by the sink's pipeline thread, read by anyone. */
public final class SinkStats {
    final AtomicLong received = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong pending = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong consecutiveFailures = new AtomicLong();
    final AtomicReference<String> lastError = new AtomicReference<>();
    final AtomicLong errors = new AtomicLong();
    final AtomicReference<String> failure = new AtomicReference<>();
    final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
    final AtomicReference<Instant> failingSince = new AtomicReference<>();
    final AtomicReference<Instant> nextAttempt = new AtomicReference<>();
    private final Map<String, LongSupplier> events;

    SinkStats() {
        this(Map.of());
    }

    SinkStats(Map<String, LongSupplier> events) {
        this.events = Map.copyOf(events);
    }

    /**
     * The sink's own counts ({@link dev.concierge.courier.core.spi.CountsEvents}) and its processing rules'
     * drops ({@code dropped_by_rule_<reason>}, {@code missing_host_label}), by event name; empty without either.
     */
    public Map<String, LongSupplier> events() {
        return events;
    }

    /** Samples accepted into this sink's backlog, after its processing rules. */
    public long received() {
        return received.get();
    }

    /** Samples the destination accepted. */
    public long delivered() {
        return delivered.get();
    }

    /** Samples the destination refused for good. */
    public long rejected() {
        return rejected.get();
    }

    /** Samples the courier discarded (backlog budget, shutdown without a durable ledger). */
    public long dropped() {
        return dropped.get();
    }

    /** Samples owed: waiting or in flight. */
    public long pending() {
        return pending.get();
    }

    /** Batches settled. */
    public long batches() {
        return batches.get();
    }

    /** Attempts that ended in a retryable failure. */
    public long retries() {
        return retries.get();
    }

    /** Failed attempts since the last success; above 0 the sink is backing off. */
    public long consecutiveFailures() {
        return consecutiveFailures.get();
    }

    /** The last retryable failure's detail in plain words ({@link FailureText#plain}), or null. */
    public String lastError() {
        // Worded when read, so that the sink's thread pays nothing for it per failed attempt.
        return FailureText.plain(lastError.get());
    }

    /**
     * Unexpected errors caught on the sink's thread: a {@code send} (or the encoder inside it) that threw
     * instead of returning an outcome, or a step of the runner's own that failed. Each is logged; the thread
     * backs off and goes on, unless the error is one it cannot go on after (see {@link #failed()}).
     */
    public long errors() {
        return errors.get();
    }

    /**
     * Whether the sink's thread has ended on an error it could not go on after (the JVM out of memory, its
     * backlog unusable): it has released its place in the ring and takes no new samples until the sink is
     * added again (a reload that changes it, or a restart). An operator must act; readiness checks fail.
     */
    public boolean failed() {
        return failure.get() != null;
    }

    /** Why the sink's thread ended, when {@link #failed()}; otherwise null. */
    public String failure() {
        return failure.get();
    }

    /**
     * When the destination last answered a batch (delivered, or refused some or all of it for good), by the
     * pipeline's clock; null before the first answer.
     */
    public Instant lastSuccess() {
        return lastSuccess.get();
    }

    /** When the failed attempts under way began, by the pipeline's clock; null while the sink delivers. */
    public Instant failingSince() {
        return failingSince.get();
    }

    /** When the sink tries again after a failed attempt, by the pipeline's clock; null while it delivers. */
    public Instant nextAttempt() {
        return nextAttempt.get();
    }
}
