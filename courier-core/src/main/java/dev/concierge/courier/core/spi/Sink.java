package dev.concierge.courier.core.spi;

import java.util.concurrent.CompletionStage;

/**
 * A destination. The pipeline owns batching, retry, backoff, ledger records and drop accounting; a sink
 * only turns one batch into one attempt and reports how it went.
 *
 * <p>{@link #send} is called from one pipeline thread at a time, with at most {@link #maxInFlight()}
 * batches outstanding. The sink never retries by itself. What it counts of its own, it says with
 * {@link CountsEvents}.
 */
public interface Sink extends AutoCloseable {

    /** The configured name, unique among sinks; the ledger and the accounting key on it. */
    String name();

    /** The most samples one batch may hold. */
    int maxBatchSize();

    /** How many batches may be outstanding at once (the Zabbix trapper takes one request per connection). */
    default int maxInFlight() {
        return 1;
    }

    /**
     * Starts one delivery attempt. Must not block: the I/O happens elsewhere and completes the stage.
     * The stage must complete (normally, with an outcome) within the sink's own timeouts; completing
     * exceptionally, or throwing from {@code send} itself, is treated as {@link DeliveryOutcome.Retry} (a
     * throw is also counted and logged as an error). After a retry the same batch comes back, same id and
     * samples, {@link Batch#attempt()} one higher (see {@link Batch}).
     */
    CompletionStage<DeliveryOutcome> send(Batch batch);

    /**
     * The secrets this sink sends to its destination (tokens, passwords, credential headers). The pipeline
     * hides them in every outcome detail before it logs, records or shows it, since a destination may echo
     * them back in an error body. None by default.
     */
    default SecretMask secrets() {
        return SecretMask.none();
    }

    /** Releases connections and threads. Called once, after the last outcome. */
    @Override
    default void close() {
    }
}
