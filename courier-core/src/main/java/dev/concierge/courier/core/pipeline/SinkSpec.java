package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.spi.Sink;
import java.util.Objects;
import java.util.Set;

/**
 * A sink and how the pipeline treats it.
 *
 * @param backlogBytes the most bytes of samples kept for this sink while it cannot deliver; past it the
 *                     oldest are dropped, counted and recorded
 * @param sources      the names of the sources whose samples this sink takes; null for every source. The ring
 *                     stays one ring: the sink's thread passes over the others' samples as it drains it
 * @param processor    the sink's rules, applied on the sink's thread to each sample it takes from the ring, before
 *                     its backlog: the sink, its backlog and its ledger see only processed samples, and a dropped
 *                     one is counted in the sink's events; {@link SampleProcessor#none()} for none
 */
public record SinkSpec(Sink sink, Backoff backoff, long backlogBytes, Set<String> sources,
                       SampleProcessor processor) {
    public SinkSpec {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(processor, "processor");
        if (backlogBytes < 1) {
            throw new IllegalArgumentException("backlogBytes: " + backlogBytes + " (expected: >= 1)");
        }
        if (sources != null) {
            if (sources.isEmpty()) {
                throw new IllegalArgumentException("sources: none (expected: null for every source, or at least one)");
            }
            sources = Set.copyOf(sources);
        }
    }

    /** A sink that takes every source's samples, without processing rules. */
    public SinkSpec(Sink sink, Backoff backoff, long backlogBytes) {
        this(sink, backoff, backlogBytes, null, SampleProcessor.none());
    }

    /** A sink that takes the samples of {@code sources} only, without processing rules. */
    public SinkSpec(Sink sink, Backoff backoff, long backlogBytes, Set<String> sources) {
        this(sink, backoff, backlogBytes, sources, SampleProcessor.none());
    }

    /** A sink that takes every source's samples through {@code processor}. */
    public SinkSpec(Sink sink, Backoff backoff, long backlogBytes, SampleProcessor processor) {
        this(sink, backoff, backlogBytes, null, processor);
    }

    /** Whether this sink takes the samples of the source named {@code source}. */
    public boolean takes(String source) {
        return sources == null || sources.contains(source);
    }
}
