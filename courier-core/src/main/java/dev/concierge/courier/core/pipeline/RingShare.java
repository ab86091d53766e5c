package dev.concierge.courier.core.pipeline;

/**
 * How much of the ring one collect may take: at most {@code slots} samples and {@code bytes} estimated bytes.
 * Beyond it the collect's samples are refused and counted as the ring refuses them, so that one source
 * flooding leaves the others room for what they publish.
 *
 * <p>A source alone on the ring takes all of it ({@link #WHOLE}: the sinks may drain it while it publishes).
 * Beside others, a collect takes the ring less what the other sources offered in their last collect, and each
 * of them is kept at least a {@value #FLOOR_DIVISOR}th of an equal share, so one that has not collected yet
 * still finds room; however much the others need, a collect may take its equal share.
 */
record RingShare(long slots, long bytes) {
    /** No limit beyond the ring's own. */
    static final RingShare WHOLE = new RingShare(Long.MAX_VALUE, Long.MAX_VALUE);
    static final int FLOOR_DIVISOR = 8;

    /**
     * The share of a collect on a ring of {@code ringSlots} and {@code ringBytes} among {@code sources}
     * sources, the others of which offered {@code othersSlots} and {@code othersBytes} in their last
     * collect, each other source counted at least at its floor (see the class).
     */
    static RingShare of(int ringSlots, long ringBytes, int sources, long[] othersSlots, long[] othersBytes) {
        if (sources <= 1) {
            return WHOLE;
        }
        return new RingShare(share(ringSlots, sources, othersSlots), share(ringBytes, sources, othersBytes));
    }

    private static long share(long capacity, int sources, long[] others) {
        long floor = Math.max(1, capacity / ((long) FLOOR_DIVISOR * sources));
        long reserved = 0;
        for (long need : others) {
            reserved += Math.min(capacity - reserved, Math.max(floor, need));
        }
        return Math.max(capacity / sources, capacity - reserved);
    }
}
