package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.ring.SampleRing;
import dev.concierge.courier.core.spi.AcknowledgingEmitter;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A push source's emitter: its samples go through the source's {@link RingEmitter} (rules, counts, drop
 * warnings), and the receipt waits on {@link DurableAcknowledgements} for the ring position read after them.
 */
final class AcknowledgingRingEmitter implements AcknowledgingEmitter {
    private static final CompletableFuture<Void> NOTHING_TO_WAIT_FOR = CompletableFuture.completedFuture(null);

    private final RingEmitter emitter;
    private final SampleRing ring;
    private final DurableAcknowledgements acknowledgements;

    AcknowledgingRingEmitter(RingEmitter emitter, SampleRing ring, DurableAcknowledgements acknowledgements) {
        this.emitter = emitter;
        this.ring = ring;
        this.acknowledgements = acknowledgements;
    }

    @Override
    public Receipt offerAll(List<Sample> samples) {
        int accepted = 0;
        for (Sample sample : samples) {
            if (emitter.offer(sample)) {
                accepted++;
            }
        }
        emitter.endPublishing();
        int refused = samples.size() - accepted;
        if (accepted == 0) {
            return new Receipt(0, refused, NOTHING_TO_WAIT_FOR);
        }
        // Read after this thread's publishes returned, so it lies past every one of them.
        return new Receipt(accepted, refused, acknowledgements.await(ring.published()));
    }
}
