package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.spi.Sink;
import java.util.Objects;

/**
 * A sink and how the pipeline treats it.
 *
 * @param backlogBytes the most bytes of samples kept for this sink while it cannot deliver; past it the
 *                     oldest are dropped, counted and recorded
 */
public record SinkSpec(Sink sink, Backoff backoff, long backlogBytes) {
    public SinkSpec {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(backoff, "backoff");
        if (backlogBytes < 1) {
            throw new IllegalArgumentException("backlogBytes: " + backlogBytes + " (expected: >= 1)");
        }
    }
}
