package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.spi.Source;
import java.time.Duration;
import java.util.Objects;

/**
 * A source, how often to collect it, and its processing rules.
 *
 * @param processor the source's rules, applied to each sample it offers before the ring: a dropped sample never
 *                  takes ring space and is counted in the source's events; {@link SampleProcessor#none()} for none
 */
public record ScheduledSource(Source source, Duration interval, SampleProcessor processor) {
    public ScheduledSource {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(processor, "processor");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
        }
    }

    /** A source without processing rules. */
    public ScheduledSource(Source source, Duration interval) {
        this(source, interval, SampleProcessor.none());
    }
}
