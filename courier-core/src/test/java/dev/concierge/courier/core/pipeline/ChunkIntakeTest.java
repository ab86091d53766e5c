package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.ledger.LedgerTotals;
import dev.concierge.courier.core.ledger.SinkBacklog;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Batch;
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

    private final class ChunkCountingLedger implements DeliveryLedger {
        @Override
        public SinkBacklog openBacklog(String sink, long byteBudget) {
            return new ChunkCountingBacklog(inMemory.openBacklog(sink, byteBudget));
        }

        @Override
        public void record(DeliveryRecord record) {
            inMemory.record(record);
        }

        @Override
        public void addListener(Consumer<DeliveryRecord> listener) {
            inMemory.addListener(listener);
        }

        @Override
        public List<DeliveryRecord> recent(int limit) {
            return inMemory.recent(limit);
        }

        @Override
        public LedgerTotals totals(String sink) {
            return inMemory.totals(sink);
        }

        @Override
        public void sync() {
            inMemory.sync();
        }

        @Override
        public void close() {
            inMemory.close();
        }
    }

    private final class ChunkCountingBacklog implements SinkBacklog {
        private final SinkBacklog delegate;

        ChunkCountingBacklog(SinkBacklog delegate) {
            this.delegate = delegate;
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

        @Override
        public Batch takeBatch(int max) {
            return delegate.takeBatch(max);
        }

        @Override
        public void requeue(Batch batch) {
            delegate.requeue(batch);
        }

        @Override
        public void settle(Batch batch) {
            delegate.settle(batch);
        }

        @Override
        public long pendingSamples() {
            return delegate.pendingSamples();
        }

        @Override
        public long pendingBytes() {
            return delegate.pendingBytes();
        }

        @Override
        public long waitingSamples() {
            return delegate.waitingSamples();
        }

        @Override
        public void close(Consumer<DeliveryRecord> dropped) {
            delegate.close(dropped);
        }
    }
}
