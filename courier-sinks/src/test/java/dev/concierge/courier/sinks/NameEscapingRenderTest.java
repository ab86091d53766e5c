package dev.concierge.courier.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.NameSyntax;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.spi.RendersSamples;
import dev.concierge.courier.sinks.file.FileSinkConfig;
import dev.concierge.courier.sinks.file.FileSinkType;
import dev.concierge.courier.sinks.graphite.GraphitePathTemplate;
import dev.concierge.courier.sinks.graphite.GraphiteSinkConfig;
import dev.concierge.courier.sinks.graphite.GraphiteSinkType;
import dev.concierge.courier.sinks.http.HttpSinkConfig;
import dev.concierge.courier.sinks.http.HttpSinkType;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The Graphite, file and HTTP sinks escape Prometheus names with their {@code name_escaping}, and under the
 * default send what they sent before the exporter moved to UTF-8. (The Zabbix sink has its own test, with
 * discovery.)
 */
class NameEscapingRenderTest {
    private static final Sample UTF8 = new Sample("my.metric", Labels.of("a.b", "x.y"), MetricType.GAUGE, null,
            SampleValue.of(3L), 1_717_171_717L, 0, "web-01", "node", NameSyntax.PROMETHEUS);
    private static final Sample LEGACY = new Sample("my_metric", Labels.of("a_b", "x.y"), MetricType.GAUGE, null,
            SampleValue.of(3L), 1_717_171_717L, 0, "web-01", "node", NameSyntax.PROMETHEUS);
    private static final Sample DROPWIZARD = new Sample("app.requests", Labels.empty(), MetricType.TIMER, "p99",
            SampleValue.of(1L), 1_717_171_717L, 0, "web-01", "app");

    private static List<String> lines(Consumer<RendersSamples.Output> render) {
        List<String> lines = new ArrayList<>();
        render.accept(new RendersSamples.Output() {
            @Override
            public void line(String text) {
                lines.add(text);
            }

            @Override
            public void skipped(Sample sample, String reason) {
                lines.add("skipped: " + reason);
            }
        });
        return lines;
    }

    private static List<String> graphite(GraphiteSinkConfig config, Sample... samples) {
        return lines(out -> new GraphiteSinkType().render(config, List.of(samples), out));
    }

    @Test
    void graphiteKeepsTheOneElementOfTheLegacyNameUnderTheDefault() {
        GraphiteSinkConfig config = GraphiteSinkConfig.of("carbon", "127.0.0.1", 2003);

        assertThat(graphite(config, UTF8, DROPWIZARD)).containsExactly(
                "web-01.gauge.my_metric.x_y 3 1717171717",
                "web-01.timer.app.requests.p99 1 1717171717");
        assertThat(graphite(config, UTF8)).isEqualTo(graphite(config, LEGACY));
        assertThat(graphite(config.withNameEscaping(NameEscaping.NONE), UTF8))
                .as("under none the dot separates path elements, as a Dropwizard name's does")
                .containsExactly("web-01.gauge.my.metric.x_y 3 1717171717");
        assertThat(graphite(config.withNameEscaping(NameEscaping.DOTS), UTF8))
                .containsExactly("web-01.gauge.my_dot_metric.x_y 3 1717171717");
        assertThat(graphite(config.withNameEscaping(NameEscaping.VALUES), UTF8))
                .containsExactly("web-01.gauge.U__my_2e_metric.x_y 3 1717171717");
    }

    @Test
    void graphiteTagsCarryTheEscapedLabelNamesAndALabelPlaceholderFindsEitherSpelling() {
        GraphiteSinkConfig tagged = GraphiteSinkConfig.of("carbon", "127.0.0.1", 2003).withTags(true);

        assertThat(graphite(tagged, UTF8)).containsExactly("web-01.gauge.my_metric;a_b=x.y 3 1717171717");
        assertThat(graphite(tagged.withNameEscaping(NameEscaping.VALUES), UTF8))
                .containsExactly("web-01.gauge.U__my_2e_metric;U__a_2e_b=x.y 3 1717171717");
        GraphitePathTemplate byLabel = GraphitePathTemplate.of("{name}.{label:a.b}.{label:a_b}", false, "",
                NameEscaping.UNDERSCORES);
        assertThat(byLabel.render(UTF8)).isEqualTo("my_metric.x_y.x_y");
    }

    @Test
    void theFileSinkWritesTheZabbixKeyTheZabbixSinkSends() {
        FileSinkConfig config = FileSinkConfig.of("spool", Path.of("/tmp/values.txt"));

        assertThat(lines(out -> new FileSinkType().render(config, List.of(UTF8, LEGACY), out))).containsExactly(
                "web-01 gauge[my_metric,a_b=x.y] 1717171717 0 3",
                "web-01 gauge[my_metric,a_b=x.y] 1717171717 0 3");
        assertThat(lines(out -> new FileSinkType().render(config.withNameEscaping(NameEscaping.NONE), List.of(UTF8),
                out))).containsExactly("web-01 gauge[my.metric,a.b=x.y] 1717171717 0 3");
    }

    @Test
    void theHttpSinkWritesEscapedNamesInJsonAndInfluxLines() {
        HttpSinkConfig json = HttpSinkConfig.of("h", URI.create("http://127.0.0.1:8086/write"));
        HttpSinkConfig influx = json.withFormat(HttpSinkConfig.Format.INFLUX);

        assertThat(lines(out -> new HttpSinkType().render(json, List.of(UTF8), out))).singleElement()
                .asString().contains("\"name\":\"my_metric\"").contains("\"labels\":{\"a_b\":\"x.y\"}");
        assertThat(lines(out -> new HttpSinkType().render(influx, List.of(UTF8), out)))
                .isEqualTo(lines(out -> new HttpSinkType().render(influx, List.of(LEGACY), out)));
        assertThat(lines(out -> new HttpSinkType().render(influx.withNameEscaping(NameEscaping.NONE), List.of(UTF8),
                out))).singleElement().asString().startsWith("my.metric,");
    }
}
