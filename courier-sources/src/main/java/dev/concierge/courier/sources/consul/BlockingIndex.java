package dev.concierge.courier.sources.consul;

/**
 * The {@code index} a blocking query sends next, following Consul's rules (blocking.mdx, PROTOCOLS.md §6.2).
 * Indexes are unsigned 64-bit values and are compared as such.
 *
 * <ul>
 *   <li>The first query sends no index and returns at once.</li>
 *   <li>A response's {@code X-Consul-Index} is sent back with the next query, which then blocks.</li>
 *   <li>An index lower than the previous one (snapshot restore, upgrade) resets to "no index": the next
 *       query returns at once with fresh data, and that response, not the one that went backwards, is
 *       used.</li>
 *   <li>An index of 0 is sent as 1, since {@code index=0} never blocks and would make a busy loop.</li>
 *   <li>A response without the header (a proxy that drops it) is treated like index 0.</li>
 *   <li>After a failed query the next one sends no index: it returns at once, so the answer after an outage
 *       is not held for a whole {@code wait}.</li>
 * </ul>
 *
 * <p>Not thread-safe: one instance per watch loop.
 */
final class BlockingIndex {
    /** What a response's index meant. */
    enum Step {
        /** The data may have changed (or the wait expired); use the response. */
        ADVANCED,
        /** The index went backwards; the response was discarded and the next query starts over. */
        RESET
    }

    /** Sent as "no index". */
    static final long NONE = -1;

    private long last = NONE;

    /** The index for the next query, or {@link #NONE} to send none. */
    long next() {
        return last;
    }

    /** Records a successful response's {@code X-Consul-Index}; null when the header was missing. */
    /**
     * A query failed (agent away, timeout, error answer): the next one sends no index, so it answers at once
     * with the agent's current data instead of being held for up to a whole {@code wait} on an index the
     * agent may have left behind (a restarted agent, a restored snapshot).
     */
    void failed() {
        last = NONE;
    }

    Step accept(Long responseIndex) {
        long index = responseIndex == null ? 0 : responseIndex;
        if (last != NONE && Long.compareUnsigned(index, last) < 0) {
            last = NONE;
            return Step.RESET;
        }
        last = index == 0 ? 1 : index;
        return Step.ADVANCED;
    }
}
