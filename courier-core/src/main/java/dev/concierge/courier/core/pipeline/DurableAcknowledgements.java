package dev.concierge.courier.core.pipeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Push sources' acknowledgements waiting for the sinks: each waits for a ring position (the
 * {@link dev.concierge.courier.core.ring.SampleRing#published()} value read after its samples were
 * published) and completes once every running sink worker's durable position has reached it, that is, once
 * every sink has taken those samples from the ring into its backlog (or passed over them, not being routed
 * them) and synced the backlog.
 *
 * <p>The pull path pays one volatile read per turn of a sink's loop ({@link #waiting()}): a worker syncs for an
 * acknowledgement only while one waits, and one sync covers every acknowledgement waiting at that moment
 * (group commit). A worker whose thread has failed stops moving, so what waits on it never completes here;
 * the source's own timeout answers the client.
 *
 * <p>Thread-safe: {@link #await} from sources' I/O threads, {@link #advanced} from sink threads, the rest from
 * the pipeline's lifecycle calls. Futures are completed outside the lock.
 */
final class DurableAcknowledgements {
    private record Waiting(long position, CompletableFuture<Void> done) {
    }

    private final List<SinkWorker> workers = new CopyOnWriteArrayList<>();
    // Guarded by this; ordered by position, so the ones a move completes are at the head.
    private final PriorityQueue<Waiting> queue = new PriorityQueue<>(Comparator.comparingLong(Waiting::position));
    private volatile boolean waiting;
    private boolean closed;

    /** Whether any acknowledgement waits; read by every sink worker once per turn of its loop. */
    boolean waiting() {
        return waiting;
    }

    void add(SinkWorker worker) {
        workers.add(worker);
    }

    /** A sink that leaves no longer holds anything back. */
    void remove(SinkWorker worker) {
        workers.remove(worker);
        advanced();
    }

    /**
     * A stage that completes once every sink is durable through {@code position}; each worker is woken so that
     * it takes and syncs now rather than at its next turn.
     */
    CompletableFuture<Void> await(long position) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                done.completeExceptionally(new IllegalStateException("the pipeline has stopped"));
                return done;
            }
            queue.add(new Waiting(position, done));
            waiting = true;
        }
        for (SinkWorker worker : workers) {
            worker.wakeUp();
        }
        // Every worker may already be past it (or there is none).
        advanced();
        return done;
    }

    /** Called by a worker after its durable position moved: completes what every worker is now past. */
    void advanced() {
        if (!waiting) {
            return;
        }
        long durableThrough = Long.MAX_VALUE;
        for (SinkWorker worker : workers) {
            durableThrough = Math.min(durableThrough, worker.durablePosition());
        }
        List<CompletableFuture<Void>> completed = null;
        synchronized (this) {
            Waiting head;
            while ((head = queue.peek()) != null && head.position() <= durableThrough) {
                queue.poll();
                if (completed == null) {
                    completed = new ArrayList<>();
                }
                completed.add(head.done());
            }
            waiting = !queue.isEmpty();
        }
        if (completed != null) {
            completed.forEach(done -> done.complete(null));
        }
    }

    /** Fails whatever still waits, and every later {@link #await}: the pipeline has stopped. */
    void close() {
        List<Waiting> left;
        synchronized (this) {
            closed = true;
            left = new ArrayList<>(queue);
            queue.clear();
            waiting = false;
        }
        IllegalStateException stopped = new IllegalStateException("the pipeline stopped before the samples were durable");
        left.forEach(w -> w.done().completeExceptionally(stopped));
    }
}
