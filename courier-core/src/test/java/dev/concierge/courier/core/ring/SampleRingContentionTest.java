package dev.concierge.courier.core.ring;

import static dev.concierge.courier.core.ring.SampleRingContractTest.PATIENCE;
import static dev.concierge.courier.core.ring.SampleRingContractTest.bytesOfOne;
import static dev.concierge.courier.core.ring.SampleRingContractTest.sample;
import static dev.concierge.courier.core.ring.SampleRingContractTest.valueOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link SampleRing} promises under contention: several producer threads publishing at once,
 * several readers each draining on a thread of its own. Each implementation extends this class.
 *
 * <p>A sample's value encodes its producer and its index in that producer's stream, so every reader can
 * check on the fly that each producer's samples arrive in order and never twice.
 */
abstract class SampleRingContentionTest {

    private static final int PRODUCERS = 4;
    private static final int PER_PRODUCER = 100_000;
    private static final long STRIDE = 1_000_000L;

    /** A ring of {@code slots} slots (a power of two) and {@code byteCapacity} bytes. */
    protected abstract SampleRing newRing(int slots, long byteCapacity);

    @Test
    @Timeout(120)
    void everyReaderGetsEveryPublishedSampleOnceInEachProducersOrder() throws Exception {
        // The byte budget binds long before the slots do, so both bounds are crossed many times.
        SampleRing ring = newRing(1024, 256L * bytesOfOne());
        Run run = new Run(ring, 2);

        List<Offers> offers = run.produce(PRODUCERS, (producer, out) -> {
            for (int i = 0; i < PER_PRODUCER; i++) {
                if (ring.tryPublish(sample("p" + producer, producer * STRIDE + i))) {
                    out.published.set(i);
                } else {
                    out.refused++;
                    Thread.yield(); // give the readers a chance, or nearly every offer is refused
                }
            }
        });
        List<Received> received = run.finish();

        long refused = 0;
        for (Offers o : offers) {
            assertThat(o.published.cardinality() + o.refused).isEqualTo(PER_PRODUCER);
            refused += o.refused;
        }
        assertThat(ring.refused()).isEqualTo(refused);
        assertThat(refused).isLessThan((long) PRODUCERS * PER_PRODUCER);
        for (Received r : received) {
            assertThat(r.violations).isEmpty();
            for (int p = 0; p < PRODUCERS; p++) {
                assertThat(difference(r.seen[p], offers.get(p).published).toString())
                        .as("%s: indices of producer %d published xor received", r.name, p)
                        .isEqualTo("{}");
            }
        }
        assertThat(ring.bytesInUse()).isZero();
    }

    @Test
    @Timeout(120)
    void everySampleArrivesWhenProducersRetryUntilAccepted() throws Exception {
        SampleRing ring = newRing(256, 128L * bytesOfOne());
        Run run = new Run(ring, 2);

        List<Offers> offers = run.produce(PRODUCERS, (producer, out) -> {
            for (int i = 0; i < PER_PRODUCER; i++) {
                Sample sample = sample("p" + producer, producer * STRIDE + i);
                while (!ring.tryPublish(sample)) {
                    out.refused++;
                    Thread.yield(); // two cores: let the readers run
                }
                out.published.set(i);
            }
        });
        List<Received> received = run.finish();

        assertThat(ring.refused()).isEqualTo(offers.stream().mapToLong(o -> o.refused).sum());
        for (Received r : received) {
            assertThat(r.violations).isEmpty();
            assertThat(r.count).isEqualTo((long) PRODUCERS * PER_PRODUCER);
            assertThat(r.last).containsOnly(PER_PRODUCER - 1L);
        }
        assertThat(ring.bytesInUse()).isZero();
    }

    @Test
    @Timeout(120)
    void readersJoiningAndLeavingUnderLoadSeeAnUnbrokenRunFromEachProducer() throws Exception {
        SampleRing ring = newRing(128, 64L * bytesOfOne());
        Run run = new Run(ring, 1);
        AtomicBoolean stop = new AtomicBoolean();
        List<String> churnViolations = new ArrayList<>();
        CompletableFuture<Integer> churn = CompletableFuture.supplyAsync(() -> {
            int rounds = 0;
            try {
                while (!stop.get()) {
                    rounds++;
                    // A reader that joins mid-stream must see, from each producer, one unbroken run.
                    Received r = new Received("churn-" + rounds);
                    try (RingReader reader = ring.newReader(r.name)) {
                        while (r.count < 500 && !stop.get()) {
                            if (reader.drainTo(r, 64) == 0) {
                                reader.awaitAvailable(10, TimeUnit.MILLISECONDS);
                            }
                        }
                    }
                    churnViolations.addAll(r.violations);
                    churnViolations.addAll(r.gaps());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return rounds;
        }, task -> new Thread(task, "churning-reader").start());

        run.produce(2, (producer, out) -> {
            for (int i = 0; i < PER_PRODUCER / 2; i++) {
                Sample sample = sample("p" + producer, producer * STRIDE + i);
                while (!ring.tryPublish(sample)) {
                    out.refused++;
                    Thread.yield();
                }
            }
        });
        stop.set(true);
        int rounds = churn.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        List<Received> received = run.finish();

        assertThat(rounds).isPositive();
        assertThat(churnViolations).isEmpty();
        Received steady = received.get(0);
        assertThat(steady.violations).isEmpty();
        assertThat(steady.count).isEqualTo(PER_PRODUCER);
        assertThat(ring.bytesInUse()).isZero();
    }

    private static BitSet difference(BitSet a, BitSet b) {
        BitSet d = (BitSet) a.clone();
        d.xor(b);
        return d;
    }

    /** What one producer offered; written by that producer, read after it finished. */
    static final class Offers {
        final BitSet published = new BitSet(PER_PRODUCER);
        long refused;
    }

    interface Producer {
        void run(int producer, Offers out);
    }

    /** Records what one reader received and checks per-producer order as it goes. Owner thread only. */
    static final class Received implements Consumer<Sample> {
        final String name;
        final BitSet[] seen = new BitSet[PRODUCERS];
        final long[] last = new long[PRODUCERS];
        final long[] first = new long[PRODUCERS];
        final List<String> violations = new ArrayList<>();
        long count;

        Received(String name) {
            this.name = name;
            Arrays.fill(last, -1L);
            Arrays.fill(first, -1L);
            Arrays.setAll(seen, p -> new BitSet(PER_PRODUCER));
        }

        @Override
        public void accept(Sample sample) {
            long value = valueOf(sample);
            int producer = (int) (value / STRIDE);
            long index = value % STRIDE;
            if (index <= last[producer] && violations.size() < 10) {
                violations.add(name + ": producer " + producer + " index " + index + " after " + last[producer]);
            }
            if (first[producer] < 0) {
                first[producer] = index;
            }
            last[producer] = index;
            seen[producer].set((int) index);
            count++;
        }

        /** Producers whose samples, from the first one seen to the last, have a hole. */
        List<String> gaps() {
            List<String> gaps = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                long expected = first[p] < 0 ? 0 : last[p] - first[p] + 1;
                if (seen[p].cardinality() != expected) {
                    gaps.add(name + ": producer " + p + " has " + seen[p].cardinality() + " of " + first[p]
                            + ".." + last[p]);
                }
            }
            return gaps;
        }
    }

    /** Readers draining on threads of their own while producers run; {@link #finish} stops and joins them. */
    static final class Run {
        private final AtomicBoolean producersDone = new AtomicBoolean();
        private final List<RingReader> readers = new ArrayList<>();
        private final List<CompletableFuture<Received>> drained = new ArrayList<>();

        Run(SampleRing ring, int readerCount) {
            for (int n = 0; n < readerCount; n++) {
                RingReader reader = ring.newReader("reader-" + n);
                readers.add(reader);
                drained.add(CompletableFuture.supplyAsync(() -> drainUntilDone(reader),
                        task -> new Thread(task, reader.name()).start()));
            }
        }

        private Received drainUntilDone(RingReader reader) {
            Received received = new Received(reader.name());
            try {
                for (;;) {
                    if (reader.drainTo(received, 256) == 0) {
                        if (producersDone.get() && reader.lag() == 0) {
                            return received;
                        }
                        reader.awaitAvailable(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Runs {@code count} producers at once and returns what each offered once all have finished. */
        List<Offers> produce(int count, Producer producer) throws Exception {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Offers>> running = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                int id = p;
                running.add(CompletableFuture.supplyAsync(() -> {
                    Offers out = new Offers();
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    producer.run(id, out);
                    return out;
                }, task -> new Thread(task, "producer-" + id).start()));
            }
            start.countDown();
            List<Offers> offers = new ArrayList<>();
            for (CompletableFuture<Offers> f : running) {
                offers.add(f.get(PATIENCE.toSeconds() * 2, TimeUnit.SECONDS));
            }
            return offers;
        }

        /** Tells the readers the producers are done and waits for them to drain everything. */
        List<Received> finish() throws Exception {
            producersDone.set(true);
            readers.forEach(RingReader::wakeUp);
            List<Received> received = new ArrayList<>();
            for (CompletableFuture<Received> f : drained) {
                received.add(f.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
            }
            return received;
        }
    }
}
