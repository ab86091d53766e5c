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
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sources, the ring and sinks, wired and run: one scheduler for the sources, one thread per sink.
 *
 * <p>{@link #stop} shuts down in this order, always, and every step is over by the one deadline it is given:
 * <ol>
 *   <li>sources that share work with other couriers leave their group
 *       ({@link dev.concierge.courier.core.spi.LeavesBeforeStop}), and collects go on for as long as they ask,
 *       at most a quarter of the deadline, so that the others have taken the work over;</li>
 *   <li>stop the sources: no new collect starts; each is closed once its running collect has ended (they get
 *       half the deadline for that, closing included; a source still closing then is left behind);</li>
 *   <li>drain the ring into every sink's backlog;</li>
 *   <li>send what is owed until every backlog is empty or the sends' share of the deadline passes;</li>
 *   <li>close the sinks, each on its own thread, interrupted if it is still closing when the sinks' share
 *       ends; a push source's acknowledgement still waiting then fails (its client got no answer, since its
 *       source was closed first, and sends again);</li>
 *   <li>sync and close the ledger (it keeps, or records as dropped, what could not be sent): the fsync cannot
 *       be cut short, so a share of the deadline is kept for it ({@link #shareKept}).</li>
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
    private static final Duration SHARE_KEPT_MAX = Duration.ofMillis(250);

    private final SampleRing ring;
    private final DeliveryLedger ledger;
    private final Clock clock;
    private final NanoClock nanoClock;
    private final SourceScheduler scheduler;
    private final DurableAcknowledgements acknowledgements = new DurableAcknowledgements();
    private final CollectBoundaries boundaries = new CollectBoundaries();
    private final PipelineFailures failures = new PipelineFailures();
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
        this.scheduler = new SourceScheduler(ring, boundaries, failures, clock, nanoClock, acknowledgements);
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
        SinkWorker worker = new SinkWorker(spec, reader, ledger, stats, clock, nanoClock, boundaries, failures,
                acknowledgements);
        boundaries.wakeOnCollectEnd(reader);
        Thread thread = new Thread(worker, "courier-sink-" + name);
        thread.setDaemon(true);
        sinks.put(name, new RunningSink(spec, reader, worker, thread));
        sinkStats.put(name, stats);
        acknowledgements.add(worker);
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
        acknowledgements.remove(sink.worker());
        boundaries.forget(sink.reader());
        sinkStats.remove(name);
        return true;
    }

    private void requireRunnable() {
        if (stopped) {
            throw new IllegalStateException("stopped");
        }
    }

    /**
     * Stops in the order written on this class, all of it within {@code deadline} (give or take the
     * scheduling of the threads it interrupts, and a final fsync slower than {@link #shareKept}).
     */
    public void stop(Duration deadline) {
        long startNanos = System.nanoTime();
        List<RunningSink> running;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            running = new ArrayList<>(sinks.values());
            sinks.clear();
        }
        long deadlineNanos = startNanos + deadline.toNanos();
        long sinksDoneNanos = deadlineNanos - shareKept(deadline).toNanos();
        long sourcesDoneNanos = Math.min(startNanos + deadline.toNanos() / 2, sinksDoneNanos);
        lingerAfterLeaving(scheduler.leave(), startNanos + deadline.toNanos() / 4);
        scheduler.stop(Math.max(1, TimeUnit.NANOSECONDS.toMillis(sourcesDoneNanos - System.nanoTime())));
        stopSinks(running, sinksDoneNanos);
        acknowledgements.close();
        ledger.sync();
        ledger.close();
    }

    /** Lets collects go on for {@code linger} after the sources left their groups, but not past {@code latestNanos}. */
    private static void lingerAfterLeaving(Duration linger, long latestNanos) {
        long until = Math.min(System.nanoTime() + linger.toNanos(), latestNanos);
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

        /**
     * What a step of the stop keeps of {@code span} for the step after it: a tenth, at most 250 ms. It is
     * what the ledger's final sync and close get (an fsync of the last records takes milliseconds on a
     * healthy disk), and what closing the sinks gets after their sends.
     */
    public static Duration shareKept(Duration span) {
        Duration tenth = span.dividedBy(10);
        return tenth.compareTo(SHARE_KEPT_MAX) < 0 ? tenth : SHARE_KEPT_MAX;
    }

    /**
     * Stops {@code running} by {@code doneNanos} ({@link System#nanoTime()}): the workers send until the
     * closing share begins ({@link #shareKept} of what remains, the same proportion), then each sink is
     * stopped and closed on a thread of its own so that one wedged sink holds back neither the others nor the
     * stop; whatever is still running at {@code doneNanos} is interrupted and left behind.
     */
    private void stopSinks(List<RunningSink> running, long doneNanos) {
        long sendsDoneNanos = doneNanos - shareKept(Duration.ofNanos(Math.max(0, doneNanos - System.nanoTime())))
                .toNanos();
        for (RunningSink sink : running) {
            sink.worker().drainAndStop(sendsDoneNanos);
        }
        List<Thread> stoppers = new ArrayList<>(running.size());
        for (RunningSink sink : running) {
            Thread stopper = new Thread(() -> stopSink(sink, doneNanos), "courier-stop-" + sink.spec().sink().name());
            stopper.setDaemon(true);
            stopper.start();
            stoppers.add(stopper);
        }
        for (Thread stopper : stoppers) {
            joinUntil(stopper, doneNanos);
            if (stopper.isAlive()) {
                log.warn("{}: the sink has not closed by the shutdown deadline; leaving it behind",
                        stopper.getName());
                stopper.interrupt();
            }
        }
    }

    private static void stopSink(RunningSink sink, long doneNanos) {
        joinUntil(sink.thread(), doneNanos);
        if (sink.thread().isAlive()) {
            log.warn("{} did not stop in time; interrupting it and closing its sink anyway", sink.thread().getName());
            sink.thread().interrupt();
        }
        sink.reader().close();
        try {
            sink.spec().sink().close();
        } catch (Exception e) {
            log.warn("sink {}: close failed; going on with the shutdown", sink.spec().sink().name(), e);
        }
    }

    /** Waits for {@code thread} to end, at most until {@code doneNanos}; an interrupt ends the wait. */
    private static void joinUntil(Thread thread, long doneNanos) {
        long left = doneNanos - System.nanoTime();
        if (left <= 0 || !thread.isAlive()) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(DEFAULT_STOP_DEADLINE);
    }

    /**
     * Who is told when a pipeline thread ends on an error it cannot go on after (see {@link FatalErrorHandler});
     * {@link FatalErrorHandler#KEEP_RUNNING} until this is called. Any thread.
     */
    public void onFatalError(FatalErrorHandler handler) {
        failures.handleWith(handler);
    }

    /**
     * The first error a pipeline thread ended on, as {@code what: error} ({@code sink zabbix:
     * java.lang.OutOfMemoryError: Java heap space}); null while there was none. Readiness fails while it is set.
     * Any thread.
     */
    public String fatalError() {
        return failures.first();
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
