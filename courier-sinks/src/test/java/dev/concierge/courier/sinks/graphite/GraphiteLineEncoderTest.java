package dev.concierge.courier.sinks.graphite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.testing.Samples;
import dev.concierge.courier.sinks.graphite.GraphiteLineEncoder.Verdict;
import org.junit.jupiter.api.Test;

class GraphiteLineEncoderTest {
    private final GraphiteLineEncoder plain = new GraphiteLineEncoder(GraphitePathTemplate.of(
            GraphiteSinkConfig.DEFAULT_TEMPLATE, false, ""));
    private final GraphiteLineEncoder tagged = new GraphiteLineEncoder(GraphitePathTemplate.of(
            GraphiteSinkConfig.DEFAULT_TEMPLATE, true, "courier"));

    private static Sample sample(String name, String field, SampleValue value, Labels labels) {
        return new Sample(name, labels, MetricType.TIMER, field, value, 1_700_000_000L, 987_654_321, "app-01",
                "orders");
    }

    @Test
    void writesPathValueAndWholeSecondsThenANewline() {
        assertThat(plain.encode(Samples.counter("app.requests", 42, 1_700_000_000L)))
                .isEqualTo("test-host.counter.app.requests 42 1700000000\n");
    }

    @Test
    void dropsTheSubSecondPartOfTheTimestamp() {
        assertThat(plain.encode(sample("app.requests", "p99", SampleValue.of(0.25), Labels.empty())))
                .isEqualTo("app-01.timer.app.requests.p99 0.25 1700000000\n");
    }

    @Test
    void writesDecimalsInAFormPythonFloatReads() {
        assertThat(plain.encode(sample("x", null, SampleValue.of(1e20), Labels.empty())))
                .isEqualTo("app-01.timer.x 1.0E20 1700000000\n");
        assertThat(plain.encode(sample("x", null, SampleValue.of(-3.0), Labels.empty())))
                .isEqualTo("app-01.timer.x -3 1700000000\n");
        assertThat(plain.encode(sample("x", null, SampleValue.of(Long.MIN_VALUE), Labels.empty())))
                .isEqualTo("app-01.timer.x -9223372036854775808 1700000000\n");
    }

    @Test
    void putsLabelValuesInThePathOrTagsAfterIt() {
        Sample s = sample("http.requests", "m1_rate", SampleValue.of(1.5), Labels.of("method", "GET", "code", "200"));

        assertThat(plain.encode(s)).isEqualTo("app-01.timer.http.requests.m1_rate.200.GET 1.5 1700000000\n");
        assertThat(tagged.encode(s))
                .isEqualTo("courier.app-01.timer.http.requests.m1_rate;code=200;method=GET 1.5 1700000000\n");
    }

    @Test
    void skipsTextAndLeavesTheBuilderAsItWas() {
        StringBuilder out = new StringBuilder("before\n");

        assertThat(plain.encode(sample("version", null, SampleValue.of("1.2.3"), Labels.empty()), out))
                .isEqualTo(Verdict.TEXT);
        assertThat(out).hasToString("before\n");
    }

    @Test
    void skipsNanAndInfinities() {
        for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            StringBuilder out = new StringBuilder();
            assertThat(plain.encode(sample("x", null, SampleValue.of(d), Labels.empty()), out))
                    .isEqualTo(Verdict.NON_FINITE);
            assertThat(out).isEmpty();
        }
    }

    @Test
    void skipsALineLongerThanCarbonReadsButSendsOneExactlyAtTheLimit() {
        // "app-01.timer." + name + " 7 1700000000": 13 + name + 13 characters without the newline.
        String atLimit = "n".repeat(GraphiteLineEncoder.MAX_LINE_BYTES - 26);
        StringBuilder out = new StringBuilder("kept\n");

        assertThat(plain.encode(sample(atLimit, null, SampleValue.of(7), Labels.empty()), out))
                .isEqualTo(Verdict.LINE);
        assertThat(out.length()).isEqualTo("kept\n".length() + GraphiteLineEncoder.MAX_LINE_BYTES + 1);

        out.setLength(0);
        out.append("kept\n");
        assertThat(plain.encode(sample(atLimit + "n", null, SampleValue.of(7), Labels.empty()), out))
                .isEqualTo(Verdict.TOO_LONG);
        assertThat(out).hasToString("kept\n");
    }

    @Test
    void skipsASampleWhosePathRendersEmpty() {
        GraphiteLineEncoder fieldOnly = new GraphiteLineEncoder(GraphitePathTemplate.of("{name}{field}", false, ""));

        assertThat(fieldOnly.encode(sample("...", null, SampleValue.of(1), Labels.empty()), new StringBuilder()))
                .isEqualTo(Verdict.EMPTY_PATH);
    }
}
