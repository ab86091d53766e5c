package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.ring.RingReader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where collects begin and end, so that a sink sends what one collect published in one request rather than
 * the first sample alone: a sink holds its partial batches while a collect is publishing into the ring, and
 * every sink is woken when one ends. There is no time window: a sink never waits for a collect that has not
 * started publishing, and a full batch always goes.
 *
 * <p>A collect counts from its first sample offered (fetching and parsing hold nothing back) to the end of its
 * {@code collect} call. Thread-safe: {@link #publishing()} and {@link #collectEnded()} are called by collect
 * threads, {@link #quiet()} and {@link #unchangedSince} by sink threads.
 */
final class CollectBoundaries {
    // Both only grow, and ended never passes started. A sink reads ended before started: when the two are
    // equal, no collect was publishing at the moment started was read.
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong ended = new AtomicLong();
    private final CopyOnWriteArrayList<RingReader> readers = new CopyOnWriteArrayList<>();

    /** A collect offered its first sample. */
    void publishing() {
        started.incrementAndGet();
    }

    /** A collect that had offered samples returned: everything it published is in the ring. Wakes every sink. */
    void collectEnded() {
        ended.incrementAndGet();
        readers.forEach(RingReader::wakeUp);
    }

    /**
     * A mark to pass to {@link #unchangedSince}: non-negative when no collect was publishing as it was read,
     * so that every sample published before it is in the ring; -1 while one is.
     */
    long quiet() {
        long endedBefore = ended.get();
        long startedNow = started.get();
        return startedNow == endedBefore ? startedNow : -1;
    }

    /** Whether no collect has started publishing since {@code mark} was read, a mark of -1 never. */
    boolean unchangedSince(long mark) {
        return mark >= 0 && started.get() == mark;
    }

    /** Wakes {@code reader}'s owner whenever a collect ends. */
    void wakeOnCollectEnd(RingReader reader) {
        readers.add(reader);
    }

    void forget(RingReader reader) {
        readers.remove(reader);
    }
}
