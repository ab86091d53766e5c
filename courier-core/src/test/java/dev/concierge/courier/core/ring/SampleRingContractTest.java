package dev.concierge.courier.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link SampleRing} promises, driven from one thread. Each implementation extends this class;
 * {@link SampleRingContentionTest} holds the same ring under many threads.
 */
abstract class SampleRingContractTest {

    static final long ROOMY = 1L << 30;
    static final Duration PATIENCE = Duration.ofSeconds(30);

    /** A ring of {@code slots} slots (a power of two) and {@code byteCapacity} bytes. */
    protected abstract SampleRing newRing(int slots, long byteCapacity);

    static Sample sample(long value) {
        return sample("p0", value);
    }

    static Sample sample(String source, long value) {
        return Sample.of("jobs.active", MetricType.GAUGE, null, SampleValue.of(value), Instant.EPOCH, "app-01",
                source);
    }

    static long valueOf(Sample sample) {
        return ((SampleValue.Integer) sample.value()).value();
    }

    static int bytesOfOne() {
        return sample(0).estimatedBytes();
    }

    static List<Long> drain(RingReader reader, int max) {
        List<Long> values = new ArrayList<>();
        reader.drainTo(s -> values.add(valueOf(s)), max);
        return values;
    }

    static List<Long> drainAll(RingReader reader) {
        return drain(reader, Integer.MAX_VALUE);
    }

    static void publish(SampleRing ring, long... values) {
        for (long value : values) {
            assertThat(ring.tryPublish(sample(value))).as("publish %d", value).isTrue();
        }
    }

    /** Runs {@code awaitAvailable} on a thread of its own and returns once that thread is parked in it. */
    static CompletableFuture<Boolean> awaitOnAnotherThread(RingReader reader) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(reader.awaitAvailable(1, TimeUnit.HOURS));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "awaiting-" + reader.name());
        thread.setDaemon(true);
        thread.start();
        await().atMost(PATIENCE).until(() -> thread.getState() == Thread.State.TIMED_WAITING || result.isDone());
        return result;
    }

    @Test
    void handsSamplesOverOldestFirst() {
        SampleRing ring = newRing(8, ROOMY);
        RingReader reader = ring.newReader("sink");

        publish(ring, 1, 2, 3, 4, 5);

        assertThat(drainAll(reader)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(drainAll(reader)).isEmpty();
    }

    @Test
    void handsOverAtMostMaxPerDrain() {
        SampleRing ring = newRing(8, ROOMY);
        RingReader reader = ring.newReader("sink");
        publish(ring, 1, 2, 3, 4, 5);

        assertThat(drain(reader, 2)).containsExactly(1L, 2L);
        assertThat(drain(reader, 0)).isEmpty();
        assertThat(drain(reader, 2)).containsExactly(3L, 4L);
        assertThat(drain(reader, 2)).containsExactly(5L);
    }

    @Test
    void keepsOrderAcrossManyLapsOfTheRing() {
        SampleRing ring = newRing(4, ROOMY);
        RingReader reader = ring.newReader("sink");
        List<Long> seen = new ArrayList<>();

        for (long i = 0; i < 1_000; i++) {
            publish(ring, i);
            if (reader.lag() == 3) {
                reader.drainTo(s -> seen.add(valueOf(s)), 2);
            }
        }
        reader.drainTo(s -> seen.add(valueOf(s)), Integer.MAX_VALUE);

        assertThat(seen).hasSize(1_000).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void refusesWhenEverySlotIsHeld() {
        SampleRing ring = newRing(4, ROOMY);
        RingReader reader = ring.newReader("sink");
        publish(ring, 1, 2, 3, 4);

        assertThat(ring.tryPublish(sample(5))).isFalse();
        assertThat(drain(reader, 1)).containsExactly(1L);
        assertThat(ring.tryPublish(sample(6))).isTrue();
        assertThat(drainAll(reader)).containsExactly(2L, 3L, 4L, 6L);
    }

    @Test
    void refusesWhenTheByteBudgetIsSpent() {
        SampleRing ring = newRing(64, 3L * bytesOfOne());
        RingReader reader = ring.newReader("sink");
        publish(ring, 1, 2, 3);

        assertThat(ring.bytesInUse()).isEqualTo(3L * bytesOfOne());
        assertThat(ring.tryPublish(sample(4))).isFalse();
        assertThat(drain(reader, 1)).containsExactly(1L);
        assertThat(ring.bytesInUse()).isEqualTo(2L * bytesOfOne());
        assertThat(ring.tryPublish(sample(5))).isTrue();
        assertThat(drainAll(reader)).containsExactly(2L, 3L, 5L);
    }

    @Test
    void refusesASampleLargerThanTheWholeBudget() {
        SampleRing ring = newRing(8, bytesOfOne() - 1);
        ring.newReader("sink");

        assertThat(ring.tryPublish(sample(1))).isFalse();
        assertThat(ring.bytesInUse()).isZero();
        assertThat(ring.byteCapacity()).isEqualTo(bytesOfOne() - 1);
    }

    @Test
    void countsEveryRefusal() {
        SampleRing ring = newRing(2, ROOMY);
        ring.newReader("sink");
        publish(ring, 1, 2);

        for (int i = 0; i < 5; i++) {
            assertThat(ring.tryPublish(sample(3 + i))).isFalse();
        }

        assertThat(ring.refused()).isEqualTo(5);
    }

    @Test
    void reclaimsSpaceOnlyAfterTheSlowestReaderPassesIt() {
        SampleRing ring = newRing(4, ROOMY);
        RingReader fast = ring.newReader("fast");
        RingReader slow = ring.newReader("slow");
        publish(ring, 1, 2, 3, 4);

        assertThat(drainAll(fast)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(ring.tryPublish(sample(5))).isFalse();
        assertThat(ring.bytesInUse()).isEqualTo(4L * bytesOfOne());

        assertThat(drain(slow, 2)).containsExactly(1L, 2L);
        assertThat(ring.bytesInUse()).isEqualTo(2L * bytesOfOne());
        publish(ring, 6, 7);
        assertThat(ring.tryPublish(sample(8))).isFalse();

        assertThat(drainAll(slow)).containsExactly(3L, 4L, 6L, 7L);
        assertThat(drainAll(fast)).containsExactly(6L, 7L);
        assertThat(ring.bytesInUse()).isZero();
    }

    @Test
    void closedReaderNoLongerHoldsSpace() {
        SampleRing ring = newRing(4, ROOMY);
        RingReader active = ring.newReader("active");
        RingReader stalled = ring.newReader("stalled");
        publish(ring, 1, 2, 3, 4);
        drainAll(active);
        assertThat(ring.tryPublish(sample(5))).isFalse();

        stalled.close();

        assertThat(ring.bytesInUse()).isZero();
        publish(ring, 6, 7, 8, 9);
        assertThat(drainAll(active)).containsExactly(6L, 7L, 8L, 9L);
    }

    @Test
    void closedReaderHandsNothingOverAndHasNoLag() {
        SampleRing ring = newRing(4, ROOMY);
        RingReader reader = ring.newReader("sink");
        publish(ring, 1, 2);

        reader.close();
        reader.close();

        assertThat(drainAll(reader)).isEmpty();
        assertThat(reader.lag()).isZero();
    }

    @Test
    void readerSeesOnlySamplesPublishedAfterItRegistered() {
        SampleRing ring = newRing(8, ROOMY);
        RingReader early = ring.newReader("early");
        publish(ring, 1, 2);

        RingReader late = ring.newReader("late");
        publish(ring, 3, 4);

        assertThat(drainAll(late)).containsExactly(3L, 4L);
        assertThat(drainAll(early)).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void ringWithoutReadersHoldsNoSpace() {
        SampleRing ring = newRing(4, 2L * bytesOfOne());

        for (long i = 0; i < 100; i++) {
            publish(ring, i);
        }

        assertThat(ring.bytesInUse()).isZero();
        assertThat(ring.refused()).isZero();
    }

    @Test
    void lagCountsSamplesNotYetDrained() {
        SampleRing ring = newRing(8, ROOMY);
        RingReader reader = ring.newReader("sink");
        assertThat(reader.lag()).isZero();

        publish(ring, 1, 2, 3);
        assertThat(reader.lag()).isEqualTo(3);

        drain(reader, 2);
        assertThat(reader.lag()).isEqualTo(1);
    }

    @Test
    void consumerThatThrowsDoesNotWedgeTheReader() {
        SampleRing ring = newRing(4, ROOMY);
        RingReader reader = ring.newReader("sink");
        publish(ring, 1, 2, 3, 4);

        assertThatThrownBy(() -> reader.drainTo(s -> {
            if (valueOf(s) == 2) {
                throw new IllegalStateException("poison");
            }
        }, 10)).hasMessage("poison");

        assertThat(ring.bytesInUse()).isEqualTo(2L * bytesOfOne());
        assertThat(drainAll(reader)).containsExactly(3L, 4L);
    }

    @Test
    void rejectsANegativeMax() {
        RingReader reader = newRing(4, ROOMY).newReader("sink");

        assertThatThrownBy(() -> reader.drainTo(s -> { }, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max: -1 (expected: >= 0)");
    }

    @Test
    void awaitAvailableReturnsAtOnceWhenASampleIsWaiting() throws InterruptedException {
        SampleRing ring = newRing(4, ROOMY);
        RingReader reader = ring.newReader("sink");
        publish(ring, 1);

        assertThat(reader.awaitAvailable(0, TimeUnit.SECONDS)).isTrue();
        assertThat(reader.awaitAvailable(1, TimeUnit.HOURS)).isTrue();
    }

    @Test
    void awaitAvailableReturnsFalseWhenNothingArrivesInTime() throws InterruptedException {
        RingReader reader = newRing(4, ROOMY).newReader("sink");

        assertThat(reader.awaitAvailable(0, TimeUnit.SECONDS)).isFalse();
        assertThat(reader.awaitAvailable(1, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void awaitAvailableReturnsTrueWhenAProducerPublishes() throws Exception {
        SampleRing ring = newRing(4, ROOMY);
        RingReader reader = ring.newReader("sink");
        CompletableFuture<Boolean> parked = awaitOnAnotherThread(reader);
        assertThat(parked).isNotDone();

        publish(ring, 1);

        assertThat(parked.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void wakeUpMakesAParkedReaderReturn() throws Exception {
        RingReader reader = newRing(4, ROOMY).newReader("sink");
        CompletableFuture<Boolean> parked = awaitOnAnotherThread(reader);
        assertThat(parked).isNotDone();

        reader.wakeUp();

        assertThat(parked.get(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isFalse();
    }

    @Test
    @Timeout(30)
    void wakeUpBeforeAwaitingMakesTheNextAwaitReturnAtOnce() throws InterruptedException {
        RingReader reader = newRing(4, ROOMY).newReader("sink");

        reader.wakeUp();
        reader.wakeUp();

        assertThat(reader.awaitAvailable(1, TimeUnit.HOURS)).isFalse();
        assertThat(reader.awaitAvailable(1, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void awaitAvailableThrowsWhenInterrupted() {
        RingReader reader = newRing(4, ROOMY).newReader("sink");

        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> reader.awaitAvailable(1, TimeUnit.HOURS))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    @Timeout(60)
    void parkedReaderIsWokenForEveryHandOff() throws Exception {
        SampleRing ring = newRing(4, ROOMY);
        RingReader reader = ring.newReader("sink");
        int handOffs = 20_000;
        Semaphore drained = new Semaphore(0);
        CompletableFuture<Void> consumer = CompletableFuture.runAsync(() -> {
            try {
                int total = 0;
                while (total < handOffs) {
                    // A missed unpark would leave this parked for the whole hour.
                    reader.awaitAvailable(1, TimeUnit.HOURS);
                    int n = reader.drainTo(s -> { }, 1);
                    total += n;
                    drained.release(n);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, task -> new Thread(task, "hand-off-consumer").start());

        for (long i = 0; i < handOffs; i++) {
            publish(ring, i);
            assertThat(drained.tryAcquire(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("hand-off %d", i).isTrue();
        }

        consumer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(reader.lag()).isZero();
    }
}
