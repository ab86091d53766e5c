package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sink's {@code sources}: which sources' samples it takes. */
class RoutingTest {
    @TempDir
    Path dir;

    private CourierConfig load(String yaml) throws Exception {
        return CourierConfig.load(new YamlConfigParser(Map.of()), Files.writeString(dir.resolve("courier.yaml"), yaml));
    }

    @Test
    void eachSinkReceivesOnlyTheSourcesItNames() throws Exception {
        Path appFile = dir.resolve("app.txt");
        Path nodeFile = dir.resolve("node.txt");
        Path allFile = dir.resolve("all.txt");
        CourierConfig config = load("""
                data_dir: %s
                sources:
                  - {name: app, type: constant, metric: app.alive, interval: 1s, host: app-01}
                  - {name: node, type: constant, metric: node.load, interval: 1s, host: node-01}
                sinks:
                  - {name: to-app, type: file, path: %s, sources: [app]}
                  - {name: to-node, type: file, path: %s, sources: [node]}
                  - {name: to-all, type: file, path: %s}
                """.formatted(dir.resolve("data"), appFile, nodeFile, allFile));

        assertThat(config.summary()).contains("to-app: file " + appFile + " from app")
                .contains("to-all: file " + allFile + "]");
        try (Courier courier = Courier.start(config, new InMemoryDeliveryLedger(Clock.systemUTC(), 64),
                Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(allFile).exists().content().contains("gauge[app.alive]").contains("gauge[node.load]");
                assertThat(appFile).exists().content().contains("gauge[app.alive]");
                assertThat(nodeFile).exists().content().contains("gauge[node.load]");
            });
            assertThat(courier.pipeline().sinkStats().get("to-app").received())
                    .isEqualTo(courier.pipeline().sourceStats().get("app").accepted());
        }
        assertThat(appFile).content().doesNotContain("node.load");
        assertThat(nodeFile).content().doesNotContain("app.alive");
    }

    @Test
    void reportsEveryUnknownSourceAndAnEmptyListWhereTheyAreWritten() throws Exception {
        assertThatThrownBy(() -> load("""
                data_dir: /tmp/courier
                sources:
                  - {name: app, type: constant, metric: app.alive}
                  - {name: broken, type: constant, metric: .x}
                sinks:
                  - {name: a, type: file, path: /tmp/a.txt, sources: [app, nod, broken]}
                  - {name: b, type: file, path: /tmp/b.txt, sources: []}
                  - {name: c, type: file, path: /tmp/c.txt, sources: [courier]}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("courier.yaml:6:60: sinks[0].sources[1]: no source named \"nod\" "
                        + "(expected: one of app, broken)")
                .hasMessageContaining("courier.yaml:7:54: sinks[1].sources: an empty list (expected: at least one "
                        + "source name, or no sources key for every source)")
                .hasMessageContaining("sinks[2].sources[0]: no source named \"courier\"")
                .hasMessageNotContaining("\"broken\" (expected");
    }

    @Test
    void theCouriersOwnMetricsCanBeRoutedByName() throws Exception {
        CourierConfig config = load("""
                data_dir: /tmp/courier
                self_metrics: {interval: 10s}
                sources:
                  - {name: app, type: constant, metric: app.alive}
                sinks:
                  - {name: a, type: file, path: /tmp/a.txt, sources: [courier]}
                """);

        assertThat(config.sinks()).singleElement().satisfies(sink -> assertThat(sink.sources())
                .containsExactly("courier"));
    }

    @Test
    void aChangedListMakesTheSinkDifferentForAReload() throws Exception {
        String yaml = """
                data_dir: /tmp/courier
                sources:
                  - {name: app, type: constant, metric: app.alive}
                  - {name: node, type: constant, metric: node.load}
                sinks:
                  - {name: a, type: file, path: /tmp/a.txt, sources: %s}
                """;
        SinkDefinition<?> one = load(yaml.formatted("[app]")).sinks().get(0);
        SinkDefinition<?> same = load(yaml.formatted("[app]")).sinks().get(0);
        SinkDefinition<?> two = load(yaml.formatted("[app, node]")).sinks().get(0);

        assertThat(same.sameAs(one)).isTrue();
        assertThat(two.sameAs(one)).isFalse();
    }
}
