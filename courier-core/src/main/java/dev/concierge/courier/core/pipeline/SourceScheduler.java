package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.spi.LeavesBeforeStop;
import dev.concierge.courier.core.spi.PushSource;
import dev.concierge.courier.core.ring.SampleRing;
import dev.concierge.courier.core.spi.FailureText;
import dev.concierge.courier.core.spi.ReportsState;
import dev.concierge.courier.core.spi.SourceException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs every source at its interval. A tick only starts a collect run; the run itself happens on a
 * worker thread, so a slow source never delays another's schedule. A tick that finds the previous run of
 * the same source still going is skipped and counted (a stacked scrape is how collectors run out of memory).
 * Sources may be added and removed while it runs (a configuration reload).
 */
final class SourceScheduler {
    private static final Logger log = LoggerFactory.getLogger(SourceScheduler.class);

    /** How often a source whose samples the full ring refuses is warned about, at most. */
    static final Duration RING_REFUSAL_INTERVAL = Duration.ofMinutes(1);

    private final SampleRing ring;
    private final CollectBoundaries boundaries;
    private final PipelineFailures failures;
    private final Clock clock;
    private final NanoClock nanoClock;
    private final DurableAcknowledgements acknowledgements;
    private final ScheduledExecutorService ticker;
    // At most one collect per source runs at a time, so this pool never holds more threads than sources.
    private final ExecutorService collectors;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private boolean started;

    /**
     * One scheduled source. {@code running} is guarded by the entry's monitor; the log policies are used by one
     * collect at a time, handed from one to the next through that monitor.
     */
    private static final class Entry {
        final ScheduledSource scheduled;
        final RingEmitter emitter;
        final SourceStats stats;
        final FailureEpisodes episodes;
        final RingRefusalWarnings refusals;
        boolean running;
        // Whether this run of skipped ticks has been warned about; the others go to debug (they are counted).
        boolean overlapWarned;
        // A push source that is listening: its ticks have nothing left to do. Written by its collect runs only.
        volatile boolean listening;
        ScheduledFuture<?> tick;

        Entry(ScheduledSource scheduled, RingEmitter emitter, SourceStats stats, FailureEpisodes episodes,
              RingRefusalWarnings refusals) {
            this.scheduled = scheduled;
            this.emitter = emitter;
            this.stats = stats;
            this.episodes = episodes;
            this.refusals = refusals;
        }

        String name() {
            return scheduled.source().name();
        }
    }

    SourceScheduler(SampleRing ring, CollectBoundaries boundaries, PipelineFailures failures, Clock clock,
                    NanoClock nanoClock, DurableAcknowledgements acknowledgements) {
        this.ring = ring;
        this.boundaries = boundaries;
        this.failures = failures;
        this.acknowledgements = acknowledgements;
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.ticker = Executors.newSingleThreadScheduledExecutor(named("courier-scheduler"));
        this.collectors = Executors.newCachedThreadPool(named("courier-source"));
    }

    /** Adds a source; it is collected at once when the scheduler runs. Returns its stats. */
    synchronized SourceStats add(ScheduledSource scheduled) {
        String name = scheduled.source().name();
        if (entries.containsKey(name)) {
            throw new IllegalArgumentException("source name: " + name + " (expected: unique)");
        }
        SourceStats stats = new SourceStats(scheduled.processor().eventsBeside(CountsEvents.of(scheduled.source())),
                ReportsState.of(scheduled.source()));
        Entry entry = new Entry(scheduled, new RingEmitter(name, ring, stats, scheduled.processor(), boundaries), stats,
                new FailureEpisodes(log, FailureEpisodes.Kind.SOURCE, name, FailureEpisodes.DEFAULT_REMINDER, clock,
                        nanoClock),
                new RingRefusalWarnings(log, name, RING_REFUSAL_INTERVAL, nanoClock));
        entries.put(name, entry);
        if (started) {
            schedule(entry);
        }
        return stats;
    }

    synchronized void start() {
        started = true;
        entries.values().forEach(this::schedule);
    }

    private void schedule(Entry entry) {
        long periodNanos = entry.scheduled.interval().toNanos();
        entry.tick = ticker.scheduleAtFixedRate(() -> tick(entry), 0, periodNanos, TimeUnit.NANOSECONDS);
    }

    private void tick(Entry entry) {
        synchronized (entry) {
            if (entry.running) {
                entry.stats.overlapsSkipped.incrementAndGet();
                if (!entry.overlapWarned) {
                    entry.overlapWarned = true;
                    log.warn("source {}: previous collect still running, skipping this one; the next tick tries again "
                            + "(further skips in a row at debug; see courier_source_overlaps_skipped_total)",
                            entry.name());
                } else {
                    log.debug("source {}: previous collect still running, skipping this one", entry.name());
                }
                return;
            }
            entry.running = true;
            entry.overlapWarned = false;
        }
        try {
            collectors.execute(() -> collect(entry));
        } catch (RuntimeException rejected) {
            finished(entry);
        } catch (VirtualMachineError e) {
            // The ticker's schedule would end without a word (a periodic task that throws is cancelled).
            finished(entry);
            failures.threadDied("the source scheduler", e);
        }
    }

    private void collect(Entry entry) {
        if (entry.listening) {
            finished(entry);
            return;
        }
        SourceStats stats = entry.stats;
        stats.runs.incrementAndGet();
        // Runs of one source never overlap, so the difference is exactly what this run offered.
        long offeredBefore = stats.accepted.get() + stats.refused.get();
        long refusedBefore = stats.refused.get();
        long started = System.nanoTime();
        Duration interval = entry.scheduled.interval();
        // Every line this collect logs names its source as a field too (JSON logs carry the MDC).
        MDC.put("source", entry.name());
        boolean push = entry.scheduled.source() instanceof PushSource;
        // A push source's requests come and go between collects: no collect's share bounds them.
        entry.emitter.beginCollect(push ? RingShare.WHOLE : shareOf(entry));
        try {
            if (push) {
                PushSource pushSource = (PushSource) entry.scheduled.source();
                pushSource.listen(new AcknowledgingRingEmitter(entry.emitter, ring, acknowledgements));
                entry.listening = true;
            } else {
                entry.scheduled.source().collect(entry.emitter);
            }
            entry.stats.lastError.set(null);
            entry.stats.lastSuccess.set(clock.instant());
            entry.stats.failingSince.set(null);
            entry.episodes.succeeded(-1);
        } catch (SourceException e) {
            entry.stats.failures.incrementAndGet();
            // The peer's text may echo what it was sent; hide the source's secrets before logging or showing it.
            String message = FailureText.plain(entry.scheduled.source().secrets().apply(e.getMessage()));
            entry.stats.lastError.set(message);
            entry.stats.failingSince.compareAndSet(null, clock.instant());
            // One line per failure episode, not per collect: FailureEpisodes.
            entry.episodes.failed(message, -1, interval);
        } catch (VirtualMachineError e) {
            // Out of memory: the heap is not what the budgets assumed, and any thread may be next. The
            // pipeline's failure handler decides (the daemon exits so that its supervisor restarts it).
            entry.stats.failures.incrementAndGet();
            entry.stats.lastError.set(e.toString());
            failures.threadDied("source " + entry.name(), e);
        } catch (Throwable t) {
            // A bug in one source must not end its schedule. Its stack trace once per episode, at the start.
            entry.stats.failures.incrementAndGet();
            String message = FailureText.of(t);
            entry.stats.lastError.set(message);
            entry.stats.failingSince.compareAndSet(null, clock.instant());
            if (!entry.episodes.failing()) {
                log.error("source {}: collect failed unexpectedly; trying again at the next interval", entry.name(), t);
            }
            entry.episodes.failed(message, -1, interval);
        } finally {
            long took = System.nanoTime() - started;
            long offered = stats.accepted.get() + stats.refused.get() - offeredBefore;
            long refused = stats.refused.get() - refusedBefore;
            stats.lastCollectNanos.set(took);
            stats.collectNanos.addAndGet(took);
            stats.lastCollectSamples.set(offered);
            stats.lastCollectRefused.set(refused);
            stats.lastCollectEnded.set(clock.instant());
            entry.emitter.endCollect();
            try {
                entry.refusals.collected(offered, refused, ring.byteCapacity());
            } finally {
                MDC.remove("source");
                finished(entry);
            }
        }
    }

    /** The share of the ring {@code entry}'s next collect may take, from the others' last collects. */
    private synchronized RingShare shareOf(Entry entry) {
        int others = entries.size() - (entries.containsValue(entry) ? 1 : 0);
        long[] slots = new long[others];
        long[] bytes = new long[others];
        int i = 0;
        for (Entry other : entries.values()) {
            if (other != entry && i < others) {
                slots[i] = other.emitter.lastOfferedSlots();
                bytes[i++] = other.emitter.lastOfferedBytes();
            }
        }
        return RingShare.of(ring.slots(), ring.byteCapacity(), others + 1, slots, bytes);
    }

    private static void finished(Entry entry) {
        synchronized (entry) {
            entry.running = false;
            entry.notifyAll();
        }
    }

    /**
     * Stops scheduling one source, waits at most {@code timeoutMillis} for its running collect, and closes it.
     *
     * @return false when no source has that name
     */
    boolean remove(String name, long timeoutMillis) {
        Entry entry;
        synchronized (this) {
            entry = entries.remove(name);
        }
        if (entry == null) {
            return false;
        }
        stopAndClose(entry, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
        return true;
    }

    /**
     * Asks every source that shares work with other couriers to leave its group
     * ({@link LeavesBeforeStop}); collects go on. A source whose leave throws is
     * logged and skipped. Returns the longest time they asked to keep collecting, zero when none did.
     */
    Duration leave() {
        List<Entry> all;
        synchronized (this) {
            all = new ArrayList<>(entries.values());
        }
        Duration longest = Duration.ZERO;
        for (Entry entry : all) {
            if (entry.scheduled.source() instanceof LeavesBeforeStop leaving) {
                try {
                    Duration linger = leaving.leave();
                    if (linger != null && linger.compareTo(longest) > 0) {
                        longest = linger;
                    }
                } catch (RuntimeException e) {
                    log.warn("source {}: leaving its group before the stop failed; stopping it anyway", entry.name(), e);
                }
            }
        }
        return longest;
    }

    /**
     * Stops ticking, waits for running collects and closes every source, all of it within
     * {@code timeoutMillis}; a source still closing then is interrupted and left behind.
     */
    void stop(long timeoutMillis) {
        List<Entry> all;
        synchronized (this) {
            all = new ArrayList<>(entries.values());
            entries.clear();
        }
        ticker.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        all.forEach(entry -> cancel(entry));
        all.forEach(entry -> stopAndClose(entry, deadline));
        collectors.shutdownNow();
    }

    private static void cancel(Entry entry) {
        if (entry.tick != null) {
            entry.tick.cancel(false);
        }
    }

    private static void stopAndClose(Entry entry, long deadlineNanos) {
        cancel(entry);
        synchronized (entry) {
            long left;
            while (entry.running && (left = deadlineNanos - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(entry, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (entry.running) {
                log.warn("source {}: collect still running at stop; closing it anyway", entry.name());
            }
        }
        // Closed on a thread of its own, so a close that never returns cannot hold the stop past its deadline.
        Thread closer = new Thread(() -> close(entry), "courier-close-source-" + entry.name());
        closer.setDaemon(true);
        closer.start();
        long left = deadlineNanos - System.nanoTime();
        try {
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(closer, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (closer.isAlive()) {
            log.warn("source {}: not closed by the stop deadline; interrupting its close and leaving it behind",
                    entry.name());
            closer.interrupt();
        }
    }

    private static void close(Entry entry) {
        try {
            entry.scheduled.source().close();
        } catch (Exception e) {
            log.warn("source {}: close failed; going on with the rest", entry.name(), e);
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
