package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ring.RingReader;
import dev.concierge.courier.core.ring.SampleRing;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sources, the ring and sinks, wired and run: one scheduler for the sources, one thread per sink.
 *
 * <p>{@link #stop} shuts down in this order, always:
 * <ol>
 *   <li>stop the sources: no new collect starts; each is closed once its running collect has ended (they get
 *       half the deadline for that);</li>
 *   <li>drain the ring into every sink's backlog;</li>
 *   <li>send what is owed until every backlog is empty or the deadline passes;</li>
 *   <li>close the sinks;</li>
 *   <li>sync and close the ledger (it keeps, or records as dropped, what could not be sent).</li>
 * </ol>
 *
 * <p>Sources and sinks may be added and removed while it runs ({@link #addSource}, {@link #removeSource},
 * {@link #addSink}, {@link #removeSink}), which is how a configuration reload leaves the unchanged ones
 * untouched. Those methods and {@link #start}/{@link #stop} are thread-safe.
 */
public final class Pipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    /** The shutdown deadline a container's stop timeout (10 s by default in Docker) leaves room for. */
    public static final Duration DEFAULT_STOP_DEADLINE = Duration.ofSeconds(5);

    private final SampleRing ring;
    private final DeliveryLedger ledger;
    private final Clock clock;
    private final NanoClock nanoClock;
    private final SourceScheduler scheduler;
    private final Map<String, SourceStats> sourceStats = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, SinkStats> sinkStats = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, RunningSink> sinks = new LinkedHashMap<>();
    private boolean started;
    private boolean stopped;

    /** One sink with its thread. */
    private record RunningSink(SinkSpec spec, RingReader reader, SinkWorker worker, Thread thread) {
    }

    private Pipeline(SampleRing ring, DeliveryLedger ledger, Clock clock, NanoClock nanoClock) {
        this.ring = ring;
        this.ledger = ledger;
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.scheduler = new SourceScheduler(ring, clock, nanoClock);
    }

    /**
     * Wires a pipeline. Readers are registered on the ring here, so nothing published after this call is
     * missed by any sink. Nothing runs until {@link #start}.
     *
     * @throws IllegalArgumentException when two sources or two sinks share a name
     */
    public static Pipeline create(SampleRing ring, DeliveryLedger ledger, List<ScheduledSource> sources,
                                  List<SinkSpec> sinks, Clock clock) {
        return create(ring, ledger, sources, sinks, clock, NanoClock.SYSTEM);
    }

    /**
     * As {@link #create(SampleRing, DeliveryLedger, List, List, Clock)}, with the monotonic clock that times
     * backoff and the rate of drop warnings ({@link NanoClock#SYSTEM} there); tests pass one they advance by
     * hand. {@code clock} stamps records; the stop deadlines and thread joins keep to real time.
     */
    public static Pipeline create(SampleRing ring, DeliveryLedger ledger, List<ScheduledSource> sources,
                                  List<SinkSpec> sinks, Clock clock, NanoClock nanoClock) {
        Pipeline pipeline = new Pipeline(ring, ledger, clock, nanoClock);
        sinks.forEach(pipeline::addSink);
        sources.forEach(pipeline::addSource);
        return pipeline;
    }

    /** Starts the sink threads, then the sources. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        sinks.values().forEach(sink -> sink.thread().start());
        scheduler.start();
    }

    /**
     * Adds a source; when the pipeline runs, it is collected at once and then at its interval.
     *
     * @throws IllegalArgumentException when a source of that name exists
     */
    public synchronized void addSource(ScheduledSource source) {
        requireRunnable();
        sourceStats.put(source.source().name(), scheduler.add(source));
    }

    /**
     * Stops and closes one source, waiting at most {@code deadline} for a collect in progress.
     *
     * @return false when no source has that name
     */
    public boolean removeSource(String name, Duration deadline) {
        boolean removed = scheduler.remove(name, deadline.toMillis());
        sourceStats.remove(name);
        return removed;
    }

    /**
     * Adds a sink: it reads every sample published from now on, and first delivers what its ledger backlog
     * still owes.
     *
     * @throws IllegalArgumentException when a sink of that name exists
     */
    public synchronized void addSink(SinkSpec spec) {
        requireRunnable();
        String name = spec.sink().name();
        if (sinks.containsKey(name)) {
            throw new IllegalArgumentException("sink name: " + name + " (expected: unique)");
        }
        SinkStats stats = new SinkStats(spec.processor().eventsBeside(CountsEvents.of(spec.sink())));
        RingReader reader = ring.newReader(name);
        SinkWorker worker = new SinkWorker(spec, reader, ledger, stats, clock, nanoClock);
        Thread thread = new Thread(worker, "courier-sink-" + name);
        thread.setDaemon(true);
        sinks.put(name, new RunningSink(spec, reader, worker, thread));
        sinkStats.put(name, stats);
        if (started) {
            thread.start();
        }
    }

    /**
     * Stops one sink: it sends what it owes until {@code deadline}, keeps the rest in its backlog, and is
     * closed. Samples published meanwhile are not taken by it.
     *
     * @return false when no sink has that name
     */
    public boolean removeSink(String name, Duration deadline) {
        RunningSink sink;
        synchronized (this) {
            sink = sinks.remove(name);
        }
        if (sink == null) {
            return false;
        }
        stopSinks(List.of(sink), System.nanoTime() + deadline.toNanos());
        sinkStats.remove(name);
        return true;
    }

    private void requireRunnable() {
        if (stopped) {
            throw new IllegalStateException("stopped");
        }
    }

    /** Stops in the order written on this class, taking at most about {@code deadline}. */
    public void stop(Duration deadline) {
        List<RunningSink> running;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            running = new ArrayList<>(sinks.values());
            sinks.clear();
        }
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        scheduler.stop(Math.max(1, deadline.toMillis() / 2));
        stopSinks(running, deadlineNanos);
        ledger.sync();
        ledger.close();
    }

    private void stopSinks(List<RunningSink> running, long deadlineNanos) {
        for (RunningSink sink : running) {
            sink.worker().drainAndStop(deadlineNanos);
        }
        for (RunningSink sink : running) {
            if (sink.thread().isAlive()) {
                try {
                    // The worker honours the deadline itself; the extra second covers an outcome being settled.
                    sink.thread().join(Math.max(1,
                            TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()) + 1000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (sink.thread().isAlive()) {
                    log.warn("{} did not stop in time; closing its sink anyway", sink.thread().getName());
                }
            }
            sink.reader().close();
            try {
                sink.spec().sink().close();
            } catch (Exception e) {
                log.warn("sink {}: close failed; going on with the shutdown", sink.spec().sink().name(), e);
            }
        }
    }

    @Override
    public void close() {
        stop(DEFAULT_STOP_DEADLINE);
    }

    /** A snapshot of each source's stats, in the order they were added. */
    public Map<String, SourceStats> sourceStats() {
        synchronized (sourceStats) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(sourceStats));
        }
    }

    /** A snapshot of each sink's stats, in the order they were added. */
    public Map<String, SinkStats> sinkStats() {
        synchronized (sinkStats) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(sinkStats));
        }
    }

    public SampleRing ring() {
        return ring;
    }

    public DeliveryLedger ledger() {
        return ledger;
    }
}
