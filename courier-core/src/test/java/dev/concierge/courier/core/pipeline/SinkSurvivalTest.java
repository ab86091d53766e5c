package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.ledger.SinkBacklog;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.testing.ForwardingDeliveryLedger;
import dev.concierge.courier.core.testing.ManualNanoClock;
import dev.concierge.courier.core.testing.RecordingSink;
import dev.concierge.courier.core.testing.Samples;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A sink that breaks must not stall the others: a failure in one turn of its loop is counted and backed off
 * from, and when its thread must end it leaves the ring first, so the ring never fills behind it.
 */
class SinkSurvivalTest {
    // Room for two rounds: a reader that stops draining fills it within the test.
    private static final int RING_SLOTS = 64;
    private static final int PER_ROUND = 32;
    private static final int ROUNDS = 20;
    private static final Duration BACKOFF = Duration.ofMinutes(1);

    private final ManualNanoClock nanoClock = new ManualNanoClock();
    private final MultiProducerBroadcastRing ring = MultiProducerBroadcastRing.create(RING_SLOTS, 1 << 20);
    private final Queue<Sample> toEmit = new ConcurrentLinkedQueue<>();
    private final RecordingSink healthy = new RecordingSink("healthy");
    private final List<Sample> emitted = new ArrayList<>();
    private volatile Function<Batch, DeliveryOutcome> brokenScript;
    private final RecordingSink broken = new RecordingSink("broken").answering(batch -> brokenScript.apply(batch));
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        brokenScript = batch -> new DeliveryOutcome.Delivered("ok");
        nanoClock.advance(Duration.ofDays(1));
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(5));
        }
    }

    private void start(DeliveryLedger ledger) {
        pipeline = Pipeline.create(ring, ledger, List.of(new ScheduledSource(new QueueSource(), Duration.ofMillis(5))),
                List.of(new SinkSpec(healthy, failures -> BACKOFF, 1 << 20),
                        new SinkSpec(broken, failures -> BACKOFF, 1 << 20)),
                Clock.systemUTC(), nanoClock);
        pipeline.start();
    }

    private SinkStats stats(String sink) {
        return pipeline.sinkStats().get(sink);
    }

    /** Emits a round of samples and waits until the healthy sink has them all. */
    private void emitRound(int round) {
        for (Sample sample : Samples.counters("round" + round, PER_ROUND)) {
            emitted.add(sample);
            toEmit.add(sample);
        }
        int expected = emitted.size();
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                .until(() -> healthy.samplesSent().size() >= expected);
    }

    private void assertTheHealthySinkGotEverySampleAndTheRingNeverFilled() {
        for (int round = 0; round < ROUNDS; round++) {
            emitRound(round);
        }
        assertThat(healthy.samplesSent()).containsExactlyElementsOf(emitted);
        assertThat(ring.refused()).isZero();
        assertThat(pipeline.sourceStats().get("queue").refused()).isZero();
    }

    @Test
    void aSinkWhoseSendThrowsIsRetriedAfterItsBackoffAndTheOthersGetEverySample() {
        brokenScript = batch -> {
            throw new AssertionError("the encoder's invariant does not hold");
        };
        start(new InMemoryDeliveryLedger(Clock.systemUTC(), 100));

        assertTheHealthySinkGotEverySampleAndTheRingNeverFilled();

        SinkStats stats = stats("broken");
        await().until(() -> stats.received() == emitted.size());
        assertThat(broken.sent()).as("no second attempt before the backoff has passed").hasSize(1);
        assertThat(stats.errors()).isEqualTo(1);
        assertThat(stats.retries()).isEqualTo(1);
        assertThat(stats.lastError()).contains("send threw").contains("assertion error");
        assertThat(stats.failed()).isFalse();

        nanoClock.advance(BACKOFF);
        await().until(() -> broken.sent().size() == 2);
        Batch first = broken.sent().get(0);
        Batch second = broken.sent().get(1);
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.attempt()).isEqualTo(2);
        await().until(() -> stats.errors() == 2);

        brokenScript = batch -> new DeliveryOutcome.Delivered("ok");
        nanoClock.advance(BACKOFF);
        await().until(() -> stats.delivered() == emitted.size());
        assertThat(stats.failed()).isFalse();
    }

    @Test
    void aSinkWhoseEncoderRunsTheHeapOutLeavesTheRingAndIsMarkedFailed() {
        brokenScript = batch -> {
            throw new OutOfMemoryError("Java heap space (while encoding)");
        };
        start(new InMemoryDeliveryLedger(Clock.systemUTC(), 100));

        assertTheHealthySinkGotEverySampleAndTheRingNeverFilled();

        SinkStats stats = stats("broken");
        await().until(stats::failed);
        assertThat(stats.failure()).contains("OutOfMemoryError");
        assertThat(stats.errors()).isEqualTo(1);
        assertThat(stats("healthy").failed()).isFalse();
    }

    @Test
    void aSinkWhoseBacklogThrowsLeavesTheRingAndIsMarkedFailed() {
        brokenScript = batch -> new DeliveryOutcome.Delivered("ok");
        InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 100);
        start(new BrokenBacklogLedger(ledger, "broken"));

        assertTheHealthySinkGotEverySampleAndTheRingNeverFilled();

        SinkStats stats = stats("broken");
        await().until(stats::failed);
        assertThat(stats.failure()).contains("its backlog failed in").contains("disk gone");
    }

    @Test
    void anErrorOutsideSendIsCountedAndBackedOffFromAndTheLoopGoesOn() {
        AtomicBoolean limitsBroken = new AtomicBoolean(true);
        RecordingSink inner = new RecordingSink("flaky-limits");
        Sink flaky = new Sink() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public int maxBatchSize() {
                if (limitsBroken.get()) {
                    throw new IllegalStateException("limits not loaded");
                }
                return inner.maxBatchSize();
            }

            @Override
            public CompletionStage<DeliveryOutcome> send(Batch batch) {
                return inner.send(batch);
            }
        };
        pipeline = Pipeline.create(ring, new InMemoryDeliveryLedger(Clock.systemUTC(), 100),
                List.of(new ScheduledSource(new QueueSource(), Duration.ofMillis(5))),
                List.of(new SinkSpec(healthy, failures -> BACKOFF, 1 << 20),
                        new SinkSpec(flaky, failures -> BACKOFF, 1 << 20)), Clock.systemUTC(), nanoClock);
        pipeline.start();

        assertTheHealthySinkGotEverySampleAndTheRingNeverFilled();

        SinkStats stats = stats("flaky-limits");
        await().until(() -> stats.received() == emitted.size());
        assertThat(stats.errors()).as("one error, then nothing tried until the backoff has passed").isEqualTo(1);
        limitsBroken.set(false);
        nanoClock.advance(BACKOFF);
        await().untilAsserted(() -> assertThat(stats.delivered()).as("errors %s, pending %s, sent %s", stats.errors(),
                stats.pending(), inner.sent().size()).isEqualTo(emitted.size()));
        assertThat(inner.samplesSent()).containsExactlyElementsOf(emitted);
        assertThat(stats.failed()).isFalse();
    }

    /** Emits what the test queued since the last collect. */
    private final class QueueSource implements Source {
        @Override
        public String name() {
            return "queue";
        }

        @Override
        public void collect(Emitter out) {
            Sample sample;
            while ((sample = toEmit.poll()) != null) {
                out.offer(sample);
            }
        }
    }

    /** An in-memory ledger whose backlog for one sink throws on every call. */
    private static final class BrokenBacklogLedger extends ForwardingDeliveryLedger {
        private final String brokenSink;

        BrokenBacklogLedger(DeliveryLedger ledger, String brokenSink) {
            super(ledger);
            this.brokenSink = brokenSink;
        }

        @Override
        public SinkBacklog openBacklog(String sink, long byteBudget) {
            return sink.equals(brokenSink) ? new ThrowingBacklog() : super.openBacklog(sink, byteBudget);
        }
    }

    private static final class ThrowingBacklog implements SinkBacklog {
        private static IllegalStateException gone() {
            return new IllegalStateException("disk gone");
        }

        @Override
        public void append(Sample sample, Consumer<DeliveryRecord> evicted) {
            throw gone();
        }

        @Override
        public Batch takeBatch(int max) {
            throw gone();
        }

        @Override
        public void requeue(Batch batch) {
            throw gone();
        }

        @Override
        public void settle(Batch batch) {
            throw gone();
        }

        @Override
        public long pendingSamples() {
            return 0;
        }

        @Override
        public long pendingBytes() {
            return 0;
        }

        @Override
        public long waitingSamples() {
            return 0;
        }

        @Override
        public void close(Consumer<DeliveryRecord> dropped) {
            throw gone();
        }
    }
}
