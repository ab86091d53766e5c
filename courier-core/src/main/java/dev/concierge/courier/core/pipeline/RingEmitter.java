package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.ring.SampleRing;
import dev.concierge.courier.core.spi.Emitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one source's samples into the ring, after the source's processing rules, and counts what the ring
 * refused. A sample the rules drop is not offered to the ring; it is counted by the processor, by reason, and is
 * neither accepted nor refused.
 */
final class RingEmitter implements Emitter {
    private static final Logger log = LoggerFactory.getLogger(RingEmitter.class);

    private final String source;
    private final SampleRing ring;
    private final SourceStats stats;
    // Null without rules, so that the common case costs one null check.
    private final SampleProcessor processor;

    RingEmitter(String source, SampleRing ring, SourceStats stats, SampleProcessor processor) {
        this.source = source;
        this.ring = ring;
        this.stats = stats;
        this.processor = processor.isEmpty() ? null : processor;
    }

    /** Returns true for a sample the rules drop: it was taken care of, and the ring was not full. */
    @Override
    public boolean offer(Sample offered) {
        Sample sample = offered;
        if (processor != null && (sample = processor.apply(offered)) == null) {
            return true;
        }
        if (ring.tryPublish(sample)) {
            stats.accepted.incrementAndGet();
            return true;
        }
        stats.refused.incrementAndGet();
        // A full ring refuses thousands of samples in a row: the scheduler warns once per collect at most, with
        // the collect's counts (RingRefusalWarnings); each sample only at trace.
        if (log.isTraceEnabled()) {
            log.trace("source {}: ring full, dropped {}", source, sample.qualifiedName());
        }
        return false;
    }
}
