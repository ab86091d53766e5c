package dev.concierge.courier.core.pipeline;

import java.time.Duration;
import java.util.Objects;

/**
 * The one policy for warning about dropped samples, for a source whose samples the full ring refuses and for a
 * sink whose backlog evicts: the first drop warns at once, later ones at most once per interval, and that
 * warning sums every drop since the previous one; the others go to debug. Under a steady overload a drop
 * happens for almost every sample; a WARN line for each would cost more than the drop and bury the log.
 * Every drop still moves its count (and, for a sink, gets its ledger record).
 *
 * <p>Not thread-safe: its user calls it from one thread at a time, or under a lock.
 */
final class DropWarnings {
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private final long intervalNanos;
    private final NanoClock clock;
    private boolean warned;
    private long lastWarnNanos;
    // Drops logged at debug since the last warning, which the next warning sums up.
    private long quietSamples;
    private long quietDrops;
    // What the last warning covers.
    private long warnedSamples;
    private long warnedDrops;

    DropWarnings(Duration interval, NanoClock clock) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: >= 0)");
        }
        this.intervalNanos = interval.toNanos();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Counts one drop of {@code samples}, now.
     *
     * @return true when this drop is to be logged as a warning, which reports {@link #droppedSinceWarning()}
     *         and {@link #dropsSinceWarning()}; false to log it at debug only
     */
    boolean onDrop(long samples) {
        long now = clock.nanoTime();
        if (warned && now - lastWarnNanos < intervalNanos) {
            quietSamples += samples;
            quietDrops++;
            return false;
        }
        warnedSamples = quietSamples + samples;
        warnedDrops = quietDrops + 1;
        quietSamples = 0;
        quietDrops = 0;
        warned = true;
        lastWarnNanos = now;
        return true;
    }

    /** Samples the last warning covers: its own drop and those logged at debug since the warning before. */
    long droppedSinceWarning() {
        return warnedSamples;
    }

    /** Drops the last warning covers, its own included. */
    long dropsSinceWarning() {
        return warnedDrops;
    }

    /** The least time between two warnings, in seconds, for the warning's text. */
    long intervalSeconds() {
        return Duration.ofNanos(intervalNanos).toSeconds();
    }
}
