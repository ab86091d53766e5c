package dev.concierge.courier.core.spi;

import dev.concierge.courier.core.model.Sample;
import java.util.List;

/**
 * Samples handed to a sink in one {@link Sink#send} call, oldest first: whatever was waiting for that
 * sink, up to its maximum batch size. Never empty.
 *
 * <p>The runner owns a batch's identity: a batch that failed with a retryable outcome comes back to the
 * same sink whole, with the same {@code id} and the same samples in the same order, and {@code attempt}
 * one higher, before anything newer is sent. A sink may therefore key what it learnt in one attempt (say,
 * which of its frames the destination already answered) by {@code id}. Two different batches of one sink
 * never share an id while the process lives; after a restart, samples still owed are sent again under new
 * ids, as attempt 1.
 *
 * @param id      unique per sink for the life of the process; the ledger's records refer to it
 * @param attempt which send of this batch this is: 1 the first time, one higher on each resend
 * @param samples immutable; the sink must not modify it
 */
public record Batch(long id, int attempt, List<Sample> samples) {
    public Batch {
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("samples: empty (expected: at least one sample)");
        }
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt: " + attempt + " (expected: >= 1)");
        }
    }

    /** A batch on its first attempt. */
    public Batch(long id, List<Sample> samples) {
        this(id, 1, samples);
    }

    /** The same batch for its next attempt: same id and samples, {@code attempt} one higher. */
    public Batch nextAttempt() {
        return new Batch(id, attempt + 1, samples);
    }

    public int size() {
        return samples.size();
    }
}
