package dev.concierge.courier.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

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

    @Nested
    class UnderContention extends SampleRingContentionTest {
        @Override
        protected SampleRing newRing(int slots, long byteCapacity) {
            return MultiProducerBroadcastRing.create(slots, byteCapacity);
        }
    }
}
