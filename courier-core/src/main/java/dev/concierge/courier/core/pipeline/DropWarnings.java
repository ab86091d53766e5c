package dev.concierge.courier.core.pipeline;

import java.util.concurrent.TimeUnit;

/**
 * Rate-limits one sink's warnings about dropped samples: the first drop warns at once, later ones at most
 * once per interval, and that warning sums every drop since the previous one. A backlog that overflows
 * under a steady overload evicts on almost every sample it takes; a WARN line for each would cost more
 * than the eviction and bury the log. Every drop still moves the count and gets its ledger record.
 *
 * <p>Not thread-safe: used by the sink's pipeline thread only.
 */
final class DropWarnings {
    static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final long intervalNanos;
    private boolean warned;
    private long lastWarnNanos;
    // Drops logged at debug since the last warning, which the next warning sums up.
    private long quietSamples;
    private long quietDrops;
    // What the last warning covers.
    private long warnedSamples;
    private long warnedDrops;

    DropWarnings(long intervalNanos) {
        if (intervalNanos < 0) {
            throw new IllegalArgumentException("intervalNanos: " + intervalNanos + " (expected: >= 0)");
        }
        this.intervalNanos = intervalNanos;
    }

    /**
     * Counts one drop of {@code samples} at {@code nowNanos} ({@link System#nanoTime()}).
     *
     * @return true when this drop is to be logged as a warning, which reports {@link #droppedSinceWarning()}
     *         and {@link #dropsSinceWarning()}; false to log it at debug only
     */
    boolean onDrop(long samples, long nowNanos) {
        if (warned && nowNanos - lastWarnNanos < intervalNanos) {
            quietSamples += samples;
            quietDrops++;
            return false;
        }
        warnedSamples = quietSamples + samples;
        warnedDrops = quietDrops + 1;
        quietSamples = 0;
        quietDrops = 0;
        warned = true;
        lastWarnNanos = nowNanos;
        return true;
    }

    /** Samples the last warning covers: its own drop and those logged at debug since the warning before. */
    long droppedSinceWarning() {
        return warnedSamples;
    }

    /** Drops (ledger records) the last warning covers, its own included. */
    long dropsSinceWarning() {
        return warnedDrops;
    }
}
