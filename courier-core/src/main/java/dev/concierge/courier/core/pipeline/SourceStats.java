package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.spi.ReportsState;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/** Running counts for one source. Written by the pipeline, read by anyone. */
public final class SourceStats {
    private final Map<String, LongSupplier> events;
    private final ReportsState reports;
    final AtomicLong runs = new AtomicLong();
    final AtomicLong overlapsSkipped = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicReference<String> lastError = new AtomicReference<>();
    final AtomicReference<Instant> lastCollectEnded = new AtomicReference<>();
    final AtomicLong lastCollectSamples = new AtomicLong();
    final AtomicLong lastCollectNanos = new AtomicLong();
    final AtomicLong collectNanos = new AtomicLong();
    final AtomicLong lastCollectRefused = new AtomicLong();
    final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
    final AtomicReference<Instant> failingSince = new AtomicReference<>();

    SourceStats() {
        this(Map.of());
    }

    SourceStats(Map<String, LongSupplier> events) {
        this(events, null);
    }

    SourceStats(Map<String, LongSupplier> events, ReportsState reports) {
        this.events = Map.copyOf(events);
        this.reports = reports;
    }

    /** The source's gauges ({@link ReportsState}); empty without that ability. */
    public Map<String, DoubleSupplier> gauges() {
        return reports == null ? Map.of() : reports.gauges();
    }

    /** What the source holds now ({@link ReportsState}); empty without it. */
    public Map<String, Object> state() {
        return reports == null ? Map.of() : reports.state();
    }

    /**
     * The source's own counts ({@link dev.concierge.courier.core.spi.CountsEvents}) and its processing rules'
     * drops ({@code dropped_by_rule_<reason>}, {@code missing_host_label}), by event name; empty without either.
     */
    public Map<String, LongSupplier> events() {
        return events;
    }

    /** Collect runs started. */
    public long runs() {
        return runs.get();
    }

    /** Runs skipped because the previous one was still going. */
    public long overlapsSkipped() {
        return overlapsSkipped.get();
    }

    /** Runs that ended in an error. */
    public long failures() {
        return failures.get();
    }

    /** Samples the ring took. */
    public long accepted() {
        return accepted.get();
    }

    /** Samples dropped because the ring was full. */
    public long refused() {
        return refused.get();
    }

    /** The last run's error, or null after a successful run. */
    public String lastError() {
        return lastError.get();
    }

    /** When the last collect run ended, successful or not, by the pipeline's clock; null before the first. */
    public Instant lastCollectEnded() {
        return lastCollectEnded.get();
    }

    /**
     * Samples the last completed run offered, accepted or refused by the ring: for most sources, the number of
     * series it read, less those its processing rules dropped. A run that failed counts what it offered before
     * failing.
     */
    public long lastCollectSamples() {
        return lastCollectSamples.get();
    }

    /** How long the last completed collect run took, successful or not; zero before the first. */
    public Duration lastCollectDuration() {
        return Duration.ofNanos(lastCollectNanos.get());
    }

    /** The time every completed collect run took, added up, in nanoseconds. */
    public long collectNanos() {
        return collectNanos.get();
    }

    /** Samples the ring refused in the last completed run: lost, because the ring was full. */
    public long lastCollectRefused() {
        return lastCollectRefused.get();
    }

    /** When the last successful collect run ended, by the pipeline's clock; null before the first. */
    public Instant lastSuccess() {
        return lastSuccess.get();
    }

    /** When the failed runs under way began, by the pipeline's clock; null after a successful run. */
    public Instant failingSince() {
        return failingSince.get();
    }
}
