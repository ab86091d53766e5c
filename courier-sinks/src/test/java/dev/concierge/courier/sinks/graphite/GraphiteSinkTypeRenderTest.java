package dev.concierge.courier.sinks.graphite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.RendersSamples;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What {@link GraphiteSinkType} renders is what the sink writes to carbon, line for line. */
class GraphiteSinkTypeRenderTest {
    private static final List<Sample> SAMPLES = List.of(
            new Sample("app.requests", Labels.of("env", "prod"), MetricType.COUNTER, null, SampleValue.of(9L),
                    1_717_171_717L, 120_000_000, "web-01", "orders"),
            new Sample("app.build", Labels.empty(), MetricType.GAUGE, null, SampleValue.of("1.2.3"),
                    1_717_171_717L, 0, "web-01", "orders"),
            new Sample("app.ratio", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(Double.NaN),
                    1_717_171_717L, 0, "web-01", "orders"),
            new Sample("app.latency", Labels.empty(), MetricType.TIMER, "p99", SampleValue.of(0.25),
                    1_717_171_718L, 0, "web-01", "orders"));

    @Test
    void rendersTheLinesTheSinkWritesAndWhyTheRestIsSkipped() throws Exception {
        try (GraphiteLineReceiver receiver = GraphiteLineReceiver.start()) {
            GraphiteSinkConfig config = GraphiteSinkConfig.of("carbon", "127.0.0.1", receiver.port())
                    .withPrefix("courier");
            List<String> lines = new ArrayList<>();
            List<String> skipped = new ArrayList<>();

            new GraphiteSinkType().render(config, SAMPLES, new RendersSamples.Output() {
                @Override
                public void line(String text) {
                    lines.add(text);
                }

                @Override
                public void skipped(Sample sample, String reason) {
                    skipped.add(sample.name() + ": " + reason);
                }
            });

            assertThat(lines).containsExactly("courier.web-01.counter.app.requests.prod 9 1717171717",
                    "courier.web-01.timer.app.latency.p99 0.25 1717171718");
            assertThat(skipped).containsExactly("app.build: text (Graphite stores numbers only)",
                    "app.ratio: non-finite");
            try (GraphiteSink sink = GraphiteSink.create(config)) {
                sink.send(new Batch(1, SAMPLES)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            await().until(() -> receiver.lines().size() == 2);
            assertThat(receiver.lines()).containsExactlyElementsOf(lines);
        }
    }
}
