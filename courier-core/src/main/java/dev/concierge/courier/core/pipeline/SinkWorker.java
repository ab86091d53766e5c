package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.SinkBacklog;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.ring.RingReader;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.FailureText;
import dev.concierge.courier.core.spi.ProbesDestination;
import dev.concierge.courier.core.spi.Sink;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The one thread that serves one sink: it moves samples from the ring into the sink's backlog, sends
 * batches of whatever is waiting (up to the sink's maximum, never held for a time window), and settles
 * each batch by the sink's outcome. Because it never waits on the destination, a sink that is down or
 * slow only grows its own backlog and never holds the ring, or another sink, back.
 *
 * <p>Outcomes arrive on the sink's I/O threads and are handed to this thread through a queue, so the
 * backlog and the backoff state are touched by this thread only. A batch's identity and attempt count are
 * the backlog's ({@link SinkBacklog}); the worker keeps no state per batch.
 *
 * <p>Survival: a {@code send} that throws (the sink's encoder, say) is a failed attempt like any other, and
 * any other error in one turn of the loop is counted ({@link SinkStats#errors()}), logged, and backed off
 * from; the loop goes on, so the ring keeps draining. The loop ends early only on an error it cannot go on
 * after: a {@link VirtualMachineError} (out of memory), a backlog that threw (its state is no longer known),
 * or an interrupt. It then closes its ring reader first, so the ring is never held for the other sinks, and
 * marks the sink failed ({@link SinkStats#failed()}) where readiness checks and metrics see it, and tells the
 * pipeline's {@link FatalErrorHandler} (the daemon exits so that its supervisor restarts it).
 *
 * <p>One collect, one request: while a collect is publishing into the ring ({@link CollectBoundaries}) the
 * worker takes its samples into the backlog as they come but holds partial batches, and sends what waits once
 * the collect has ended; a full batch always goes, and no collect holds them longer than
 * {@link #LONGEST_HOLD_NANOS} (a source stuck after publishing). What the ring held when a turn began is drained before
 * anything is sent, so that what the ring holds (lost on {@code kill -9}) stays as small as the backlog's writes allow.
 *
 * <p>While the sink fails, a sink that {@link ProbesDestination probes} is probed every
 * {@link #PROBE_INTERVAL}; a probe that succeeds ends the backoff at once. A send that fails right after such a
 * probe stops the probing until the backoff's own next attempt has failed too, so a destination that accepts
 * connections but fails every send is tried no more often than the backoff says, plus once per backoff period.
 * A destination's {@code Retry-After} is never cut short.
 */
final class SinkWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SinkWorker.class);
    private static final int INTAKE_CHUNK = 4096;
    private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    // How long after its last work an idle worker wakes once more, so that a durable backlog's periodic sync
    // (due 100 ms after its writes by default) runs while nothing waits in the ring rather than in front of
    // the next collect's samples, which are in the ring window until the backlog has written them.
    // The longest partial batches wait for one collect: a source must return within its own timeouts, but one
    // stuck after publishing must not hold every sink's partial batches for ever.
    static final long LONGEST_HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long SETTLE_DOWN_NANOS = TimeUnit.MILLISECONDS.toNanos(150);
    // The pause after an error when the backoff itself cannot say.
    private static final Duration FALLBACK_ERROR_DELAY = Duration.ofSeconds(1);
    /** How often a failing sink's destination is probed, when the sink can be. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

    private record Completion(Batch batch, DeliveryOutcome outcome) {
    }

    /** A backlog call threw: the backlog's state is no longer known, so the worker cannot go on with it. */
    private static final class BacklogFailure extends RuntimeException {
        BacklogFailure(String call, RuntimeException cause) {
            super("its backlog failed in " + call + ": " + cause, cause);
        }
    }

    private final Sink sink;
    private final Backoff backoff;
    private final RingReader reader;
    private final SinkBacklog backlog;
    private final DeliveryLedger ledger;
    private final SinkStats stats;
    private final Clock clock;
    private final NanoClock nanoClock;
    private final CollectBoundaries boundaries;
    private final PipelineFailures failures;
    // Null when the sink cannot be probed.
    private final ProbesDestination prober;
    // A probe's answer, set by the probe's thread and taken by this one; null while none has come.
    private final AtomicReference<Boolean> probeAnswer = new AtomicReference<>();
    private boolean probeOutstanding;
    private boolean probing;
    private long nextProbeNanos;
    // The attempt in flight (or the next one) was started early by a probe.
    private boolean attemptAfterProbe;
    // Whether partial batches wait for a collect that is still publishing, and since when (System.nanoTime()).
    private boolean holdingForCollect;
    private boolean collectPublishing;
    private long publishingSinceNanos;
    // When (System.nanoTime()) the idle worker wakes once more after its last work; see SETTLE_DOWN_NANOS.
    private boolean settleDownWakePending;
    private long settleDownWakeNanos;

    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
    // One chunk taken from the ring, handed to the backlog whole so that a file backlog writes it at once.
    private final Sample[] chunk = new Sample[INTAKE_CHUNK];
    private int chunkLength;
    // Takes what the sink takes from the ring into the chunk, passing over other sources' samples.
    private final Consumer<Sample> intake;
    private final Consumer<DeliveryRecord> chunkEvictions = this::mergeEviction;
    private final Consumer<DeliveryRecord> evictions;
    // Drops reported while one chunk is taken from the ring, merged into one record (per reason) that goes to
    // the ledger when the chunk is in: under a steady overload the backlog evicts on almost every sample taken.
    private DeliveryRecord pendingDrops;
    private final DropWarnings dropWarnings;
    private final FailureEpisodes episodes;
    // Whether the sink's first batch with samples its destination cannot carry by design has been said (once).
    private boolean unsupportedSaid;
    private int inFlight;
    private long nextAttemptNanos;
    // Errors caught since the last batch the destination answered, for the backoff after each.
    private int errorsInARow;

    private final DurableAcknowledgements acknowledgements;
    // Every ring position below it is in the backlog and synced (or passed over); written by this thread only.
    private volatile long durablePosition;
    // Whether samples were appended since the last sync for an acknowledgement: a sink that took nothing
    // (it is not routed the push source) is durable through what it passed over without a sync.
    private boolean appendedSinceSync;

    private volatile boolean intakeOpen = true;
    private volatile long drainDeadlineNanos;
    private volatile boolean stopping;

    SinkWorker(SinkSpec spec, RingReader reader, DeliveryLedger ledger, SinkStats stats, Clock clock,
               NanoClock nanoClock, CollectBoundaries boundaries, PipelineFailures failures,
               DurableAcknowledgements acknowledgements) {
        this.sink = spec.sink();
        this.boundaries = boundaries;
        this.failures = failures;
        this.prober = ProbesDestination.of(spec.sink());
        this.backoff = spec.backoff();
        this.reader = reader;
        this.backlog = ledger.openBacklog(sink.name(), spec.backlogBytes());
        this.ledger = ledger;
        this.stats = stats;
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.evictions = this::recordEviction;
        this.acknowledgements = acknowledgements;
        this.durablePosition = reader.position();
        // Routing first (a sample of a source this sink does not take is passed over), then the sink's rules,
        // before the backlog; a sink that takes everything without rules calls neither.
        SampleProcessor processor = spec.processor();
        if (spec.sources() == null && processor.isEmpty()) {
            this.intake = sample -> chunk[chunkLength++] = sample;
        } else {
            this.intake = sample -> {
                if (!spec.takes(sample.source())) {
                    return;
                }
                Sample processed = processor.isEmpty() ? sample : processor.apply(sample);
                if (processed != null) {
                    chunk[chunkLength++] = processed;
                }
            };
        }
        this.nextAttemptNanos = nanoClock.nanoTime();
        this.dropWarnings = new DropWarnings(DropWarnings.DEFAULT_INTERVAL, nanoClock);
        this.episodes = new FailureEpisodes(log, FailureEpisodes.Kind.SINK, sink.name(),
                FailureEpisodes.DEFAULT_REMINDER, clock, nanoClock);
    }

    @Override
    public void run() {
        boolean backlogUsable = true;
        // Every line this thread logs names its sink as a field too (JSON logs carry the MDC).
        MDC.put("sink", sink.name());
        try {
            while (true) {
                try {
                    long quiet = boundaries.quiet();
                    boolean progressed = intakeAll();
                    holdForCollect(!boundaries.unchangedSince(quiet));
                    syncForAcknowledgements();
                    progressed |= settleCompletions();
                    progressed |= takeProbeAnswer();
                    progressed |= dispatch();
                    startProbeIfDue();
                    stats.pending.set(pendingSamples()); // also runs the backlog's periodic sync when due
                    if (progressed) {
                        settleDownWakePending = true;
                        settleDownWakeNanos = System.nanoTime() + SETTLE_DOWN_NANOS;
                    } else if (settleDownWakePending && System.nanoTime() - settleDownWakeNanos >= 0) {
                        settleDownWakePending = false;
                    }
                    if (stopping && finished()) {
                        break;
                    }
                    if (!progressed) {
                        awaitWork();
                    }
                } catch (BacklogFailure | VirtualMachineError | InterruptedException fatal) {
                    throw fatal;
                } catch (Throwable t) {
                    onError(t);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("its thread was interrupted", e);
        } catch (BacklogFailure e) {
            backlogUsable = false;
            fail(e.getMessage(), e);
        } catch (Throwable t) {
            fail(t.toString(), t);
        } finally {
            closeBacklog(backlogUsable);
            MDC.remove("sink");
        }
    }

    /**
     * Ends this sink's part in the pipeline: the ring reader is closed first, so the ring never fills behind a
     * reader that no longer drains, and the failure goes where {@code /ready} and the metrics read it.
     */
    private void fail(String reason, Throwable cause) {
        reader.close();
        intakeOpen = false;
        stats.errors.incrementAndGet();
        stats.failure.set(reason);
        if (!stopping) {
            failures.threadDied("sink " + sink.name(), cause);
        }
        log.error("sink {}: its thread ends: {}; it has left the ring and takes no new samples until it is added "
                + "again (a reload that changes it, or a restart); what its backlog holds is kept or recorded as "
                + "dropped", sink.name(), reason, cause);
    }

    private void closeBacklog(boolean usable) {
        try {
            long owed = backlog.pendingSamples();
            if (owed > 0) {
                log.info("sink {}: {} samples still owed at stop", sink.name(), owed);
            }
            backlog.close(evictions);
            stats.pending.set(backlog.pendingSamples());
        } catch (RuntimeException e) {
            if (usable) {
                log.error("sink {}: closing its backlog failed", sink.name(), e);
            } else {
                log.debug("sink {}: closing its failed backlog failed too", sink.name(), e);
            }
        }
    }

    /**
     * While a push source waits for an acknowledgement, makes what this sink has taken from the ring durable
     * and says how far: one sync covers everything taken so far, whoever waits for it. Without a waiting
     * acknowledgement it costs one volatile read.
     */
    private void syncForAcknowledgements() {
        if (!acknowledgements.waiting()) {
            return;
        }
        long taken = reader.position();
        if (taken == durablePosition) {
            return;
        }
        boolean durable;
        try {
            durable = !appendedSinceSync || backlog.syncAppends();
        } catch (RuntimeException e) {
            throw new BacklogFailure("syncAppends", e);
        }
        // Not durable (a failing disk): no acknowledgement goes out for it; the next turn tries again.
        if (durable) {
            appendedSinceSync = false;
            durablePosition = taken;
            acknowledgements.advanced();
        }
    }

    /** The ring position below which every sample is in this sink's backlog and synced, or passed over. */
    long durablePosition() {
        return durablePosition;
    }

    /** Makes the loop take a turn now: an acknowledgement waits for it. Any thread. */
    void wakeUp() {
        reader.wakeUp();
    }

    /** An unexpected error in one turn of the loop: counted, logged, and no send until the backoff has passed. */
    private void onError(Throwable t) {
        stats.errors.incrementAndGet();
        Duration delay = backoffAfter(++errorsInARow);
        nextAttemptNanos = nanoClock.nanoTime() + delay.toNanos();
        log.error("sink {}: unexpected error on its thread ({} in a row); next attempt in {} ms", sink.name(),
                errorsInARow, delay.toMillis(), t);
    }

    private Duration backoffAfter(long failures) {
        try {
            return backoff.delayAfter((int) Math.min(Integer.MAX_VALUE, failures));
        } catch (RuntimeException e) {
            log.debug("sink {}: its backoff failed; waiting {} instead", sink.name(), FALLBACK_ERROR_DELAY, e);
            return FALLBACK_ERROR_DELAY;
        }
    }

    /**
     * Stops taking new samples from the ring after draining it, and ends once the backlog is sent or the
     * deadline ({@link System#nanoTime()}) passes. The deadline is real time, whatever the worker's
     * {@link NanoClock}: it answers to the stop timeout of whatever runs the process.
     */
    void drainAndStop(long deadlineNanos) {
        drainDeadlineNanos = deadlineNanos;
        stopping = true;
        reader.wakeUp();
    }

    private boolean finished() {
        if (intakeOpen && reader.lag() == 0) {
            intakeOpen = false;
        }
        boolean empty = !intakeOpen && pendingSamples() == 0;
        return empty || System.nanoTime() - drainDeadlineNanos >= 0;
    }

    /**
     * Whether partial batches wait: while a collect publishes, for at most {@link #LONGEST_HOLD_NANOS} from
     * when this worker first saw collects publishing without a break; never while stopping.
     */
    private void holdForCollect(boolean publishing) {
        long now = System.nanoTime();
        if (publishing && !collectPublishing) {
            publishingSinceNanos = now;
        }
        collectPublishing = publishing;
        holdingForCollect = publishing && !stopping && now - publishingSinceNanos < LONGEST_HOLD_NANOS;
    }

    /**
     * Takes what the ring held when the turn began, chunk by chunk; true when anything was taken. No more than
     * that: a source that publishes as fast as this thread takes would otherwise keep it taking (and, past its
     * budget, evicting) for ever, and nothing would be sent.
     */
    private boolean intakeAll() {
        long due = reader.lag();
        int taken = intake();
        boolean any = taken > 0;
        long takenThisTurn = taken;
        while (taken == INTAKE_CHUNK && takenThisTurn < due) {
            taken = intake();
            takenThisTurn += taken;
        }
        return any;
    }

    private int intake() {
        if (!intakeOpen) {
            return 0;
        }
        chunkLength = 0;
        int taken = reader.drainTo(intake, INTAKE_CHUNK);
        if (chunkLength > 0) {
            try {
                appendedSinceSync = true;
                backlog.appendAll(chunk, chunkLength, chunkEvictions);
                stats.received.addAndGet(chunkLength);
            } catch (RuntimeException e) {
                throw new BacklogFailure("appendAll", e);
            } finally {
                // The backlog holds what it still owes; the chunk keeps nothing alive.
                Arrays.fill(chunk, 0, chunkLength, null);
            }
        }
        flushEvictions();
        return taken;
    }

    private void mergeEviction(DeliveryRecord record) {
        stats.dropped.addAndGet(record.dropped());
        if (pendingDrops != null && !pendingDrops.detail().equals(record.detail())) {
            flushEvictions();
        }
        pendingDrops = pendingDrops == null ? record : DeliveryRecord.merge(pendingDrops, record);
    }

    private void flushEvictions() {
        if (pendingDrops != null) {
            DeliveryRecord record = pendingDrops;
            pendingDrops = null;
            logAndRecordEviction(record);
        }
    }

    private boolean dispatch() {
        boolean sent = false;
        // The time first: while backing off after an error, not even the sink's limits are asked for.
        while (nanoClock.nanoTime() - nextAttemptNanos >= 0 && inFlight < allowedInFlight()) {
            if (holdingForCollect && waitingSamples() < sink.maxBatchSize()) {
                break; // the rest of the collect goes with it
            }
            Batch batch = takeBatch();
            if (batch == null) {
                break;
            }
            inFlight++;
            if (stats.consecutiveFailures.get() == 0) {
                attemptAfterProbe = false;
            }
            sent = true;
            try {
                CompletionStage<DeliveryOutcome> stage = sink.send(batch);
                if (stage == null) {
                    completions.add(new Completion(batch, DeliveryOutcome.Retry.of("send returned no outcome")));
                    continue;
                }
                stage.whenComplete((outcome, error) -> {
                    DeliveryOutcome settled = outcome != null ? outcome
                            : DeliveryOutcome.Retry.of(error == null ? "no outcome" : error.toString());
                    completions.add(new Completion(batch, settled));
                    reader.wakeUp();
                });
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                // A poison batch or a broken encoder must not end the thread: it is a failed attempt. Every
                // batch taken ends as exactly one completion, so none is stranded in flight.
                sendThrew(batch, e);
            }
        }
        return sent;
    }

    private void sendThrew(Batch batch, Throwable e) {
        stats.errors.incrementAndGet();
        // The stack trace once per run of failures; the attempt's WARN line carries the error every time.
        if (stats.consecutiveFailures.get() == 0) {
            log.error("sink {}: send of batch {} threw instead of returning an outcome; treated as a failed attempt",
                    sink.name(), batch.id(), e);
        } else {
            log.debug("sink {}: send of batch {} threw again", sink.name(), batch.id(), e);
        }
        completions.add(new Completion(batch, DeliveryOutcome.Retry.of("send threw: " + e)));
    }

    private Batch takeBatch() {
        int max = sink.maxBatchSize();
        try {
            return backlog.takeBatch(max);
        } catch (RuntimeException e) {
            throw new BacklogFailure("takeBatch", e);
        }
    }

    private long waitingSamples() {
        try {
            return backlog.waitingSamples();
        } catch (RuntimeException e) {
            throw new BacklogFailure("waitingSamples", e);
        }
    }

    /** Whether the sink is failing and waiting out a backoff, with a batch waiting for the next attempt. */
    private boolean backingOff() {
        return stats.consecutiveFailures.get() > 0 && inFlight == 0
                && nanoClock.nanoTime() - nextAttemptNanos < 0;
    }

    /** A probe's answer: when the destination answers again, the backoff ends now. True when one came. */
    private boolean takeProbeAnswer() {
        Boolean answer = probeAnswer.getAndSet(null);
        if (answer == null) {
            return false;
        }
        probeOutstanding = false;
        if (answer && probing && backingOff()) {
            long now = nanoClock.nanoTime();
            log.info("sink {}: the destination answers a probe again; trying the waiting batch now instead of in {} ms",
                    sink.name(), TimeUnit.NANOSECONDS.toMillis(nextAttemptNanos - now));
            nextAttemptNanos = now;
            attemptAfterProbe = true;
            probing = false;
        }
        return true;
    }

    /** Starts a probe when the sink is backing off and the probe interval has passed since the last one. */
    private void startProbeIfDue() {
        if (prober == null || !probing || probeOutstanding || !backingOff()
                || nanoClock.nanoTime() - nextProbeNanos < 0) {
            return;
        }
        nextProbeNanos = nanoClock.nanoTime() + PROBE_INTERVAL.toNanos();
        probeOutstanding = true;
        CompletionStage<Boolean> stage;
        try {
            stage = prober.probe();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            log.debug("sink {}: its probe threw", sink.name(), t);
            stage = null;
        }
        if (stage == null) {
            probeAnswer.set(false);
            return;
        }
        stage.whenComplete((reachable, error) -> {
            probeAnswer.set(error == null && Boolean.TRUE.equals(reachable));
            reader.wakeUp();
        });
    }

    private long pendingSamples() {
        try {
            return backlog.pendingSamples();
        } catch (RuntimeException e) {
            throw new BacklogFailure("pendingSamples", e);
        }
    }

    /**
     * The sink's own limit while it delivers; one batch while it is failing. After a failure the next attempt
     * is a single probe, like a half-open circuit breaker: a dead destination costs one connection per backoff
     * period, and full concurrency returns with the first success.
     */
    private int allowedInFlight() {
        return stats.consecutiveFailures.get() > 0 ? 1 : sink.maxInFlight();
    }

    private boolean settleCompletions() {
        boolean any = false;
        Completion completion;
        while ((completion = completions.poll()) != null) {
            any = true;
            inFlight--;
            settle(completion.batch(), completion.outcome());
        }
        return any;
    }

    private void settle(Batch batch, DeliveryOutcome answered) {
        // Once, before anything logs, records or shows the detail: the destination may echo a secret back.
        DeliveryOutcome outcome = sink.secrets().apply(answered);
        if (outcome instanceof DeliveryOutcome.Retry retry) {
            try {
                backlog.requeue(batch);
            } catch (RuntimeException e) {
                throw new BacklogFailure("requeue", e);
            }
            long failures = stats.consecutiveFailures.incrementAndGet();
            stats.retries.incrementAndGet();
            stats.lastError.set(retry.detail());
            Duration backoffDelay = backoffAfter(failures);
            Duration delay = delayBeforeRetry(backoffDelay, retry.retryAfter());
            nextAttemptNanos = nanoClock.nanoTime() + delay.toNanos();
            stats.failingSince.compareAndSet(null, clock.instant());
            stats.nextAttempt.set(clock.instant().plus(delay));
            // One line per failure episode, not per attempt: FailureEpisodes.
            episodes.failed(retry.detail(), pendingSamples(), delay);
            // Probe from now on, unless the destination asked for the wait or a probe just misled us.
            probing = prober != null && delay.equals(backoffDelay) && !attemptAfterProbe;
            attemptAfterProbe = false;
            nextProbeNanos = nanoClock.nanoTime() + PROBE_INTERVAL.toNanos();
            return;
        }
        stats.consecutiveFailures.set(0);
        errorsInARow = 0;
        stats.lastSuccess.set(clock.instant());
        stats.failingSince.set(null);
        stats.nextAttempt.set(null);
        episodes.succeeded(pendingSamples() - batch.size());
        probing = false;
        attemptAfterProbe = false;
        try {
            backlog.settle(batch);
        } catch (RuntimeException e) {
            throw new BacklogFailure("settle", e);
        }
        stats.batches.incrementAndGet();
        int rejected;
        int unsupported = 0;
        DeliveryRecord.Outcome settled;
        if (outcome instanceof DeliveryOutcome.Delivered) {
            rejected = 0;
            settled = DeliveryRecord.Outcome.DELIVERED;
        } else if (outcome instanceof DeliveryOutcome.PartiallyRejected partial) {
            rejected = Math.min(batch.size(), partial.rejected());
            unsupported = Math.min(rejected, partial.unsupported());
            settled = DeliveryRecord.Outcome.PARTIALLY_REJECTED;
        } else {
            rejected = batch.size();
            settled = DeliveryRecord.Outcome.REJECTED;
        }
        stats.delivered.addAndGet(batch.size() - rejected);
        stats.rejected.addAndGet(rejected);
        if (rejected > unsupported) {
            log.warn("sink {}: batch {}: destination refused {} of {} samples for good: {}; recorded in the ledger, not resent", sink.name(),
                    batch.id(), rejected, batch.size(), FailureText.plain(outcome.detail()));
        } else if (unsupported > 0 && !unsupportedSaid) {
            // Not data lost but data the destination cannot hold (text to Graphite): said once, then counted.
            unsupportedSaid = true;
            log.info("sink {}: skips what its destination cannot store by design: {} of {} samples of batch {} ({}); "
                            + "such samples are counted in courier_sink_events_total and the ledger as rejected, "
                            + "and not logged again", sink.name(), unsupported, batch.size(), batch.id(),
                    FailureText.plain(outcome.detail()));
        } else if (unsupported > 0) {
            log.debug("sink {}: batch {} of {} samples delivered, {} skipped by design: {}", sink.name(), batch.id(),
                    batch.size(), unsupported, outcome.detail());
        } else {
            log.debug("sink {}: batch {} of {} samples delivered: {}", sink.name(), batch.id(), batch.size(),
                    outcome.detail());
        }
        ledger.record(DeliveryRecord.settled(sink.name(), batch, settled, rejected, clock.instant(), outcome.detail()));
    }

    /** The backoff's delay, or the destination's own {@code Retry-After} hint when that is longer. */
    static Duration delayBeforeRetry(Duration backoffDelay, Duration retryAfter) {
        return retryAfter != null && retryAfter.compareTo(backoffDelay) > 0 ? retryAfter : backoffDelay;
    }

    private void recordEviction(DeliveryRecord record) {
        stats.dropped.addAndGet(record.dropped());
        logAndRecordEviction(record);
    }

    private void logAndRecordEviction(DeliveryRecord record) {
        if (dropWarnings.onDrop(record.dropped())) {
            log.warn("sink {}: dropped {} samples from {} to {}: {}; recorded in the ledger; {} samples in {} drops "
                            + "since the last such warning (at most one every {} s, the others at debug)",
                    sink.name(), record.dropped(),
                    record.oldestSample(), record.newestSample(), record.detail(), dropWarnings.droppedSinceWarning(),
                    dropWarnings.dropsSinceWarning(), dropWarnings.intervalSeconds());
        } else if (log.isDebugEnabled()) {
            log.debug("sink {}: dropped {} samples from {} to {}: {}; recorded in the ledger", sink.name(),
                    record.dropped(), record.oldestSample(), record.newestSample(), record.detail());
        }
        ledger.record(record);
    }

    private void awaitWork() throws InterruptedException {
        long waitNanos = IDLE_WAIT_NANOS;
        long now = nanoClock.nanoTime();
        long waiting = waitingSamples();
        if (waiting > 0 && inFlight < allowedInFlight() && !holdingForCollect) {
            waitNanos = Math.max(0, Math.min(waitNanos, nextAttemptNanos - now));
        }
        if (probing && !probeOutstanding) {
            waitNanos = Math.max(0, Math.min(waitNanos, nextProbeNanos - now));
        }
        if (holdingForCollect) {
            waitNanos = Math.max(0, Math.min(waitNanos, publishingSinceNanos + LONGEST_HOLD_NANOS - System.nanoTime()));
        }
        if (settleDownWakePending) {
            waitNanos = Math.max(0, Math.min(waitNanos, settleDownWakeNanos - System.nanoTime()));
        }
        if (stopping) {
            waitNanos = Math.max(0, Math.min(waitNanos, drainDeadlineNanos - System.nanoTime()));
        }
        if (waitNanos > 0 && completions.isEmpty()) {
            reader.awaitAvailable(waitNanos, TimeUnit.NANOSECONDS);
        }
    }
}
