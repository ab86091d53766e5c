package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.ring.RingReader;
import dev.concierge.courier.core.testing.Samples;
import org.junit.jupiter.api.Test;

/** A source that floods the ring in one collect leaves the others room for theirs. */
class RingShareTest {
    private static final int SLOTS = 1024;

    private final MultiProducerBroadcastRing ring = MultiProducerBroadcastRing.create(SLOTS, 1 << 30);
    // A sink that is slow to drain: nothing leaves the ring during the test.
    private final RingReader slowSink = ring.newReader("slow");
    private final CollectBoundaries boundaries = new CollectBoundaries();
    private final SourceStats floodStats = new SourceStats();
    private final SourceStats quietStats = new SourceStats();
    private final RingEmitter flood = emitter("flood", floodStats);
    private final RingEmitter quiet = emitter("quiet", quietStats);

    private RingEmitter emitter(String name, SourceStats stats) {
        return new RingEmitter(name, ring, stats, SampleProcessor.none(), boundaries);
    }

    private static void collect(RingEmitter emitter, RingShare share, int samples) {
        emitter.beginCollect(share);
        for (Sample sample : Samples.counters("s", samples)) {
            emitter.offer(sample);
        }
        emitter.endCollect();
    }

    @Test
    void aFloodingSourceCannotTakeTheRoomTheOtherSourcesLastCollectNeeded() {
        collect(quiet, RingShare.of(SLOTS, ring.byteCapacity(), 2, new long[] {0}, new long[] {0}), 100);
        slowSink.drainTo(sample -> { }, 100);

        collect(flood, RingShare.of(SLOTS, ring.byteCapacity(), 2, new long[] {quiet.lastOfferedSlots()},
                new long[] {quiet.lastOfferedBytes()}), 10 * SLOTS);
        collect(quiet, RingShare.of(SLOTS, ring.byteCapacity(), 2, new long[] {flood.lastOfferedSlots()},
                new long[] {flood.lastOfferedBytes()}), 100);

        assertThat(floodStats.accepted()).isEqualTo(SLOTS - 100);
        assertThat(floodStats.refused()).isEqualTo(10 * SLOTS - (SLOTS - 100));
        assertThat(quietStats.refused()).isZero();
        assertThat(quietStats.accepted()).isEqualTo(200);
    }

    @Test
    void aSourceThatHasNotCollectedYetIsKeptItsFloor() {
        RingShare share = RingShare.of(SLOTS, 1 << 20, 2, new long[] {0}, new long[] {0});

        assertThat(share.slots()).isEqualTo(SLOTS - SLOTS / (RingShare.FLOOR_DIVISOR * 2));
        assertThat(share.bytes()).isEqualTo((1 << 20) - (1 << 20) / (RingShare.FLOOR_DIVISOR * 2));
    }

    @Test
    void aSourceAloneTakesTheWholeRingAndOneAmongGreedyOthersItsEqualShare() {
        assertThat(RingShare.of(SLOTS, 1 << 20, 1, new long[0], new long[0])).isEqualTo(RingShare.WHOLE);
        RingShare crowded = RingShare.of(SLOTS, 1 << 20, 4, new long[] {SLOTS, SLOTS, SLOTS},
                new long[] {1 << 20, 1 << 20, 1 << 20});
        assertThat(crowded.slots()).isEqualTo(SLOTS / 4);
        assertThat(crowded.bytes()).isEqualTo((1 << 20) / 4);
    }
}
