package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.ring.SampleRing;
import dev.concierge.courier.core.spi.Emitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Publishes one source's samples into the ring and counts what the ring refused. */
final class RingEmitter implements Emitter {
    private static final Logger log = LoggerFactory.getLogger(RingEmitter.class);

    private final String source;
    private final SampleRing ring;
    private final SourceStats stats;

    RingEmitter(String source, SampleRing ring, SourceStats stats) {
        this.source = source;
        this.ring = ring;
        this.stats = stats;
    }

    @Override
    public boolean offer(Sample sample) {
        if (ring.tryPublish(sample)) {
            stats.accepted.incrementAndGet();
            return true;
        }
        // Warn once per source, then debug: a full ring refuses thousands of samples in a row.
        if (stats.refused.getAndIncrement() == 0) {
            log.warn("source {}: ring full ({} of {} bytes in use), dropping samples; see the refused count",
                    source, ring.bytesInUse(), ring.byteCapacity());
        } else {
            log.debug("source {}: ring full, dropped {}", source, sample.qualifiedName());
        }
        return false;
    }
}
