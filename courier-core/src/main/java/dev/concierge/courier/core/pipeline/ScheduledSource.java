package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.spi.Source;
import java.time.Duration;
import java.util.Objects;

/** A source and how often to collect it. */
public record ScheduledSource(Source source, Duration interval) {
    public ScheduledSource {
        Objects.requireNonNull(source, "source");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
    }
}
