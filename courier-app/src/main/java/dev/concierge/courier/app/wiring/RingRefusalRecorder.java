package dev.concierge.courier.app.wiring;

import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.pipeline.SourceStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the samples the full ring refused as losses of their source in the ledger
 * ({@link DeliveryLedger#recordSourceLoss}), where {@code courier ledger} and {@code /ledger} show them as
 * ranges. Once every {@link #INTERVAL} it reads each source's refused count and records what it grew by since
 * the previous reading. A refused sample is gone, so its own timestamp is not known: the range's sample times
 * are the two readings that bound the refusals (the samples of a collect are stamped when it runs, so they
 * fall within them, give or take a collect's length).
 *
 * <p>Reads the counts the ring's emitters already keep, so publishing costs nothing more. A source restarted by
 * a reload has new counts, which start again from zero. Refusals after the last reading ({@link #close}, called
 * just before the pipeline stops) are counted but not recorded. Thread-safe.
 */
final class RingRefusalRecorder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RingRefusalRecorder.class);
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final String REASON = "the ring was full: refused before any sink had them";

    private final Supplier<Map<String, SourceStats>> sources;
    private final DeliveryLedger ledger;
    private final Clock clock;
    // The counts of the last reading, by source; a different stats object is a restarted source.
    private final Map<String, Reading> last = new HashMap<>();
    private Instant lastReadAt;
    private ScheduledExecutorService timer;

    private record Reading(SourceStats stats, long refused) {
    }

    RingRefusalRecorder(Supplier<Map<String, SourceStats>> sources, DeliveryLedger ledger, Clock clock) {
        this.sources = sources;
        this.ledger = ledger;
        this.clock = clock;
        this.lastReadAt = clock.instant();
    }

    /** Reads now and then every {@link #INTERVAL} on a daemon thread of its own. */
    synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "courier-ring-refusals");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::readSafely, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void readSafely() {
        try {
            read();
        } catch (Throwable t) {
            // The next reading records what this one missed: the counts only grow.
            log.warn("recording the ring's refusals in the ledger failed; trying again in {}", INTERVAL, t);
        }
    }

    /** Records, per source, the refusals since the previous reading. */
    synchronized void read() {
        Instant now = clock.instant();
        Map<String, SourceStats> running = sources.get();
        last.keySet().retainAll(running.keySet());
        for (Map.Entry<String, SourceStats> source : running.entrySet()) {
            SourceStats stats = source.getValue();
            long refused = stats.refused();
            Reading before = last.get(source.getKey());
            long grown = before == null || before.stats() != stats ? refused : refused - before.refused();
            last.put(source.getKey(), new Reading(stats, refused));
            if (grown > 0) {
                ledger.recordSourceLoss(source.getKey(), grown, lastReadAt, now, REASON);
            }
        }
        lastReadAt = now;
    }

    /** Stops the timer and takes a last reading. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        readSafely();
    }
}
