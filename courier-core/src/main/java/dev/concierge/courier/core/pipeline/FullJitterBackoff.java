package dev.concierge.courier.core.pipeline;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: the delay after {@code n} failures is uniformly random in
 * {@code [0, min(max, initial * multiplier^(n-1))]}. Full jitter spreads the retries of many couriers that
 * lost the same destination at the same moment (the AWS architecture blog's "Exponential Backoff And
 * Jitter" measured it as the variant with the least total work). There is no cap on the number of
 * attempts: the backlog budget, not a timer, decides when data is given up.
 */
public final class FullJitterBackoff implements Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private final double multiplier;
    private final DoubleSupplier random;

    private FullJitterBackoff(Duration initial, Duration max, double multiplier, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial: " + initial + " (expected: > 0)");
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= initial " + initial + ")");
        }
        if (!(multiplier >= 1.0)) {
            throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: >= 1.0)");
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.multiplier = multiplier;
        this.random = random;
    }

    public static FullJitterBackoff of(Duration initial, Duration max, double multiplier) {
        return new FullJitterBackoff(initial, max, multiplier, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** For tests: {@code random} supplies values in [0, 1). */
    static FullJitterBackoff of(Duration initial, Duration max, double multiplier, DoubleSupplier random) {
        return new FullJitterBackoff(initial, max, multiplier, random);
    }

    /** The delay before jitter: {@code min(max, initial * multiplier^(failures-1))}. */
    public Duration ceilingAfter(int failures) {
        double ceiling = initialNanos * Math.pow(multiplier, Math.max(0, failures - 1));
        return Duration.ofNanos((long) Math.min(maxNanos, ceiling));
    }

    @Override
    public Duration delayAfter(int failures) {
        return Duration.ofNanos((long) (ceilingAfter(failures).toNanos() * random.getAsDouble()));
    }

    /** Equal settings are equal backoffs, whatever their source of randomness. */
    @Override
    public boolean equals(Object o) {
        return o instanceof FullJitterBackoff other && initialNanos == other.initialNanos
                && maxNanos == other.maxNanos && Double.compare(multiplier, other.multiplier) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initialNanos, maxNanos, multiplier);
    }

    @Override
    public String toString() {
        return "FullJitterBackoff[initial=" + Duration.ofNanos(initialNanos) + ", max=" + Duration.ofNanos(maxNanos)
                + ", multiplier=" + multiplier + "]";
    }
}
