package dev.concierge.courier.core.spi;

import dev.concierge.courier.core.model.Sample;

/** Where a source puts what it collected. */
public interface Emitter {
    /**
     * Hands one sample to the pipeline. Never blocks.
     *
     * @return false when the ring was full: the sample was dropped and counted against the source
     */
    boolean offer(Sample sample);
}
