package dev.concierge.courier.core.pipeline;

/**
 * A monotonic clock in nanoseconds, read for intervals (backoff, deadlines, warning rates), beside the
 * {@link java.time.Clock} that stamps records with the time of day. Only the difference between two
 * readings means anything, as with {@link System#nanoTime()}; compare readings as {@code a - b < 0}, never
 * {@code a < b}, so that a wrap-around does no harm.
 *
 * <p>Implementations are thread-safe. Tests substitute one they advance by hand, so that backoff and rate
 * limits are tested without waiting for real time.
 */
@FunctionalInterface
public interface NanoClock {
    /** {@link System#nanoTime()}. */
    NanoClock SYSTEM = System::nanoTime;

    /** The current reading, in nanoseconds from an arbitrary origin. */
    long nanoTime();
}
