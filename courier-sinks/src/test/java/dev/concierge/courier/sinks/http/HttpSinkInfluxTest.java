package dev.concierge.courier.sinks.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.pipeline.Backoff;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.testing.ListSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Line protocol through a real pipeline into a real InfluxDB 1.x, read back point by point. */
class HttpSinkInfluxTest {
    private static final Backoff NO_WAIT = failures -> Duration.ZERO;
    private static final long BASE = 1_700_000_000L;
    private static RealInfluxDb influx;

    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
    private Pipeline pipeline;

    @BeforeAll
    static void startInflux() throws Exception {
        influx = RealInfluxDb.start("courier");
    }

    @AfterAll
    static void stopInflux() {
        if (influx != null) {
            influx.close();
        }
    }

    @AfterEach
    void stopPipeline() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(5));
        }
    }

    /** Integers beyond 2^53, decimals with a field, text with quotes and spaces, labels with commas and spaces. */
    private static List<Sample> mixedSamples() {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            samples.add(new Sample("app.requests", Labels.of("env", "prod", "shard", "s " + (i % 3) + ",x"),
                    MetricType.COUNTER, null, SampleValue.of(9_007_199_254_740_993L + i), BASE + i, 0, "web-01",
                    "orders"));
            samples.add(new Sample("app.latency", Labels.of("env", "prod"), MetricType.TIMER, "p99",
                    SampleValue.of(0.001 + i * 0.125), BASE + i, 0, "web-01", "orders"));
            samples.add(new Sample("app.status", Labels.empty(), MetricType.GAUGE, null,
                    SampleValue.of("state \"ok\" #" + i + ", \\ fine"), BASE + i, 0, "web 02", "orders"));
        }
        return samples;
    }

    @Test
    void storesEveryValueOfAPipelineRunAsSent() {
        List<Sample> samples = mixedSamples();
        HttpSink sink = HttpSink.create(HttpSinkConfig.of("influx", influx.writeUrl())
                .withFormat(HttpSinkConfig.Format.INFLUX).withMaxBatchSize(7).withMaxInFlight(2).withGzip(true));
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(new ListSource("orders", run -> run == 0 ? samples : List.of()),
                        Duration.ofHours(1))),
                List.of(new SinkSpec(sink, NO_WAIT, 1 << 20)), Clock.systemUTC());
        pipeline.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.totals("influx").accepted() == samples.size());

        Map<String, JsonNode> stored = new HashMap<>();
        // One measurement per query: InfluxDB 1.6 leaves out a string field when measurements in one SELECT
        // disagree on the type of "value".
        for (String measurement : List.of("app.requests", "app.latency", "app.status")) {
            readPoints(measurement, stored);
        }
        assertThat(ledger.totals("influx").rejected()).isZero();
        for (Sample sample : samples) {
            String prefix = sample.name() + "@" + sample.epochSecond() + "/" + sample.host() + "/";
            String field = sample.field() == null ? "value" : sample.field();
            JsonNode value = stored.get(prefix + field);
            assertThat(value).as(prefix + field).isNotNull();
            if (sample.value() instanceof SampleValue.Integer integer) {
                assertThat(value.isIntegralNumber()).as(prefix).isTrue();
                assertThat(value.asLong()).as(prefix).isEqualTo(integer.value());
            } else if (sample.value() instanceof SampleValue.Decimal decimal) {
                assertThat(value.asDouble()).as(prefix).isEqualTo(decimal.value());
            } else {
                assertThat(value.asText()).as(prefix).isEqualTo(sample.value().render());
            }
            assertThat((stored.get(prefix + "type")).asText()).isEqualTo(sample.type().keyPrefix());
            for (int l = 0; l < sample.labels().size(); l++) {
                assertThat((stored.get(prefix + sample.labels().name(l))).asText())
                        .as(prefix + sample.labels().name(l)).isEqualTo(sample.labels().value(l));
            }
        }
    }

    /** Every column of every point, keyed {@code measurement@seconds/host/column}. */
    private static void readPoints(String measurement, Map<String, JsonNode> into) {
        for (JsonNode series : influx.query("SELECT * FROM \"" + measurement + "\"").path(0).path("series")) {
            List<String> columns = new ArrayList<>();
            series.path("columns").forEach(c -> columns.add(c.asText()));
            for (JsonNode point : series.path("values")) {
                String prefix = series.path("name").asText() + "@" + point.path(0).asLong() + "/"
                        + point.path(columns.indexOf("host")).asText() + "/";
                for (int c = 0; c < columns.size(); c++) {
                    into.put(prefix + columns.get(c), point.path(c));
                }
            }
        }
    }
}
