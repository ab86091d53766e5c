package dev.concierge.courier.sinks.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class HttpBodyEncoderTest {
    private static final List<Sample> SAMPLES = List.of(
            new Sample("app.requests", Labels.of("env", "prod", "dc", "eu 1"), MetricType.COUNTER, null,
                    SampleValue.of(9_007_199_254_740_993L), 1_717_171_717L, 120_000_000, "web-01", "orders"),
            new Sample("app.latency", Labels.empty(), MetricType.TIMER, "p99", SampleValue.of(0.25),
                    1_717_171_718L, 0, "web-01", "orders"),
            new Sample("app.status", Labels.empty(), MetricType.GAUGE, null, SampleValue.of("say \"hi\""),
                    1_717_171_719L, 5, "web 02", "batch"));

    private static String text(HttpBodyEncoder.EncodedBody body) {
        return new String(body.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void writesJsonAsAnArrayOfSampleObjectsWithEveryKey() {
        HttpBodyEncoder.EncodedBody body = new JsonBodyEncoder().encode(SAMPLES);

        assertThat(text(body)).isEqualTo("["
                + "{\"name\":\"app.requests\",\"labels\":{\"dc\":\"eu 1\",\"env\":\"prod\"},\"type\":\"counter\","
                + "\"field\":null,\"value\":9007199254740993,\"timestamp\":{\"seconds\":1717171717,\"nanos\":120000000},"
                + "\"host\":\"web-01\",\"source\":\"orders\"},"
                + "{\"name\":\"app.latency\",\"labels\":{},\"type\":\"timer\",\"field\":\"p99\",\"value\":0.25,"
                + "\"timestamp\":{\"seconds\":1717171718,\"nanos\":0},\"host\":\"web-01\",\"source\":\"orders\"},"
                + "{\"name\":\"app.status\",\"labels\":{},\"type\":\"gauge\",\"field\":null,\"value\":\"say \\\"hi\\\"\","
                + "\"timestamp\":{\"seconds\":1717171719,\"nanos\":5},\"host\":\"web 02\",\"source\":\"batch\"}"
                + "]");
        assertThat(body.written()).isEqualTo(3);
        assertThat(body.skipped()).isZero();
    }

    @Test
    void writesInfluxLinesWithSecondsTimestampsOnePerLine() {
        HttpBodyEncoder.EncodedBody body = new InfluxBodyEncoder().encode(SAMPLES);

        assertThat(text(body)).isEqualTo(""
                + "app.requests,host=web-01,type=counter,dc=eu\\ 1,env=prod value=9007199254740993i 1717171717\n"
                + "app.latency,host=web-01,type=timer p99=0.25 1717171718\n"
                + "app.status,host=web\\ 02,type=gauge value=\"say \\\"hi\\\"\" 1717171719\n");
    }

    @Test
    void skipsNonFiniteDecimalsInBothFormatsAndCountsThem() {
        List<Sample> samples = List.of(SAMPLES.get(0),
                Sample.of("not-a-number", MetricType.GAUGE, null, SampleValue.of(Double.NaN), Instant.EPOCH, "h", "s"),
                Sample.of("minus-infinity", MetricType.GAUGE, null, SampleValue.of(Double.NEGATIVE_INFINITY),
                        Instant.EPOCH, "h", "s"));

        for (HttpBodyEncoder encoder : List.of(new JsonBodyEncoder(), new InfluxBodyEncoder())) {
            HttpBodyEncoder.EncodedBody body = encoder.encode(samples);
            assertThat(body.written()).isEqualTo(1);
            assertThat(body.skipped()).isEqualTo(2);
            assertThat(text(body)).contains("app.requests").doesNotContain("not-a-number", "minus-infinity", "NaN", "Infinity");
        }
    }

    @Test
    void gzipsABodyThatInflatesBackToTheSameBytes() throws IOException {
        byte[] body = new JsonBodyEncoder().encode(SAMPLES).bytes();

        byte[] compressed = HttpSink.gzip(body);

        assertThat(compressed[0] & 0xff).isEqualTo(0x1f); // RFC 1952 magic
        assertThat(compressed[1] & 0xff).isEqualTo(0x8b);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
    }
}
