package dev.concierge.courier.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.ProbesDestination;
import dev.concierge.courier.core.spi.Sink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every sink promises the pipeline, run against each implementation with its own peer. A subclass
 * supplies a sink connected to a working destination, one pointed at a destination that refuses
 * connections, and a way to read back what the working destination received.
 */
public abstract class SinkContractTest {
    /** Generous: a contract failure here is a hang, not a slow answer. */
    private static final Duration OUTCOME_WAIT = Duration.ofSeconds(30);

    /** A sink named {@code name} delivering to a destination that works. */
    protected abstract Sink createSink(String name) throws Exception;

    /** A sink named {@code name} pointed at a destination that refuses connections. */
    protected abstract Sink createSinkToRefusingDestination(String name) throws Exception;

    /** How many of {@code sent} the working destination has received so far. */
    protected abstract long receivedOf(List<Sample> sent) throws Exception;

    /** Samples this sink can carry; numeric counters by default. */
    protected List<Sample> samples(int count) {
        return Samples.counters("contract", count);
    }

    private static DeliveryOutcome outcomeOf(Sink sink, Batch batch) throws Exception {
        CompletableFuture<DeliveryOutcome> future = sink.send(batch).toCompletableFuture();
        return future.get(OUTCOME_WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void declaresUsableLimits() throws Exception {
        try (Sink sink = createSink("limits")) {
            assertThat(sink.name()).isEqualTo("limits");
            assertThat(sink.maxBatchSize()).isPositive();
            assertThat(sink.maxInFlight()).isPositive();
        }
    }

    @Test
    void deliversABatchAndSaysSo() throws Exception {
        List<Sample> samples = samples(5);
        try (Sink sink = createSink("delivers")) {
            DeliveryOutcome outcome = outcomeOf(sink, new Batch(1, samples));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
            assertThat(outcome.detail()).isNotBlank();
            await().atMost(OUTCOME_WAIT).until(() -> receivedOf(samples) == samples.size());
        }
    }

    @Test
    void answersARefusedConnectionWithRetryNotAnException() throws Exception {
        try (Sink sink = createSinkToRefusingDestination("refused")) {
            DeliveryOutcome outcome = outcomeOf(sink, new Batch(1, samples(3)));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.Retry.class);
            assertThat(outcome.detail()).isNotBlank();
        }
    }

    @Test
    void takesAsManyBatchesInFlightAsItDeclares() throws Exception {
        try (Sink sink = createSink("in-flight")) {
            int batches = sink.maxInFlight();
            List<List<Sample>> sent = new ArrayList<>();
            List<CompletableFuture<DeliveryOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < batches; i++) {
                List<Sample> samples = Samples.counters("in-flight-" + i, 3);
                sent.add(samples);
                outcomes.add(sink.send(new Batch(i, samples)).toCompletableFuture());
            }
            for (CompletableFuture<DeliveryOutcome> outcome : outcomes) {
                assertThat(outcome.get(OUTCOME_WAIT.toSeconds(), TimeUnit.SECONDS))
                        .isInstanceOf(DeliveryOutcome.Delivered.class);
            }
            for (List<Sample> samples : sent) {
                await().atMost(OUTCOME_WAIT).until(() -> receivedOf(samples) == samples.size());
            }
        }
    }

    @Test
    void aSinkThatProbesFindsItsDestinationUpAndARefusingOneDown() throws Exception {
        try (Sink up = createSink("probe-up"); Sink down = createSinkToRefusingDestination("probe-down")) {
            ProbesDestination upProbe = ProbesDestination.of(up);
            ProbesDestination downProbe = ProbesDestination.of(down);
            assertThat(upProbe == null).as("either both probe or neither").isEqualTo(downProbe == null);
            if (upProbe != null) {
                assertThat(upProbe.probe().toCompletableFuture().get(30, TimeUnit.SECONDS)).isTrue();
                assertThat(downProbe.probe().toCompletableFuture().get(30, TimeUnit.SECONDS)).isFalse();
            }
        }
    }

    @Test
    void closesTwiceWithoutComplaint() throws Exception {
        Sink sink = createSink("closes");
        sink.close();
        sink.close();
    }
}
