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
import dev.concierge.courier.core.spi.Sink;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
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
 * marks the sink failed ({@link SinkStats#failed()}) where readiness checks and metrics see it.
 */
final class SinkWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SinkWorker.class);
    private static final int INTAKE_CHUNK = 4096;
    private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    // The pause after an error when the backoff itself cannot say.
    private static final Duration FALLBACK_ERROR_DELAY = Duration.ofSeconds(1);

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

    private volatile boolean intakeOpen = true;
    private volatile long drainDeadlineNanos;
    private volatile boolean stopping;

    SinkWorker(SinkSpec spec, RingReader reader, DeliveryLedger ledger, SinkStats stats, Clock clock,
               NanoClock nanoClock) {
        this.sink = spec.sink();
        this.backoff = spec.backoff();
        this.reader = reader;
        this.backlog = ledger.openBacklog(sink.name(), spec.backlogBytes());
        this.ledger = ledger;
        this.stats = stats;
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.evictions = this::recordEviction;
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
                    boolean progressed = intake() > 0;
                    progressed |= settleCompletions();
                    progressed |= dispatch();
                    stats.pending.set(pendingSamples());
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

    private int intake() {
        if (!intakeOpen) {
            return 0;
        }
        chunkLength = 0;
        int taken = reader.drainTo(intake, INTAKE_CHUNK);
        if (chunkLength > 0) {
            try {
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
            Batch batch = takeBatch();
            if (batch == null) {
                break;
            }
            inFlight++;
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
            Duration delay = delayBeforeRetry(backoffAfter(failures), retry.retryAfter());
            nextAttemptNanos = nanoClock.nanoTime() + delay.toNanos();
            stats.failingSince.compareAndSet(null, clock.instant());
            stats.nextAttempt.set(clock.instant().plus(delay));
            // One line per failure episode, not per attempt: FailureEpisodes.
            episodes.failed(retry.detail(), pendingSamples(), delay);
            return;
        }
        stats.consecutiveFailures.set(0);
        errorsInARow = 0;
        stats.lastSuccess.set(clock.instant());
        stats.failingSince.set(null);
        stats.nextAttempt.set(null);
        episodes.succeeded(pendingSamples() - batch.size());
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
        long waiting;
        try {
            waiting = backlog.waitingSamples();
        } catch (RuntimeException e) {
            throw new BacklogFailure("waitingSamples", e);
        }
        if (waiting > 0 && inFlight < allowedInFlight()) {
            waitNanos = Math.max(0, Math.min(waitNanos, nextAttemptNanos - now));
        }
        if (stopping) {
            waitNanos = Math.max(0, Math.min(waitNanos, drainDeadlineNanos - System.nanoTime()));
        }
        if (waitNanos > 0 && completions.isEmpty()) {
            reader.awaitAvailable(waitNanos, TimeUnit.NANOSECONDS);
        }
    }
}
