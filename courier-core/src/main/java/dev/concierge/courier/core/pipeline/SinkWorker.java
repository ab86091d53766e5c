package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.SinkBacklog;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.ring.RingReader;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
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

/**
 * The one thread that serves one sink: it moves samples from the ring into the sink's backlog, sends
 * batches of whatever is waiting (up to the sink's maximum, never held for a time window), and settles
 * each batch by the sink's outcome. Because it never waits on the destination, a sink that is down or
 * slow only grows its own backlog and never holds the ring, or another sink, back.
 *
 * <p>Outcomes arrive on the sink's I/O threads and are handed to this thread through a queue, so the
 * backlog, the attempt counts and the backoff state are touched by this thread only.
 */
final class SinkWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SinkWorker.class);
    private static final int INTAKE_CHUNK = 4096;
    private static final long IDLE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Completion(Batch batch, DeliveryOutcome outcome) {
    }

    private final Sink sink;
    private final Backoff backoff;
    private final RingReader reader;
    private final SinkBacklog backlog;
    private final DeliveryLedger ledger;
    private final SinkStats stats;
    private final Clock clock;

    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
    // One chunk taken from the ring, handed to the backlog whole so that a file backlog writes it at once.
    private final Sample[] chunk = new Sample[INTAKE_CHUNK];
    private int chunkLength;
    private final Consumer<Sample> intake = sample -> chunk[chunkLength++] = sample;
    private final Consumer<DeliveryRecord> chunkEvictions = this::mergeEviction;
    private final Consumer<DeliveryRecord> evictions;
    // Drops reported while one chunk is taken from the ring, merged into one record (per reason) that goes to
    // the ledger when the chunk is in: under a steady overload the backlog evicts on almost every sample taken.
    private DeliveryRecord pendingDrops;
    private final DropWarnings dropWarnings = new DropWarnings(DropWarnings.DEFAULT_INTERVAL_NANOS);
    private int inFlight;
    private long nextAttemptNanos;

    private volatile boolean intakeOpen = true;
    private volatile long drainDeadlineNanos = Long.MAX_VALUE;
    private volatile boolean stopping;

    SinkWorker(SinkSpec spec, RingReader reader, DeliveryLedger ledger, SinkStats stats, Clock clock) {
        this.sink = spec.sink();
        this.backoff = spec.backoff();
        this.reader = reader;
        this.backlog = ledger.openBacklog(sink.name(), spec.backlogBytes());
        this.ledger = ledger;
        this.stats = stats;
        this.clock = clock;
        this.evictions = this::recordEviction;
    }

    @Override
    public void run() {
        try {
            while (true) {
                boolean progressed = intake() > 0;
                progressed |= settleCompletions();
                progressed |= dispatch();
                stats.pending.set(backlog.pendingSamples());
                if (stopping && finished()) {
                    break;
                }
                if (!progressed) {
                    awaitWork();
                }
            }
        } catch (Throwable t) {
            log.error("sink {}: pipeline thread failed; samples stay in its backlog", sink.name(), t);
        } finally {
            if (backlog.pendingSamples() > 0) {
                log.info("sink {}: {} samples still owed at stop", sink.name(), backlog.pendingSamples());
            }
            backlog.close(evictions);
            stats.pending.set(backlog.pendingSamples());
        }
    }

    /** Stops taking new samples from the ring after draining it, and ends once the backlog is sent or the deadline passes. */
    void drainAndStop(long deadlineNanos) {
        drainDeadlineNanos = deadlineNanos;
        stopping = true;
        reader.wakeUp();
    }

    private boolean finished() {
        if (intakeOpen && reader.lag() == 0) {
            intakeOpen = false;
        }
        boolean empty = !intakeOpen && backlog.pendingSamples() == 0;
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
        while (inFlight < allowedInFlight() && System.nanoTime() - nextAttemptNanos >= 0) {
            Batch batch = backlog.takeBatch(sink.maxBatchSize());
            if (batch == null) {
                break;
            }
            inFlight++;
            sent = true;
            CompletionStage<DeliveryOutcome> stage;
            try {
                stage = sink.send(batch);
            } catch (RuntimeException e) {
                completions.add(new Completion(batch, DeliveryOutcome.Retry.of("send failed: " + e)));
                continue;
            }
            stage.whenComplete((outcome, error) -> {
                DeliveryOutcome settled = outcome != null ? outcome
                        : DeliveryOutcome.Retry.of(error == null ? "no outcome" : error.toString());
                completions.add(new Completion(batch, settled));
                reader.wakeUp();
            });
        }
        return sent;
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

    private void settle(Batch batch, DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Retry retry) {
            backlog.requeue(batch);
            long failures = stats.consecutiveFailures.incrementAndGet();
            stats.retries.incrementAndGet();
            stats.lastError.set(retry.detail());
            Duration delay = delayBeforeRetry(backoff.delayAfter((int) Math.min(Integer.MAX_VALUE, failures)),
                    retry.retryAfter());
            nextAttemptNanos = System.nanoTime() + delay.toNanos();
            log.warn("sink {}: batch {} of {} samples not delivered (attempt {}): {}; next attempt in {} ms",
                    sink.name(), batch.id(), batch.size(), batch.attempt(), retry.detail(), delay.toMillis());
            return;
        }
        stats.consecutiveFailures.set(0);
        backlog.settle(batch);
        stats.batches.incrementAndGet();
        int rejected;
        DeliveryRecord.Outcome settled;
        if (outcome instanceof DeliveryOutcome.Delivered) {
            rejected = 0;
            settled = DeliveryRecord.Outcome.DELIVERED;
        } else if (outcome instanceof DeliveryOutcome.PartiallyRejected partial) {
            rejected = Math.min(batch.size(), partial.rejected());
            settled = DeliveryRecord.Outcome.PARTIALLY_REJECTED;
        } else {
            rejected = batch.size();
            settled = DeliveryRecord.Outcome.REJECTED;
        }
        int accepted = batch.size() - rejected;
        stats.delivered.addAndGet(accepted);
        stats.rejected.addAndGet(rejected);
        if (rejected > 0) {
            log.warn("sink {}: batch {}: destination refused {} of {} samples for good: {}; recorded in the ledger, not resent", sink.name(),
                    batch.id(), rejected, batch.size(), outcome.detail());
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
        if (dropWarnings.onDrop(record.dropped(), System.nanoTime())) {
            log.warn("sink {}: dropped {} samples from {} to {}: {}; recorded in the ledger; {} samples in {} drops "
                            + "since the last such warning (at most one every {} s, the others at debug)",
                    sink.name(), record.dropped(),
                    record.oldestSample(), record.newestSample(), record.detail(), dropWarnings.droppedSinceWarning(),
                    dropWarnings.dropsSinceWarning(), TimeUnit.NANOSECONDS.toSeconds(DropWarnings.DEFAULT_INTERVAL_NANOS));
        } else if (log.isDebugEnabled()) {
            log.debug("sink {}: dropped {} samples from {} to {}: {}; recorded in the ledger", sink.name(),
                    record.dropped(), record.oldestSample(), record.newestSample(), record.detail());
        }
        ledger.record(record);
    }

    private void awaitWork() throws InterruptedException {
        long waitNanos = IDLE_WAIT_NANOS;
        if (backlog.waitingSamples() > 0 && inFlight < allowedInFlight()) {
            waitNanos = Math.max(0, Math.min(waitNanos, nextAttemptNanos - System.nanoTime()));
        }
        if (stopping) {
            waitNanos = Math.max(0, Math.min(waitNanos, drainDeadlineNanos - System.nanoTime()));
        }
        if (waitNanos > 0 && completions.isEmpty()) {
            reader.awaitAvailable(waitNanos, TimeUnit.NANOSECONDS);
        }
    }
}
