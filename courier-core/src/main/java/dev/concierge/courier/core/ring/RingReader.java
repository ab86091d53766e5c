package dev.concierge.courier.core.ring;

import dev.concierge.courier.core.model.Sample;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One consumer's cursor into a {@link SampleRing}. Used by one thread at a time (the owner): only
 * {@link #wakeUp()}, {@link #lag()} and {@link #name()} may be called from other threads.
 */
public interface RingReader extends AutoCloseable {

    String name();

    /**
     * Hands up to {@code max} waiting samples to {@code into}, oldest first in publication order, and
     * releases their space. Samples of one producer thread arrive in the order that thread published them.
     * Never blocks.
     *
     * <p>If {@code into} throws, the sample it was given counts as handed over (a poison sample cannot
     * wedge the reader), the space of everything handed over so far is released and the exception
     * propagates.
     *
     * @param max at least 0
     * @return how many were handed over; 0 when none was waiting or the reader is closed
     */
    int drainTo(Consumer<Sample> into, int max);

    /**
     * Waits until a sample is waiting, the timeout passes, or {@link #wakeUp()} is called. Parks the thread
     * rather than spinning. Returns at once when a sample is already waiting.
     *
     * @return true when a sample is waiting; false on timeout, on {@link #wakeUp()} with nothing waiting,
     *     or when the reader is closed
     * @throws InterruptedException if the thread is interrupted before or while waiting
     */
    boolean awaitAvailable(long timeout, TimeUnit unit) throws InterruptedException;

    /**
     * Makes the owner's {@link #awaitAvailable} return now (e.g. a delivery completed). Called from any
     * thread. When the owner is not waiting, its next {@link #awaitAvailable} returns at once; several
     * wake-ups before that merge into one.
     */
    void wakeUp();

    /**
     * Samples published (or being published) but not yet drained by this reader; 0 once closed. Called from
     * any thread; a snapshot, stale as soon as it returns.
     */
    long lag();

    /**
     * The sequence of the next sample this reader will hand over: every sample with a lower
     * {@link SampleRing#published()} position has been handed over (or was published before the reader was
     * registered). Called by the owner; any other thread sees a value that is at most stale.
     */
    long position();

    /** Stops this reader from holding ring space. Idempotent; the reader hands nothing over afterwards. */
    @Override
    void close();
}
