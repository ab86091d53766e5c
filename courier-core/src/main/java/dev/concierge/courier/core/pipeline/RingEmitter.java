package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.ring.SampleRing;
import dev.concierge.courier.core.spi.Emitter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one source's samples into the ring, after the source's processing rules, and counts what the ring
 * refused. A sample the rules drop is not offered to the ring; it is counted by the processor, by reason, and is
 * neither accepted nor refused.
 *
 * <p>Each collect is bracketed by {@link #beginCollect} and {@link #endCollect}, on the scheduler's collect
 * thread: the first sample offered tells the {@link CollectBoundaries} a collect is publishing, the end tells
 * them it is over; and a collect takes at most its {@link RingShare share} of the ring, so that one source
 * flooding cannot refuse the others their room. What the share refuses is counted as refused, like a full ring.
 */
final class RingEmitter implements Emitter {
    private static final Logger log = LoggerFactory.getLogger(RingEmitter.class);

    private final String source;
    private final SampleRing ring;
    private final SourceStats stats;
    // Null without rules, so that the common case costs one null check.
    private final SampleProcessor processor;
    private final CollectBoundaries boundaries;
    private final AtomicBoolean publishing = new AtomicBoolean();
    // This collect's share, and what it has taken of it so far (a source may offer from several threads).
    private volatile RingShare share = RingShare.WHOLE;
    private final AtomicLong takenBytes = new AtomicLong();
    private final AtomicLong takenSlots = new AtomicLong();
    private final AtomicLong offeredSlots = new AtomicLong();
    private final AtomicLong offeredBytes = new AtomicLong();
    // What the last complete collect offered, which the other sources' shares keep room for.
    private volatile long lastOfferedBytes;
    private volatile long lastOfferedSlots;

    RingEmitter(String source, SampleRing ring, SourceStats stats, SampleProcessor processor,
                CollectBoundaries boundaries) {
        this.source = source;
        this.ring = ring;
        this.stats = stats;
        this.processor = processor.isEmpty() ? null : processor;
        this.boundaries = boundaries;
    }

    /** A collect begins; it may take {@code share} of the ring. */
    void beginCollect(RingShare share) {
        this.share = share;
        takenBytes.set(0);
        takenSlots.set(0);
        offeredBytes.set(0);
        offeredSlots.set(0);
        publishing.set(false);
    }

    /** The collect that {@link #beginCollect} began has returned: what it published is all in the ring. */
    void endCollect() {
        lastOfferedBytes = offeredBytes.get();
        lastOfferedSlots = offeredSlots.get();
        endPublishing();
    }

    /**
     * What was offered since the first sample is all in the ring: wakes the sinks. A push source's requests
     * end here, each one, since its {@code listen} returns before any of them.
     */
    void endPublishing() {
        if (publishing.getAndSet(false)) {
            boundaries.collectEnded();
        }
    }

    /** The bytes the last complete collect offered to the ring (accepted or refused). */
    long lastOfferedBytes() {
        return lastOfferedBytes;
    }

    /** The samples the last complete collect offered to the ring (accepted or refused). */
    long lastOfferedSlots() {
        return lastOfferedSlots;
    }

    /** Returns true for a sample the rules drop: it was taken care of, and the ring was not full. */
    @Override
    public boolean offer(Sample offered) {
        Sample sample = offered;
        if (processor != null && (sample = processor.apply(offered)) == null) {
            return true;
        }
        if (!publishing.get() && !publishing.getAndSet(true)) {
            boundaries.publishing();
        }
        int bytes = sample.estimatedBytes();
        offeredBytes.addAndGet(bytes);
        offeredSlots.incrementAndGet();
        RingShare current = share;
        boolean overShare = takenSlots.get() >= current.slots() || takenBytes.get() + bytes > current.bytes();
        if (!overShare && ring.tryPublish(sample)) {
            takenBytes.addAndGet(bytes);
            takenSlots.incrementAndGet();
            stats.accepted.incrementAndGet();
            return true;
        }
        stats.refused.incrementAndGet();
        // A full ring refuses thousands of samples in a row: the scheduler warns once per collect at most, with
        // the collect's counts (RingRefusalWarnings); each sample only at trace.
        if (log.isTraceEnabled()) {
            log.trace("source {}: {}, dropped {}", source, overShare ? "over its share of the ring" : "ring full",
                    sample.qualifiedName());
        }
        return false;
    }
}
