package dev.concierge.courier.sources.dropwizard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import io.dropwizard.metrics5.Counter;
import io.dropwizard.metrics5.Gauge;
import io.dropwizard.metrics5.Histogram;
import io.dropwizard.metrics5.Meter;
import io.dropwizard.metrics5.MetricName;
import io.dropwizard.metrics5.MetricRegistry;
import io.dropwizard.metrics5.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The names a real Dropwizard Metrics 5 registry ({@code io.dropwizard.metrics5:metrics-core}) gives its metrics,
 * read back as a name and labels. metrics-json 5 is not published, so the document around the names is written
 * here as its {@code MetricsModule} writes it: the registry's maps with each {@code MetricName} as a JSON key by
 * its {@code toString()} (Jackson's key serializer for a type it does not know), values as in metrics-json 4.
 */
class Metrics5RegistryTest {
    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void everySampleHasTheNameAndTagsItWasRegisteredWith() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        MetricName requests = MetricName.build("app", "requests").tagged("method", "GET", "status", "200",
                "path", "/orders, archived");
        registry.counter(MetricName.build("jobs.active").tagged("queue", "io")).inc(3);
        registry.counter(MetricName.build("jobs.active").tagged("queue", "cpu", "shard", "7")).inc(5);
        registry.counter("plain.counter").inc(2);
        registry.registerGauge(MetricName.build("pool.size").tagged("pool", "db main"), () -> 12);
        registry.histogram(MetricName.build("payload.size").tagged("kind", "json")).update(42);
        registry.meter(MetricName.build("hits").tagged("cache", "l1", "region", "eu-west")).mark(4);
        registry.timer(requests).update(5, TimeUnit.MILLISECONDS);

        DropwizardJsonParser parser = new DropwizardJsonParser("app", "app-01");
        List<Sample> samples = parser.parse(write(registry), "metrics5", AT).samples();

        assertThat(parser.malformedTags()).isZero();
        List<Sample> expected = new ArrayList<>();
        registry.getCounters().forEach((name, counter) -> expected.add(sample(name, MetricType.COUNTER, "count",
                SampleValue.of(counter.getCount()))));
        registry.getGauges().forEach((name, gauge) -> expected.add(sample(name, MetricType.GAUGE, null,
                SampleValue.of(((Number) gauge.getValue()).longValue()))));
        assertThat(samples).containsAll(expected);
        assertThat(samples).filteredOn(s -> s.type() == MetricType.HISTOGRAM && "count".equals(s.field()))
                .containsExactly(sample(MetricName.build("payload.size").tagged("kind", "json"), MetricType.HISTOGRAM,
                        "count", SampleValue.of(1L)));
        assertThat(samples).filteredOn(s -> s.type() == MetricType.METER)
                .allSatisfy(s -> assertThat(s.labels()).isEqualTo(Labels.of("cache", "l1", "region", "eu-west")))
                .extracting(Sample::name).containsOnly("hits");
        assertThat(samples).filteredOn(s -> s.type() == MetricType.TIMER)
                .hasSize(17)
                .allSatisfy(s -> {
                    assertThat(s.name()).isEqualTo("app.requests");
                    assertThat(s.labels()).isEqualTo(Labels.of(requests.getTags().entrySet().stream()
                            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))));
                });
        assertThat(samples).extracting(Sample::name).doesNotContain(requests.toString());
    }

    private static Sample sample(MetricName name, MetricType type, String field, SampleValue value) {
        return new Sample(name.getKey(), Labels.of(name.getTags()), type, field, value, AT.getEpochSecond(),
                AT.getNano(), "app-01", "app");
    }

    /** The registry as metrics-json's MetricsModule writes it, seconds for rates and durations. */
    private static byte[] write(MetricRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = new JsonFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("version", "5.0.0");
            json.writeObjectFieldStart("gauges");
            for (Map.Entry<MetricName, Gauge<?>> e : registry.getGauges().entrySet()) {
                json.writeObjectFieldStart(e.getKey().toString());
                json.writeNumberField("value", ((Number) e.getValue().getValue()).longValue());
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeObjectFieldStart("counters");
            for (Map.Entry<MetricName, Counter> e : registry.getCounters().entrySet()) {
                json.writeObjectFieldStart(e.getKey().toString());
                json.writeNumberField("count", e.getValue().getCount());
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeObjectFieldStart("histograms");
            for (Map.Entry<MetricName, Histogram> e : registry.getHistograms().entrySet()) {
                json.writeObjectFieldStart(e.getKey().toString());
                json.writeNumberField("count", e.getValue().getCount());
                snapshot(json, e.getValue().getSnapshot(), 1.0);
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeObjectFieldStart("meters");
            for (Map.Entry<MetricName, Meter> e : registry.getMeters().entrySet()) {
                json.writeObjectFieldStart(e.getKey().toString());
                json.writeNumberField("count", e.getValue().getCount());
                rates(json, e.getValue().getFifteenMinuteRate(), e.getValue().getOneMinuteRate(),
                        e.getValue().getFiveMinuteRate(), e.getValue().getMeanRate());
                json.writeStringField("units", "events/second");
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeObjectFieldStart("timers");
            for (Map.Entry<MetricName, Timer> e : registry.getTimers().entrySet()) {
                Timer timer = e.getValue();
                json.writeObjectFieldStart(e.getKey().toString());
                json.writeNumberField("count", timer.getCount());
                snapshot(json, timer.getSnapshot(), 1.0e-9);
                rates(json, timer.getFifteenMinuteRate(), timer.getOneMinuteRate(), timer.getFiveMinuteRate(),
                        timer.getMeanRate());
                json.writeStringField("duration_units", "seconds");
                json.writeStringField("rate_units", "calls/second");
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        }
        return out.toByteArray();
    }

    private static void snapshot(JsonGenerator json, io.dropwizard.metrics5.Snapshot snapshot, double factor)
            throws IOException {
        json.writeNumberField("max", snapshot.getMax() * factor);
        json.writeNumberField("mean", snapshot.getMean() * factor);
        json.writeNumberField("min", snapshot.getMin() * factor);
        json.writeNumberField("p50", snapshot.getMedian() * factor);
        json.writeNumberField("p75", snapshot.get75thPercentile() * factor);
        json.writeNumberField("p95", snapshot.get95thPercentile() * factor);
        json.writeNumberField("p98", snapshot.get98thPercentile() * factor);
        json.writeNumberField("p99", snapshot.get99thPercentile() * factor);
        json.writeNumberField("p999", snapshot.get999thPercentile() * factor);
        json.writeNumberField("stddev", snapshot.getStdDev() * factor);
    }

    private static void rates(JsonGenerator json, double m15, double m1, double m5, double mean) throws IOException {
        json.writeNumberField("m15_rate", m15);
        json.writeNumberField("m1_rate", m1);
        json.writeNumberField("m5_rate", m5);
        json.writeNumberField("mean_rate", mean);
    }
}
