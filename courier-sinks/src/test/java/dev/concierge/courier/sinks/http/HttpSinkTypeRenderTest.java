package dev.concierge.courier.sinks.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.RendersSamples;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link HttpSinkType} renders is the request body the sink's encoder writes, piece by piece. */
class HttpSinkTypeRenderTest {
    private static final List<Sample> SAMPLES = List.of(
            new Sample("app.requests", Labels.of("env", "prod"), MetricType.COUNTER, null, SampleValue.of(9L),
                    1_717_171_717L, 120_000_000, "web-01", "orders"),
            new Sample("app.ratio", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(Double.NaN),
                    1_717_171_717L, 0, "web-01", "orders"),
            new Sample("app.status", Labels.empty(), MetricType.GAUGE, null, SampleValue.of("say \"hi\"\n"),
                    1_717_171_719L, 5, "web 02", "batch"));

    private final List<String> lines = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();

    private void render(HttpSinkConfig.Format format) {
        HttpSinkConfig config = HttpSinkConfig.of("api", URI.create("http://127.0.0.1:1/ingest")).withFormat(format);
        new HttpSinkType().render(config, SAMPLES, new RendersSamples.Output() {
            @Override
            public void line(String text) {
                lines.add(text);
            }

            @Override
            public void skipped(Sample sample, String reason) {
                skipped.add(sample.name() + ": " + reason);
            }
        });
    }

    @Test
    void rendersEachObjectOfTheJsonBodyOnALineOfItsOwn() {
        render(HttpSinkConfig.Format.JSON);

        assertThat(lines).containsExactly(
                "{\"name\":\"app.requests\",\"labels\":{\"env\":\"prod\"},\"type\":\"counter\",\"field\":null,"
                        + "\"value\":9,\"timestamp\":{\"seconds\":1717171717,\"nanos\":120000000},\"host\":\"web-01\","
                        + "\"source\":\"orders\"}",
                "{\"name\":\"app.status\",\"labels\":{},\"type\":\"gauge\",\"field\":null,\"value\":\"say \\\"hi\\\"\\n\","
                        + "\"timestamp\":{\"seconds\":1717171719,\"nanos\":5},\"host\":\"web 02\",\"source\":\"batch\"}");
        assertThat("[" + String.join(",", lines) + "]")
                .isEqualTo(new String(new JsonBodyEncoder().encode(SAMPLES).bytes(), StandardCharsets.UTF_8));
        assertThat(skipped).containsExactly("app.ratio: non-finite value");
    }

    @Test
    void rendersTheInfluxLinesOfTheBody() {
        render(HttpSinkConfig.Format.INFLUX);

        assertThat(lines).hasSize(2).first()
                .isEqualTo("app.requests,host=web-01,type=counter,env=prod value=9i 1717171717");
        assertThat(String.join("\n", lines) + "\n")
                .isEqualTo(new String(new InfluxBodyEncoder().encode(SAMPLES).bytes(), StandardCharsets.UTF_8));
        assertThat(skipped).containsExactly("app.ratio: non-finite value");
    }
}
