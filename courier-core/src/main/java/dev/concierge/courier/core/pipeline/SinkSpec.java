package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.spi.Sink;
import java.util.Objects;

/**
 * A sink and how the pipeline treats it.
 *
 * @param backlogBytes the most bytes of samples kept for this sink while it cannot deliver; past it the
 *                     oldest are dropped, counted and recorded
 * @param processor    the sink's rules, applied on the sink's thread to each sample it takes from the ring, before
 *                     its backlog: the sink, its backlog and its ledger see only processed samples, and a dropped
 *                     one is counted in the sink's events; {@link SampleProcessor#none()} for none
 */
public record SinkSpec(Sink sink, Backoff backoff, long backlogBytes, SampleProcessor processor) {
    public SinkSpec {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(processor, "processor");
        if (backlogBytes < 1) {
            throw new IllegalArgumentException("backlogBytes: " + backlogBytes + " (expected: >= 1)");
        }
    }

    /** A sink without processing rules. */
    public SinkSpec(Sink sink, Backoff backoff, long backlogBytes) {
        this(sink, backoff, backlogBytes, SampleProcessor.none());
    }
}
