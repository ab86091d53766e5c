package dev.concierge.courier.sources.graphite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plaintext lines, tags and templates, as carbon and Telegraf read them. */
class GraphiteLineParserTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_717_171_720L, 5);

    private static GraphiteLineParser parser(String... templates) {
        return new GraphiteLineParser(List.of(templates).stream().map(GraphiteTemplate::parse).toList(), "app-01",
                "reporters");
    }

    @Test
    void readsPathValueAndTimestamp() {
        Sample sample = parser().parse("app.requests.count 42 1717171717", NOW);

        assertThat(sample).isEqualTo(new Sample("app.requests.count", Labels.empty(), MetricType.UNTYPED, null,
                SampleValue.of(42L), 1_717_171_717L, 0, "app-01", "reporters"));
    }

    @Test
    void stampsALineWithoutTimestampOrWithMinusOneWithTheReceiveTime() {
        assertThat(parser().parse("a 0.25", NOW).timestamp()).isEqualTo(NOW);
        assertThat(parser().parse("a 0.25 -1", NOW).timestamp()).isEqualTo(NOW);
        assertThat(parser().parse("a 0.25 -1", NOW).value()).isEqualTo(SampleValue.of(0.25));
    }

    @Test
    void turnsTagsIntoLabels() {
        Sample sample = parser().parse("disk.used;dc=eu;host_role=db 7 1717171717", NOW);

        assertThat(sample.name()).isEqualTo("disk.used");
        assertThat(sample.labels()).isEqualTo(Labels.of("dc", "eu", "host_role", "db"));
    }

    @Test
    void mapsPathPartsThroughTheFirstTemplateWhoseFilterMatches() {
        GraphiteLineParser parser = parser("servers.* .host.name*", "app.* .env.name*", "region.name.name");

        Sample server = parser.parse("servers.web-01.cpu.load 1.5 1717171717", NOW);
        Sample app = parser.parse("app.prod.requests.count;env=staging 3 1717171717", NOW);
        Sample region = parser.parse("eu.disk.free.extra 1 1717171717", NOW);

        assertThat(server.host()).isEqualTo("web-01");
        assertThat(server.name()).isEqualTo("cpu.load");
        assertThat(app.name()).isEqualTo("requests.count");
        assertThat(app.labels()).as("a tag wins over the template's label").isEqualTo(Labels.of("env", "staging"));
        assertThat(region.name()).isEqualTo("disk.free");
        assertThat(region.labels()).isEqualTo(Labels.of("region", "eu"));
    }

    @Test
    void refusesMalformedLines() {
        GraphiteLineParser parser = parser();
        for (String line : List.of("a", "a b", "a 1 2 3", "a nan 1", "a 1 x", "a..b 1", ".a 1", "a;t 1", "a;=v 1",
                "a 1e999", "a 1d")) {
            assertThat(parser.parse(line, NOW)).as(line).isNull();
        }
    }

    @Test
    void refusesTemplatesItCannotRead() {
        assertThatThrownBy(() -> GraphiteTemplate.parse("host.region")).hasMessageContaining("a name or name* word");
        assertThatThrownBy(() -> GraphiteTemplate.parse("name*.host")).hasMessageContaining("only as the last word");
        assertThatThrownBy(() -> GraphiteTemplate.parse("a b c")).hasMessageContaining("an optional filter");
        assertThatThrownBy(() -> GraphiteTemplate.parse("name.a-b")).hasMessageContaining("found \"a-b\"");
    }
}
