package dev.concierge.courier.core.ring;

import dev.concierge.courier.core.model.Sample;

/**
 * The bounded ring that every source publishes into and every sink reads from with a cursor of its own.
 *
 * <p>Any number of threads may call {@link #tryPublish} at once; it never blocks and never allocates.
 * The ring is bounded both by slots and by {@link Sample#estimatedBytes() bytes}: when either is exhausted
 * the sample is refused and counted in {@link #refused()}. Space is given back once every open reader has
 * drained past it, so the slowest open reader decides how much the ring can take.
 *
 * <p>{@link #refused()}, {@link #bytesInUse()} and {@link #byteCapacity()} may be called from any thread.
 */
public interface SampleRing {

    /**
     * Publishes one sample to every open reader. Never blocks, never throws on a full ring. With no open
     * reader the sample goes to nobody and its space is given back at once.
     *
     * @param sample not null; the ring keeps a reference to it, never a copy
     * @return false when the ring is full (slots or bytes); the sample was not published and was counted
     *     in {@link #refused()}
     */
    boolean tryPublish(Sample sample);

    /**
     * Registers a reader that sees every sample whose {@link #tryPublish} begins after this call returns
     * (a publish racing with the registration may or may not be seen, never seen in part). Each reader
     * must be drained from one thread at a time. A reader that stops draining holds ring space until it
     * is {@link RingReader#close() closed}. May allocate and may be called from any thread.
     */
    RingReader newReader(String name);

    /**
     * The sequence the next publish will claim: every sample whose {@link #tryPublish} returned true before
     * this call has a lower one. Compared with {@link RingReader#position()}, it tells when a reader has
     * taken everything published so far (push sources wait on it for their acknowledgements). Any thread.
     */
    long published();

    /** Samples refused because the ring was full, since creation. */
    long refused();

    /**
     * Estimated bytes held by samples that some reader has not yet consumed; a publish in progress may
     * already be counted. Never more than {@link #byteCapacity()}.
     */
    long bytesInUse();

    /** The byte budget given at construction. */
    long byteCapacity();

    /** The number of slots given at construction: the most samples the ring holds at once. */
    int slots();
}
