package dev.concierge.courier.sinks.graphite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.testing.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GraphiteSinkTest {
    private final GraphiteLineReceiver receiver = GraphiteLineReceiver.start();
    private final GraphiteSink sink = GraphiteSink.create(GraphiteSinkConfig.of("graphite", "127.0.0.1",
            receiver.port()));

    @AfterEach
    void stop() {
        sink.close();
        receiver.close();
    }

    private DeliveryOutcome send(List<Sample> samples) throws Exception {
        return sink.send(new Batch(1, samples)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static Sample gauge(String name, SampleValue value) {
        return new Sample(name, Labels.empty(), MetricType.GAUGE, null, value, 1_700_000_000L, 0, "h", "s");
    }

    @Test
    void saysDeliveredMeansWrittenAndFlushedBecauseGraphiteDoesNotAcknowledge() throws Exception {
        DeliveryOutcome outcome = send(Samples.counters("app", 3));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered("written and flushed to 127.0.0.1:"
                + receiver.port() + " (Graphite does not acknowledge)"));
        await().until(() -> receiver.lines().size() == 3);
        assertThat(receiver.lines()).containsExactly("test-host.counter.app.0 0 1700000000",
                "test-host.counter.app.1 1 1700000001", "test-host.counter.app.2 2 1700000002");
    }

    @Test
    void keepsOneConnectionForManyBatches() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(send(Samples.counters("batch" + i, 10))).isInstanceOf(DeliveryOutcome.Delivered.class);
        }

        await().until(() -> receiver.lines().size() == 50);
        assertThat(receiver.connections()).isEqualTo(1);
    }

    @Test
    void reopensTheConnectionAfterCarbonClosedIt() throws Exception {
        assertThat(send(Samples.counters("before", 2))).isInstanceOf(DeliveryOutcome.Delivered.class);
        await().until(() -> receiver.lines().size() == 2);

        // Closed and its FIN queued on the sink's socket before the next send: on loopback the sink's event
        // loop sees the end of input before it runs the write, and opens a new connection.
        receiver.dropConnections();

        assertThat(send(Samples.counters("after", 2))).isInstanceOf(DeliveryOutcome.Delivered.class);
        await().until(() -> receiver.lines().size() == 4);
        assertThat(receiver.connections()).isEqualTo(2);
    }

    @Test
    void skipsTextAndNonFiniteValuesAndCountsThemAsRejected() throws Exception {
        List<Sample> samples = List.of(gauge("a", SampleValue.of(1)), gauge("version", SampleValue.of("1.2.3")),
                gauge("b", SampleValue.of(2.5)), gauge("nan", SampleValue.of(Double.NaN)),
                gauge("state", SampleValue.of("up")), gauge("c", SampleValue.of(3)));

        DeliveryOutcome outcome = send(samples);

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.PartiallyRejected.class, partial -> {
            assertThat(partial.accepted()).isEqualTo(3);
            assertThat(partial.rejected()).isEqualTo(3);
            assertThat(partial.unsupported()).as("text and non-finite: what Graphite cannot store").isEqualTo(3);
            assertThat(partial.accepted() + partial.rejected()).isEqualTo(samples.size());
            assertThat(partial.detail()).isEqualTo("written and flushed to 127.0.0.1:" + receiver.port()
                    + " (Graphite does not acknowledge); skipped 2 text (Graphite stores numbers only), "
                    + "1 non-finite");
        });
        assertThat(sink.textSkipped()).isEqualTo(2);
        assertThat(sink.nonFiniteSkipped()).isEqualTo(1);
        assertThat(sink.events().get("text_skipped").getAsLong()).isEqualTo(2);
        await().until(() -> receiver.lines().size() == 3);
        assertThat(receiver.lines()).containsExactly("h.gauge.a 1 1700000000", "h.gauge.b 2.5 1700000000",
                "h.gauge.c 3 1700000000");
    }

    @Test
    void answersABatchOfOnlyTextWithNothingSentAndNoConnection() throws Exception {
        DeliveryOutcome outcome = send(List.of(gauge("v", SampleValue.of("x")), gauge("w", SampleValue.of("y"))));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.PartiallyRejected(0, 2,
                "nothing sent: skipped 2 text (Graphite stores numbers only)", 2));
        assertThat(receiver.connections()).isZero();
    }

    @Test
    void skipsALineCarbonWouldDropTheConnectionForAndSendsTheRest() throws Exception {
        List<Sample> samples = new ArrayList<>(Samples.counters("ok", 2));
        samples.add(1, gauge("n".repeat(GraphiteLineEncoder.MAX_LINE_BYTES), SampleValue.of(1)));

        DeliveryOutcome outcome = send(samples);

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.PartiallyRejected.class, partial -> {
            assertThat(partial.accepted()).isEqualTo(2);
            assertThat(partial.rejected()).isEqualTo(1);
            assertThat(partial.detail()).endsWith("skipped 1 longer than 16384 bytes");
        });
        assertThat(sink.tooLongSkipped()).isEqualTo(1);
        await().until(() -> receiver.lines().size() == 2);
        assertThat(send(Samples.counters("next", 1))).isInstanceOf(DeliveryOutcome.Delivered.class);
        await().until(() -> receiver.lines().size() == 3);
        assertThat(receiver.connections()).isEqualTo(1);
    }

    @Test
    void answersRetryOnceClosed() throws Exception {
        sink.close();

        assertThat(send(Samples.counters("late", 1))).isInstanceOf(DeliveryOutcome.Retry.class);
    }
}
