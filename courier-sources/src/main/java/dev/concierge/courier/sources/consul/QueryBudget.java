package dev.concierge.courier.sources.consul;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket for one watch loop: a burst of {@value #BURST} queries, refilled at one per period. Consul's
 * blocking-query guidance asks for such a limit so that a service whose data churns is polled about once a
 * period instead of in a tight loop (blocking.mdx, "rate limit"); quiet services never notice it.
 *
 * <p>Not thread-safe: used by the loop's own thread only.
 */
final class QueryBudget {
    static final int BURST = 2;

    private final long periodNanos;
    private final LongSupplier nanoTime;
    private double tokens = BURST;
    private long refilledAt;

    QueryBudget(long periodNanos, LongSupplier nanoTime) {
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("periodNanos: " + periodNanos + " (expected: > 0)");
        }
        this.periodNanos = periodNanos;
        this.nanoTime = nanoTime;
        this.refilledAt = nanoTime.getAsLong();
    }

    /**
     * Takes one token, waiting for it if need be.
     *
     * @param closed counted down when the loop must stop; waiting ends early then
     * @return false if the loop was closed or interrupted while waiting (the interrupt flag is restored)
     */
    boolean acquire(CountDownLatch closed) {
        while (true) {
            long wait = tryAcquire();
            if (wait == 0) {
                return true;
            }
            try {
                if (closed.await(wait, TimeUnit.NANOSECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Takes a token and returns 0, or returns the nanoseconds until one is available. */
    long tryAcquire() {
        long now = nanoTime.getAsLong();
        tokens = Math.min(BURST, tokens + (double) (now - refilledAt) / periodNanos);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) ((1 - tokens) * periodNanos));
    }
}
