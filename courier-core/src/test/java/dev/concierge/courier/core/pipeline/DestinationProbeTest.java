package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.ProbesDestination;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.ManualNanoClock;
import dev.concierge.courier.core.testing.Samples;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A failing sink notices its destination is back within a probe interval, not at the end of a long backoff. */
class DestinationProbeTest {
    private static final Duration LONG_BACKOFF = Duration.ofMinutes(1);

    private final ManualNanoClock nanoClock = new ManualNanoClock();
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(2));
        }
    }

    /** A destination that is down until {@link #up} is set; its probe says whether it is up. */
    private static final class ReturningSink implements Sink, ProbesDestination {
        volatile boolean up;
        // A destination that accepts connections but fails every send.
        volatile boolean acceptsButFails;
        final AtomicInteger sends = new AtomicInteger();
        final AtomicInteger probes = new AtomicInteger();
        final AtomicInteger delivered = new AtomicInteger();

        @Override
        public String name() {
            return "zabbix";
        }

        @Override
        public int maxBatchSize() {
            return 1000;
        }

        @Override
        public CompletionStage<DeliveryOutcome> send(Batch batch) {
            sends.incrementAndGet();
            if (!up || acceptsButFails) {
                return CompletableFuture.completedFuture(DeliveryOutcome.Retry.of("connection refused"));
            }
            delivered.addAndGet(batch.size());
            return CompletableFuture.completedFuture(new DeliveryOutcome.Delivered("ok"));
        }

        @Override
        public CompletionStage<Boolean> probe() {
            probes.incrementAndGet();
            return CompletableFuture.completedFuture(up);
        }
    }

    private ReturningSink start() {
        ReturningSink sink = new ReturningSink();
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20),
                new InMemoryDeliveryLedger(Clock.systemUTC(), 100),
                List.of(new ScheduledSource(new ListSource("app", run -> run == 0 ? Samples.counters("a", 10)
                        : List.of()), Duration.ofHours(1))),
                List.of(new SinkSpec(sink, failures -> LONG_BACKOFF, 1 << 20)), Clock.systemUTC(), nanoClock);
        pipeline.start();
        await().until(() -> pipeline.sinkStats().get("zabbix").consecutiveFailures() == 1);
        return sink;
    }

    @Test
    void aDestinationThatReturnsIsNoticedAtTheNextProbeNotAfterTheBackoff() {
        ReturningSink sink = start();
        assertThat(sink.probes).hasValue(0);

        nanoClock.advance(SinkWorker.PROBE_INTERVAL);
        await().until(() -> sink.probes.get() == 1);
        sink.up = true;
        nanoClock.advance(SinkWorker.PROBE_INTERVAL);

        await().until(() -> sink.delivered.get() == 10);
        assertThat(sink.probes).as("one probe per interval, no more").hasValue(2);
        assertThat(sink.sends).hasValue(2);
    }

    @Test
    void aProbeThatSucceedsButASendThatFailsStopsProbingUntilTheBackoffsOwnAttempt() {
        ReturningSink sink = start();
        sink.up = true;
        sink.acceptsButFails = true;

        nanoClock.advance(SinkWorker.PROBE_INTERVAL);
        await().until(() -> sink.sends.get() == 2);
        nanoClock.advance(SinkWorker.PROBE_INTERVAL.multipliedBy(5));
        await().until(() -> pipeline.sinkStats().get("zabbix").consecutiveFailures() == 2);
        assertThat(sink.probes).as("no probe after the probe that misled").hasValue(1);

        nanoClock.advance(LONG_BACKOFF);
        await().until(() -> sink.sends.get() == 3);
        nanoClock.advance(SinkWorker.PROBE_INTERVAL);
        await().until(() -> sink.probes.get() == 2);
        assertThat(sink.sends).hasValue(4);
    }
}
