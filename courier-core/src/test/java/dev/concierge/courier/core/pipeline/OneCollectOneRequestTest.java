package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.testing.RecordingSink;
import dev.concierge.courier.core.testing.Samples;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What one collect publishes leaves in one request, not as a first sample alone and then the rest. */
class OneCollectOneRequestTest {
    private static final int SCRAPE = 500;

    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(2));
        }
    }

    /**
     * Offers its first sample, waits until the sink's thread has taken it into its backlog (when the old runner
     * sent it alone at once), then offers the rest of the scrape.
     */
    private final class PausingSource implements Source {
        private final List<Sample> scrape = Samples.counters("scrape", SCRAPE);
        private volatile boolean done;

        @Override
        public String name() {
            return "app";
        }

        @Override
        public void collect(Emitter out) {
            if (done) {
                return;
            }
            done = true;
            out.offer(scrape.get(0));
            await().until(() -> pipeline.sinkStats().get("zabbix").received() >= 1);
            scrape.subList(1, scrape.size()).forEach(out::offer);
        }
    }

    @Test
    void oneScrapeOfManySamplesLeavesInOneBatch() {
        RecordingSink sink = new RecordingSink("zabbix", 10_000, 1);
        PausingSource source = new PausingSource();
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(source, Duration.ofHours(1))),
                List.of(new SinkSpec(sink, failures -> Duration.ZERO, 1 << 20)), Clock.systemUTC());
        pipeline.start();

        await().until(() -> pipeline.sinkStats().get("zabbix").delivered() == SCRAPE);
        assertThat(sink.sent()).extracting(Batch::size).containsExactly(SCRAPE);
    }

    @Test
    void aScrapeLargerThanABatchLeavesInFullBatches() {
        RecordingSink sink = new RecordingSink("zabbix", 200, 1);
        PausingSource source = new PausingSource();
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(source, Duration.ofHours(1))),
                List.of(new SinkSpec(sink, failures -> Duration.ZERO, 1 << 20)), Clock.systemUTC());
        pipeline.start();

        await().until(() -> pipeline.sinkStats().get("zabbix").delivered() == SCRAPE);
        assertThat(sink.sent()).extracting(Batch::size).containsExactly(200, 200, 100);
    }

    @Test
    void aCollectStuckAfterPublishingHoldsPartialBatchesForASecondAtMost() throws Exception {
        RecordingSink sink = new RecordingSink("zabbix", 10_000, 1);
        CountDownLatch release = new CountDownLatch(1);
        Source stuck = new Source() {
            @Override
            public String name() {
                return "stuck";
            }

            @Override
            public void collect(Emitter out) {
                out.offer(Samples.counters("stuck", 1).get(0));
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(stuck, Duration.ofHours(1))),
                List.of(new SinkSpec(sink, failures -> Duration.ZERO, 1 << 20)), Clock.systemUTC());
        pipeline.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> pipeline.sinkStats().get("zabbix").delivered() == 1);
        } finally {
            release.countDown();
        }
    }
}
