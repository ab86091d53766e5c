package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.ledger.SinkBacklog;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.testing.ForwardingDeliveryLedger;
import dev.concierge.courier.core.testing.ForwardingSinkBacklog;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.RecordingSink;
import dev.concierge.courier.core.testing.Samples;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The sink worker hands what it takes from the ring to its backlog a chunk at a time, not sample by sample. */
class ChunkIntakeTest {
    private final InMemoryDeliveryLedger inMemory = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
    private final List<Integer> chunks = new CopyOnWriteArrayList<>();
    private final List<Sample> singles = new CopyOnWriteArrayList<>();

    @Test
    void appendsWhatItTakesFromTheRingAsChunks() {
        List<Sample> samples = Samples.counters("app", 3000);
        RecordingSink sink = new RecordingSink("zabbix", 100, 2);
        ListSource source = new ListSource("app", run -> run == 0 ? samples : List.of());
        Pipeline pipeline = Pipeline.create(MultiProducerBroadcastRing.create(4096, 1 << 24), new ChunkCountingLedger(),
                List.of(new ScheduledSource(source, Duration.ofHours(1))),
                List.of(new SinkSpec(sink, failures -> Duration.ZERO, 1 << 24)), Clock.systemUTC());
        pipeline.start();
        try {
            await().until(() -> pipeline.sinkStats().get("zabbix").delivered() == 3000);
        } finally {
            pipeline.stop(Duration.ofSeconds(2));
        }

        assertThat(sink.samplesSent()).containsExactlyElementsOf(samples);
        assertThat(pipeline.sinkStats().get("zabbix").received()).isEqualTo(3000);
        assertThat(singles).isEmpty();
        assertThat(chunks.stream().mapToInt(Integer::intValue).sum()).isEqualTo(3000);
        assertThat(chunks).anySatisfy(size -> assertThat(size).isGreaterThan(1));
    }

    @Test
    void sendsWhileASourcePublishesAsFastAsItTakes() {
        // Each chunk the backlog takes, the "source" publishes a chunk more: the ring is never empty. The worker
        // must still send, or under an overload the backlog only fills and evicts and nothing is delivered.
        MultiProducerBroadcastRing ring = MultiProducerBroadcastRing.create(16_384, 1L << 30);
        RecordingSink sink = new RecordingSink("zabbix", 1000, 1);
        List<Sample> chunk = Samples.counters("app", 4096);
        ForwardingDeliveryLedger refilling = new ForwardingDeliveryLedger(inMemory) {
            @Override
            public SinkBacklog openBacklog(String name, long byteBudget) {
                return new ForwardingSinkBacklog(super.openBacklog(name, byteBudget)) {
                    @Override
                    public void appendAll(Sample[] samples, int count, Consumer<DeliveryRecord> evicted) {
                        delegate.appendAll(samples, count, evicted);
                        if (sink.sent().isEmpty()) {
                            chunk.forEach(ring::tryPublish);
                        }
                    }
                };
            }
        };
        ListSource source = new ListSource("app", run -> run == 0 ? chunk : List.of());
        Pipeline pipeline = Pipeline.create(ring, refilling, List.of(new ScheduledSource(source, Duration.ofHours(1))),
                List.of(new SinkSpec(sink, failures -> Duration.ZERO, 1 << 24)), Clock.systemUTC());
        pipeline.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> !sink.sent().isEmpty());
        } finally {
            pipeline.stop(Duration.ofSeconds(2));
        }
    }

    private final class ChunkCountingLedger extends ForwardingDeliveryLedger {
        ChunkCountingLedger() {
            super(inMemory);
        }

        @Override
        public SinkBacklog openBacklog(String sink, long byteBudget) {
            return new ChunkCountingBacklog(super.openBacklog(sink, byteBudget));
        }
    }

    private final class ChunkCountingBacklog extends ForwardingSinkBacklog {
        ChunkCountingBacklog(SinkBacklog delegate) {
            super(delegate);
        }

        @Override
        public void append(Sample sample, Consumer<DeliveryRecord> evicted) {
            singles.add(sample);
            delegate.append(sample, evicted);
        }

        @Override
        public void appendAll(Sample[] samples, int count, Consumer<DeliveryRecord> evicted) {
            chunks.add(count);
            for (int i = 0; i < count; i++) {
                delegate.append(samples[i], evicted);
            }
        }
    }
}
