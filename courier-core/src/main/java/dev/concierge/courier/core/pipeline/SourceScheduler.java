package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.ring.SampleRing;
import dev.concierge.courier.core.spi.SourceException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every source at its interval. A tick only starts a collect run; the run itself happens on a
 * worker thread, so a slow source never delays another's schedule. A tick that finds the previous run of
 * the same source still going is skipped and counted (a stacked scrape is how collectors run out of memory).
 */
final class SourceScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SourceScheduler.class);

    private final Clock clock;
    private final ScheduledExecutorService ticker;
    private final ExecutorService collectors;
    private final List<Entry> entries = new ArrayList<>();
    private final List<ScheduledFuture<?>> ticks = new ArrayList<>();

    private record Entry(ScheduledSource scheduled, RingEmitter emitter, SourceStats stats, AtomicBoolean running) {
    }

    SourceScheduler(List<ScheduledSource> sources, SampleRing ring, Map<String, SourceStats> statsOut, Clock clock) {
        this.clock = clock;
        for (ScheduledSource scheduled : sources) {
            String name = scheduled.source().name();
            SourceStats stats = new SourceStats();
            statsOut.put(name, stats);
            entries.add(new Entry(scheduled, new RingEmitter(name, ring, stats), stats, new AtomicBoolean()));
        }
        this.ticker = Executors.newSingleThreadScheduledExecutor(named("courier-scheduler"));
        this.collectors = Executors.newFixedThreadPool(Math.max(1, Math.min(entries.size(), 8)),
                named("courier-source"));
    }

    void start() {
        for (Entry entry : entries) {
            long periodNanos = entry.scheduled().interval().toNanos();
            ticks.add(ticker.scheduleAtFixedRate(() -> tick(entry), 0, periodNanos, TimeUnit.NANOSECONDS));
        }
    }

    private void tick(Entry entry) {
        if (!entry.running().compareAndSet(false, true)) {
            entry.stats().overlapsSkipped.incrementAndGet();
            log.warn("source {}: previous collect still running, skipping this one",
                    entry.scheduled().source().name());
            return;
        }
        try {
            collectors.execute(() -> collect(entry));
        } catch (RuntimeException rejected) {
            entry.running().set(false);
        }
    }

    private void collect(Entry entry) {
        String name = entry.scheduled().source().name();
        SourceStats stats = entry.stats();
        stats.runs.incrementAndGet();
        // Runs of one source never overlap, so the difference is exactly what this run offered.
        long offeredBefore = stats.accepted.get() + stats.refused.get();
        try {
            entry.scheduled().source().collect(entry.emitter());
            entry.stats().lastError.set(null);
        } catch (SourceException e) {
            entry.stats().failures.incrementAndGet();
            entry.stats().lastError.set(e.getMessage());
            log.warn("source {}: {}", name, e.getMessage());
        } catch (Throwable t) {
            // A bug in one source must not end its schedule.
            entry.stats().failures.incrementAndGet();
            entry.stats().lastError.set(t.toString());
            log.error("source {}: collect failed unexpectedly", name, t);
        } finally {
            stats.lastCollectSamples.set(stats.accepted.get() + stats.refused.get() - offeredBefore);
            stats.lastCollectEnded.set(clock.instant());
            entry.running().set(false);
        }
    }

    /** Stops ticking and waits for running collects to end, at most {@code timeoutMillis}. */
    void stop(long timeoutMillis) {
        ticks.forEach(tick -> tick.cancel(false));
        ticker.shutdownNow();
        collectors.shutdown();
        try {
            if (!collectors.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
                collectors.shutdownNow();
            }
        } catch (InterruptedException e) {
            collectors.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (Entry entry : entries) {
            try {
                entry.scheduled().source().close();
            } catch (Exception e) {
                log.warn("source {}: close failed", entry.scheduled().source().name(), e);
            }
        }
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
