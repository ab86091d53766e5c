package dev.concierge.courier.core.ring;

import dev.concierge.courier.core.model.Sample;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** One consumer's cursor into a {@link SampleRing}. Used by one thread at a time. */
public interface RingReader extends AutoCloseable {

    String name();

    /**
     * Hands up to {@code max} waiting samples to {@code into}, oldest first, and releases their space.
     *
     * @return how many were handed over; 0 when none was waiting
     */
    int drainTo(Consumer<Sample> into, int max);

    /**
     * Waits until a sample is waiting, the timeout passes, or {@link #wakeUp()} is called.
     *
     * @return true when a sample is waiting
     */
    boolean awaitAvailable(long timeout, TimeUnit unit) throws InterruptedException;

    /** Makes a thread blocked in {@link #awaitAvailable} return now (e.g. a delivery completed). */
    void wakeUp();

    /** Samples published but not yet drained by this reader. */
    long lag();

    /** Stops this reader from holding ring space. */
    @Override
    void close();
}
