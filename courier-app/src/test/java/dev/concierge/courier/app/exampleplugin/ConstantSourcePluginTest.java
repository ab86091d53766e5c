package dev.concierge.courier.app.exampleplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin that lives only in this package and one service line is configured, checked and run like a built-in one. */
class ConstantSourcePluginTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("courier.yaml"), yaml);
    }

    @Test
    void runsFromTheConfigurationLikeABuiltInSource() throws Exception {
        Path values = dir.resolve("values.txt");
        Path file = write("""
                data_dir: %s
                sources:
                  - {name: heartbeat, type: constant, metric: app.alive, value: 1, interval: 1s, host: app-01}
                sinks:
                  - {name: spool, type: file, path: %s}
                """.formatted(dir.resolve("data"), values));

        CourierConfig config = CourierConfig.load(new YamlConfigParser(Map.of()), file);
        assertThat(config.summary()).contains("heartbeat: constant app.alive = 1.0 every PT1S");

        try (Courier courier = Courier.start(config, new InMemoryDeliveryLedger(Clock.systemUTC(), 16),
                Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(values).exists().content()
                    .contains("app-01 gauge[app.alive] "));
        }
    }

    @Test
    void reportsItsProblemsAtTheirKeysWithEveryOtherProblem() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: constant, metric: .x, value: lots, intervl: 1s}
                  - {name: b, type: constant, metric: .y}
                sinks:
                  - {name: spool, type: file, path: relative.txt}
                """);

        assertThatThrownBy(() -> CourierConfig.load(new YamlConfigParser(Map.of()), file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sources[0].value: \"lots\" (expected: a number)")
                .hasMessageContaining("sources[0].intervl: unknown key (expected: one of name, type, include, "
                        + "exclude, fields, metric_relabel_configs, host_from_label, rename, labels, metric, value, interval, "
                        + "host)")
                .hasMessageContaining("sources[1].metric: \".y\" (expected: a name not starting with a dot)")
                .hasMessageContaining("sinks[0].path: \"relative.txt\" (expected: an absolute path to a file)");
    }
}
