package dev.concierge.courier.core.ring;

import dev.concierge.courier.core.model.Sample;

/**
 * The bounded ring that every source publishes into and every sink reads from with a cursor of its own.
 *
 * <p>Any number of threads may call {@link #tryPublish} at once; it never blocks and never allocates.
 * The ring is bounded both by slots and by {@link Sample#estimatedBytes() bytes}: when either is exhausted
 * the sample is refused and counted in {@link #refused()}.
 */
public interface SampleRing {

    /**
     * Publishes one sample to every reader. Never blocks.
     *
     * @return false when the ring is full (slots or bytes); the sample was not published
     */
    boolean tryPublish(Sample sample);

    /**
     * Registers a reader that sees every sample published after this call. Each reader must be drained
     * from one thread at a time. A reader that stops draining holds ring space until it is
     * {@link RingReader#close() closed}.
     */
    RingReader newReader(String name);

    /** Samples refused because the ring was full, since creation. */
    long refused();

    /** Estimated bytes held by samples that some reader has not yet consumed. */
    long bytesInUse();

    /** The byte budget given at construction. */
    long byteCapacity();
}
