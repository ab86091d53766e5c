package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.core.spi.SecretMask;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.Samples;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipeline hides a plugin's declared secrets in whatever its peer answered, before anyone sees it. */
class SecretMaskingPipelineTest {
    private static final Secret TOKEN = Secret.of("k-77aa-secret");

    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 100);
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(5));
        }
    }

    /** A destination that refuses everything, quoting the token it was sent. */
    private static final class EchoingSink implements Sink {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public int maxBatchSize() {
            return 100;
        }

        @Override
        public CompletionStage<DeliveryOutcome> send(Batch batch) {
            return CompletableFuture.completedFuture(new DeliveryOutcome.Rejected("bad token " + TOKEN.reveal()));
        }

        @Override
        public SecretMask secrets() {
            return SecretMask.of(TOKEN);
        }
    }

    /** A peer that refuses the source, quoting the token it was sent. */
    private static final class EchoingSource implements Source {
        @Override
        public String name() {
            return "peer";
        }

        @Override
        public void collect(Emitter out) throws SourceException {
            throw new SourceException("403: bad token " + TOKEN.reveal());
        }

        @Override
        public SecretMask secrets() {
            return SecretMask.of(TOKEN);
        }
    }

    @Test
    void aSinksOutcomeDetailIsMaskedBeforeTheLedgerRecordsIt() {
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(new ListSource("app", run -> run == 0 ? Samples.counters("x", 3)
                        : List.of()), Duration.ofHours(1))),
                List.of(new SinkSpec(new EchoingSink(), failures -> Duration.ofMillis(10), 1 << 20)),
                Clock.systemUTC());
        pipeline.start();

        DeliveryRecord rejected = await().atMost(Duration.ofSeconds(30))
                .until(() -> ledger.recent(10).stream().filter(r -> r.rejected() > 0).findFirst().orElse(null),
                        r -> r != null);
        assertThat(rejected.detail()).isEqualTo("bad token ******");
    }

    @Test
    void aFailedCollectsMessageIsMaskedInTheSourcesLastError() {
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(new EchoingSource(), Duration.ofHours(1))), List.of(), Clock.systemUTC());
        pipeline.start();

        String lastError = await().atMost(Duration.ofSeconds(30))
                .until(() -> pipeline.sourceStats().get("peer").lastError(), error -> error != null);
        assertThat(lastError).isEqualTo("403: bad token ******");
    }
}
