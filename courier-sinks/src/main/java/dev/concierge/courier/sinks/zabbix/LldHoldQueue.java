package dev.concierge.courier.sinks.zabbix;

import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames of values for new series that Zabbix counted as failed because it has no item for them yet
 * (FIELD-NOTES.md pitfall 1): the items exist once the LLD value is processed and the server's
 * configuration cache has synced, up to {@code CacheUpdateFrequency} later.
 *
 * <p>This is the one place a Zabbix sink sends rows again by itself, and it is a delayed first delivery,
 * not a retry of a transport failure: the rows were answered, just too early. A held frame is resent
 * whole, 2 s after the failure, then at doubling gaps of at most 30 s, until every row is processed or
 * {@code hold} has passed; its last answer is its result. A row that was processed earlier is processed
 * again as a duplicate with the same {@code clock} and {@code ns}, which the history table's key drops.
 * The batch the frame belongs to completes only with that result, so the pipeline still settles and
 * records every row by the outcome the sink returns.
 *
 * <p>Bounded in time ({@code hold}) and memory ({@code hold_max_size}, counted from the rows' text): a frame
 * that does not fit is settled at once with its first answer, as before discovery. Threads: frames are
 * held from the sink's event loop and resent on it; counters may be read from any thread.
 */
final class LldHoldQueue {
    private static final Logger LOG = LoggerFactory.getLogger(LldHoldQueue.class);
    static final Duration FIRST_GAP = Duration.ofSeconds(2);
    static final Duration MAX_GAP = Duration.ofSeconds(30);

    private final String sink;
    private final Duration hold;
    private final long maxBytes;
    private final Function<List<Row>, CompletableFuture<ZabbixFrameResult>> exchange;
    private final ScheduledExecutorService scheduler;

    private final Set<Held> held = new LinkedHashSet<>(); // guarded by itself
    private long heldBytes; // guarded by held
    private boolean closed; // guarded by held

    private final AtomicLong framesHeld = new AtomicLong();
    private final AtomicLong rowsResent = new AtomicLong();
    private final AtomicLong rowsAcceptedLate = new AtomicLong();
    private final AtomicLong rowsRefusedAfterHold = new AtomicLong();
    private final AtomicLong framesOverflowed = new AtomicLong();

    private static final class Held {
        final List<Row> frame;
        final long bytes;
        final long deadlineNanos;
        final CompletableFuture<ZabbixFrameResult> result = new CompletableFuture<>();
        final int firstFailed;
        ZabbixFrameResult last;
        int resends;

        Held(List<Row> frame, long bytes, long deadlineNanos, ZabbixFrameResult first) {
            this.frame = frame;
            this.bytes = bytes;
            this.deadlineNanos = deadlineNanos;
            this.last = first;
            this.firstFailed = first.failed();
        }
    }

    LldHoldQueue(String sink, Duration hold, long maxBytes,
                 Function<List<Row>, CompletableFuture<ZabbixFrameResult>> exchange,
                 ScheduledExecutorService scheduler) {
        this.sink = sink;
        this.hold = hold;
        this.maxBytes = maxBytes;
        this.exchange = exchange;
        this.scheduler = scheduler;
    }

    /**
     * Holds {@code frame}, which got {@code first} (processed, some rows failed), and returns its final
     * result: the last answer within {@code hold}.
     */
    CompletableFuture<ZabbixFrameResult> hold(List<Row> frame, ZabbixFrameResult first) {
        long bytes = bytesOf(frame);
        Held h = new Held(frame, bytes, System.nanoTime() + hold.toNanos(), first);
        synchronized (held) {
            if (closed || heldBytes + bytes > maxBytes) {
                framesOverflowed.incrementAndGet();
                LOG.warn("Zabbix sink {}: {} values for new series failed and the hold is full ({} of {} bytes): "
                        + "settled as rejected without waiting for discovery", sink, first.failed(), heldBytes,
                        maxBytes);
                return CompletableFuture.completedFuture(first);
            }
            heldBytes += bytes;
            held.add(h);
        }
        framesHeld.incrementAndGet();
        LOG.debug("Zabbix sink {}: holding {} values for new series ({} failed) until discovery settles, at most {}",
                sink, frame.size(), first.failed(), hold);
        schedule(h);
        return h.result;
    }

    /** Frames held since the sink started. */
    long framesHeld() {
        return framesHeld.get();
    }

    /** Rows sent again from the hold, counting each resend. */
    long rowsResent() {
        return rowsResent.get();
    }

    /** Rows that failed at first and were processed from the hold. */
    long rowsAcceptedLate() {
        return rowsAcceptedLate.get();
    }

    /** Rows still failed when their hold ran out. */
    long rowsRefusedAfterHold() {
        return rowsRefusedAfterHold.get();
    }

    /** Frames settled at once because the hold was full. */
    long framesOverflowed() {
        return framesOverflowed.get();
    }

    /** Bytes held now. */
    long heldBytes() {
        synchronized (held) {
            return heldBytes;
        }
    }

    /** Completes every held frame with its last answer; later frames are not held. */
    void close() {
        List<Held> left;
        synchronized (held) {
            closed = true;
            left = new ArrayList<>(held);
        }
        for (Held h : left) {
            finish(h);
        }
    }

    private void schedule(Held h) {
        long gap = Math.min(MAX_GAP.toNanos(), FIRST_GAP.toNanos() << Math.min(h.resends, 20));
        long remaining = h.deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            finish(h);
            return;
        }
        try {
            scheduler.schedule(() -> resend(h), Math.min(gap, remaining), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            finish(h); // the event loop is shutting down
        }
    }

    private void resend(Held h) {
        if (h.result.isDone()) {
            return;
        }
        h.resends++;
        rowsResent.addAndGet(h.frame.size());
        exchange.apply(h.frame).whenComplete((r, e) -> {
            ZabbixFrameResult answer = r != null ? r
                    : ZabbixFrameResult.retry(h.frame.size(), "resend: " + (e == null ? "no result" : e.toString()));
            synchronized (h) {
                h.last = answer;
            }
            boolean done = answer.kind() == ZabbixFrameResult.Kind.REJECTED
                    || (answer.kind() == ZabbixFrameResult.Kind.PROCESSED && answer.failed() == 0);
            if (done || System.nanoTime() - h.deadlineNanos >= 0) {
                finish(h);
            } else {
                schedule(h);
            }
        });
    }

    private void finish(Held h) {
        synchronized (held) {
            if (!held.remove(h)) {
                return;
            }
            heldBytes -= h.bytes;
        }
        ZabbixFrameResult last;
        synchronized (h) {
            last = h.last;
        }
        if (last.kind() == ZabbixFrameResult.Kind.PROCESSED) {
            rowsAcceptedLate.addAndGet(Math.max(0, h.firstFailed - last.failed()));
            rowsRefusedAfterHold.addAndGet(last.failed());
            if (last.failed() == 0) {
                LOG.debug("Zabbix sink {}: {} held values for new series processed after {} resends", sink,
                        h.frame.size(), h.resends);
            } else {
                LOG.warn("Zabbix sink {}: {} of {} values for new series still failed after holding them for {} "
                                + "({} resends): settled as rejected; check the template's item prototypes", sink,
                        last.failed(), h.frame.size(), hold, h.resends);
            }
        }
        h.result.complete(last);
    }

    private static long bytesOf(List<Row> frame) {
        long bytes = 64;
        for (Row row : frame) {
            bytes += 64 + row.host().length() + row.key().length() + row.value().length();
        }
        return bytes;
    }
}
