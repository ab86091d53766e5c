package dev.concierge.courier.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.model.Sample;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MultiProducerBroadcastRingTest extends SampleRingContractTest {

    @Override
    protected SampleRing newRing(int slots, long byteCapacity) {
        return MultiProducerBroadcastRing.create(slots, byteCapacity);
    }

    @Test
    void rejectsASlotCountThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> MultiProducerBroadcastRing.create(1000, ROOMY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots: 1000 (expected: a power of two)");
        assertThatThrownBy(() -> MultiProducerBroadcastRing.create(0, ROOMY))
                .hasMessage("slots: 0 (expected: a power of two)");
        assertThatThrownBy(() -> MultiProducerBroadcastRing.create(Integer.MIN_VALUE, ROOMY))
                .hasMessage("slots: -2147483648 (expected: a power of two)");
    }

    @Test
    void rejectsAByteBudgetThatIsNotPositive() {
        assertThatThrownBy(() -> MultiProducerBroadcastRing.create(8, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("byteCapacity: 0 (expected: > 0)");
    }

    @Test
    void reportsTheSizeItWasGiven() {
        MultiProducerBroadcastRing ring = MultiProducerBroadcastRing.create(1, 4096);

        assertThat(ring.slots()).isEqualTo(1);
        assertThat(ring.byteCapacity()).isEqualTo(4096);
    }

    @ParameterizedTest
    @ValueSource(longs = {(1L << 31) - 5, (1L << 32) - 5, (1L << 33) - 5})
    void keepsOrderAndAccountsSpaceWhereTheSequencesLow32BitsWrap(long firstSequence) {
        MultiProducerBroadcastRing ring = MultiProducerBroadcastRing.startingAt(4, 4L * bytesOfOne(),
                firstSequence);
        RingReader fast = ring.newReader("fast");
        RingReader slow = ring.newReader("slow");
        List<Long> fastSeen = new ArrayList<>();
        List<Long> slowSeen = new ArrayList<>();

        for (long value = 0; value < 12; value += 3) {
            publish(ring, value, value + 1, value + 2);
            assertThat(fast.lag()).isEqualTo(3);
            fastSeen.addAll(drainAll(fast));
            assertThat(ring.tryPublish(sample(-1))).isTrue();
            assertThat(ring.tryPublish(sample(-1))).as("4 slots, 4 held by the slow reader").isFalse();
            slowSeen.addAll(drainAll(slow));
            drainAll(fast);
            assertThat(ring.bytesInUse()).isZero();
        }
        RingReader late = ring.newReader("late");
        publish(ring, 12);

        assertThat(fastSeen).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(slowSeen).containsExactly(0L, 1L, 2L, -1L, 3L, 4L, 5L, -1L, 6L, 7L, 8L, -1L, 9L, 10L, 11L, -1L);
        assertThat(late.lag()).isEqualTo(1);
        assertThat(drainAll(late)).containsExactly(12L);
        assertThat(ring.refused()).isEqualTo(4);
    }

    @Test
    void countsABudgetAbove4GiBInWholeUnits() {
        long budget = 3L << 32; // 12 GiB: 2 bits too wide for the 32-bit count, so units of 4 bytes
        MultiProducerBroadcastRing ring = MultiProducerBroadcastRing.create(8, budget);
        RingReader reader = ring.newReader("r");
        Sample sample = sample(1);

        ring.tryPublish(sample);

        assertThat(ring.byteCapacity()).isEqualTo(budget);
        assertThat(ring.bytesInUse()).isEqualTo((sample.estimatedBytes() + 3) / 4 * 4);
        drainAll(reader);
        assertThat(ring.bytesInUse()).isZero();
    }

    @Test
    void stopsHoldingASampleOnceItsOnlyReaderHasReadIt() {
        MultiProducerBroadcastRing ring = MultiProducerBroadcastRing.create(8, ROOMY);
        RingReader reader = ring.newReader("r");
        WeakReference<Sample> published = publishUnreferenced(ring);

        assertThat(drainAll(reader)).hasSize(1);

        awaitCollected(published);
    }

    @Test
    void stopsHoldingASampleOnceEveryReaderHasReadIt() {
        MultiProducerBroadcastRing ring = MultiProducerBroadcastRing.create(8, ROOMY);
        RingReader first = ring.newReader("first");
        RingReader second = ring.newReader("second");
        WeakReference<Sample> published = publishUnreferenced(ring);

        assertThat(drainAll(first)).hasSize(1);
        System.gc();
        assertThat(published.get()).as("the second reader has not read it yet").isNotNull();
        assertThat(drainAll(second)).hasSize(1);

        awaitCollected(published);
    }

    // The only strong reference to the sample stays in the ring.
    private static WeakReference<Sample> publishUnreferenced(SampleRing ring) {
        Sample sample = sample(7);
        assertThat(ring.tryPublish(sample)).isTrue();
        return new WeakReference<>(sample);
    }

    private static void awaitCollected(WeakReference<Sample> reference) {
        await().atMost(PATIENCE).until(() -> {
            System.gc();
            return reference.get() == null;
        });
    }

    @Nested
    class UnderContention extends SampleRingContentionTest {
        @Override
        protected SampleRing newRing(int slots, long byteCapacity) {
            return MultiProducerBroadcastRing.create(slots, byteCapacity);
        }
    }
}
