package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.testing.Samples;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A batch that failed goes out again whole, under its id with its attempt counted, before samples that came
 * in meanwhile, which go out in a batch of their own; the ledger counts the retried batch's sends.
 */
class RequeuedBatchAttemptsTest {
    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 100);
    private final Queue<Sample> toEmit = new ConcurrentLinkedQueue<>();
    private final AnsweredByHandSink sink = new AnsweredByHandSink();
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        sink.sends.forEach(send -> send.reply.complete(new DeliveryOutcome.Delivered("ok")));
        pipeline.stop(Duration.ofSeconds(2));
    }

    @Test
    void aRetriedBatchIsResentAloneUnderItsIdAndItsRecordCountsItsSends() {
        Sample retried = Samples.counter("retried", 1, 1_700_000_000L);
        Sample delivered = Samples.counter("delivered", 2, 1_700_000_001L);
        Sample fresh = Samples.counter("fresh", 3, 1_700_000_002L);
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(64, 1 << 20), ledger,
                List.of(new ScheduledSource(new QueueSource(), Duration.ofMillis(10))),
                List.of(new SinkSpec(sink, failures -> Duration.ZERO, 1 << 20)), Clock.systemUTC());
        pipeline.start();

        toEmit.add(retried);
        await().until(() -> sink.sends.size() == 1);
        toEmit.add(delivered);
        await().until(() -> sink.sends.size() == 2);
        sink.answer(0, DeliveryOutcome.Retry.of("first send of the retried sample"));
        // While the sink is failing it is only probed one batch at a time, so the retry waits for the
        // batch still in flight, and the fresh sample queues up behind it.
        toEmit.add(fresh);
        await().until(() -> pipeline.sinkStats().get("by-hand").received() == 3);
        sink.answer(1, new DeliveryOutcome.Delivered("processed: 1"));
        // Delivering again, the sink gets its full concurrency back: the retried batch, then the fresh one.
        await().until(() -> sink.sends.size() == 4);
        Batch firstSend = sink.sends.get(0).batch;
        Batch resend = sink.sends.get(2).batch;
        assertThat(resend.samples()).containsExactly(retried);
        assertThat(resend.id()).isEqualTo(firstSend.id());
        assertThat(resend.attempt()).isEqualTo(2);
        sink.answer(2, new DeliveryOutcome.Delivered("processed: 1"));
        assertThat(sink.sends.get(3).batch.samples()).containsExactly(fresh);
        assertThat(sink.sends.get(3).batch.attempt()).isEqualTo(1);
        sink.answer(3, new DeliveryOutcome.Delivered("processed: 1"));

        await().until(() -> ledger.totals("by-hand").accepted() == 3);
        DeliveryRecord record = ledger.recent(2).get(0);
        assertThat(record.batchId()).isEqualTo(firstSend.id());
        assertThat(record.attempts()).as("sends of the retried batch").isEqualTo(2);
        assertThat(ledger.recent(1).get(0).attempts()).isEqualTo(1);
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

    /** Two batches in flight at most; each reply waits until the test gives it. */
    private static final class AnsweredByHandSink implements Sink {
        record Send(Batch batch, CompletableFuture<DeliveryOutcome> reply) {
        }

        final List<Send> sends = new CopyOnWriteArrayList<>();

        void answer(int send, DeliveryOutcome outcome) {
            sends.get(send).reply.complete(outcome);
        }

        @Override
        public String name() {
            return "by-hand";
        }

        @Override
        public int maxBatchSize() {
            return 100;
        }

        @Override
        public int maxInFlight() {
            return 2;
        }

        @Override
        public CompletionStage<DeliveryOutcome> send(Batch batch) {
            CompletableFuture<DeliveryOutcome> reply = new CompletableFuture<>();
            sends.add(new Send(batch, reply));
            return reply;
        }
    }
}
