package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ring.SampleRing;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sources, the ring and sinks, wired and run: one scheduler for the sources, one thread per sink.
 *
 * <p>{@link #stop} shuts down in this order, always:
 * <ol>
 *   <li>stop the sources: no new collect starts, running ones get a share of the deadline to finish;</li>
 *   <li>drain the ring into every sink's backlog;</li>
 *   <li>send what is owed until every backlog is empty or the deadline passes;</li>
 *   <li>close the sinks;</li>
 *   <li>sync and close the ledger (it records what could not be sent);</li>
 *   <li>close the sources.</li>
 * </ol>
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    /** The shutdown deadline a container's stop timeout (10 s by default in Docker) leaves room for. */
    public static final Duration DEFAULT_STOP_DEADLINE = Duration.ofSeconds(5);

    private final SampleRing ring;
    private final DeliveryLedger ledger;
    private final List<SinkSpec> sinks;
    private final SourceScheduler scheduler;
    private final Map<String, SourceStats> sourceStats = new LinkedHashMap<>();
    private final Map<String, SinkStats> sinkStats = new LinkedHashMap<>();
    private final List<SinkWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private boolean started;
    private boolean stopped;

    private Pipeline(SampleRing ring, DeliveryLedger ledger, List<ScheduledSource> sources, List<SinkSpec> sinks,
                     Clock clock) {
        this.ring = ring;
        this.ledger = ledger;
        this.sinks = List.copyOf(sinks);
        requireUniqueNames(sources.stream().map(s -> s.source().name()).toList(), "source");
        requireUniqueNames(sinks.stream().map(s -> s.sink().name()).toList(), "sink");
        this.scheduler = new SourceScheduler(sources, ring, sourceStats, clock);
        for (SinkSpec spec : this.sinks) {
            SinkStats stats = new SinkStats();
            sinkStats.put(spec.sink().name(), stats);
            workers.add(new SinkWorker(spec, ring.newReader(spec.sink().name()), ledger, stats, clock));
        }
    }

    /**
     * Wires a pipeline. Readers are registered on the ring here, so nothing published after this call is
     * missed by any sink. Nothing runs until {@link #start}.
     */
    public static Pipeline create(SampleRing ring, DeliveryLedger ledger, List<ScheduledSource> sources,
                                  List<SinkSpec> sinks, Clock clock) {
        return new Pipeline(ring, ledger, sources, sinks, clock);
    }

    private static void requireUniqueNames(List<String> names, String what) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new IllegalArgumentException(what + " name: " + name + " (expected: unique)");
            }
        }
    }

    /** Starts the sink threads, then the sources. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        for (int i = 0; i < workers.size(); i++) {
            Thread thread = new Thread(workers.get(i), "courier-sink-" + sinks.get(i).sink().name());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        scheduler.start();
    }

    /** Stops in the order written on this class, taking at most about {@code deadline}. */
    public synchronized void stop(Duration deadline) {
        if (stopped) {
            return;
        }
        stopped = true;
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        scheduler.stop(Math.max(1, deadline.toMillis() / 2));
        for (SinkWorker worker : workers) {
            worker.drainAndStop(deadlineNanos);
        }
        for (Thread thread : threads) {
            try {
                // The worker honours the deadline itself; the extra second covers an outcome being settled.
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()) + 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (thread.isAlive()) {
                log.warn("{} did not stop in time", thread.getName());
            }
        }
        for (SinkSpec spec : sinks) {
            try {
                spec.sink().close();
            } catch (Exception e) {
                log.warn("sink {}: close failed", spec.sink().name(), e);
            }
        }
        ledger.sync();
        ledger.close();
        scheduler.close();
    }

    @Override
    public void close() {
        stop(DEFAULT_STOP_DEADLINE);
    }

    public Map<String, SourceStats> sourceStats() {
        return Collections.unmodifiableMap(sourceStats);
    }

    public Map<String, SinkStats> sinkStats() {
        return Collections.unmodifiableMap(sinkStats);
    }

    public SampleRing ring() {
        return ring;
    }

    public DeliveryLedger ledger() {
        return ledger;
    }
}
