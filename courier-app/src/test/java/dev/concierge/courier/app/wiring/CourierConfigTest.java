package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.YamlConfigParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CourierConfigTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("courier.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static CourierConfig load(Path file, Map<String, String> env) throws ConfigException {
        return CourierConfig.load(new YamlConfigParser(env), file);
    }

    @Test
    void bindsTheConfigurationShapeFromTheReadme() throws Exception {
        Path file = write("""
                data_dir: /var/lib/courier
                sources:
                  - name: app
                    type: dropwizard
                    url: http://127.0.0.1:8081/metrics     # or  file: /tmp/metrics.json
                    interval: 10s
                sinks:
                  - name: zabbix
                    type: zabbix
                    server: 127.0.0.1:10051
                    host: app-01                           # the Zabbix host the rows belong to
                """);

        CourierConfig config = load(file, Map.of());

        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/courier"));
        assertThat(config.sources()).singleElement().satisfies(source -> {
            assertThat(source.name()).isEqualTo("app");
            assertThat(source.interval()).isEqualTo(Duration.ofSeconds(10));
        });
        assertThat(config.sinks()).singleElement().satisfies(sink -> assertThat(sink.summary())
                .isEqualTo("127.0.0.1:10051 as host app-01"));
        assertThat(config.shutdownDeadline()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void interpolatesTheEnvironment() throws Exception {
        Path file = write("""
                data_dir: ${STATE:-/tmp/courier}
                sources:
                  - name: app
                    type: dropwizard
                    file: ${METRICS_FILE:?set METRICS_FILE to the exported document}
                sinks:
                  - name: zabbix
                    type: zabbix
                    server: ${ZABBIX}
                """);

        CourierConfig config = load(file, Map.of("METRICS_FILE", "/tmp/m.json", "ZABBIX", "zbx:10051"));

        assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/courier"));
        assertThat(config.sources().get(0).summary()).startsWith("/tmp/m.json");
        assertThat(config.sinks().get(0).summary()).isEqualTo("zbx:10051");
    }

    @Test
    void reportsEveryProblemAtOnceWithLineAndColumn() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - name: app
                    type: dropwizard
                    url: http://127.0.0.1:8081/metrics
                    interval: 10
                  - name: app
                    type: carrier-pigeon
                sinks:
                  - name: zabbix
                    type: zabbix
                    server: 127.0.0.1:100051
                    servr: typo
                    backoff: {initial: 2s, max: 1s}
                """);

        assertThatThrownBy(() -> load(file, Map.of("ZABBIX", "x")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(5))
                .hasMessageContaining("courier.yaml:6:15: sources[0].interval")
                .hasMessageContaining("courier.yaml:8:11: sources[1].type")
                .hasMessageContaining("courier.yaml:12:13: sinks[0].server")
                .hasMessageContaining("courier.yaml:13:5: sinks[0].servr: unknown key")
                .hasMessageContaining("sinks[0].backoff");
    }

    @Test
    void refusesASourceWithNeitherUrlNorFileAndOneWithBoth() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard}
                  - {name: b, type: dropwizard, url: "http://h/metrics", file: /tmp/m.json}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1"}
                """);

        assertThatThrownBy(() -> load(file, Map.of()))
                .hasMessageContaining("sources[0]: neither url nor file (expected: exactly one of them)")
                .hasMessageContaining("sources[1]: both url and file (expected: exactly one of them)");
    }

    @Test
    void reportsRulesThatSpanSeveralKeysAtThePluginEntry() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json, interval: 5s, timeout: 30s}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1"}
                  - {name: zabbix, type: zabbix, server: "127.0.0.2"}
                """);

        assertThatThrownBy(() -> load(file, Map.of()))
                .hasMessageContaining("courier.yaml:3:5: sources[0]: timeout: 30s (expected: at most the interval, 5s)")
                .hasMessageContaining("sinks[1].name: zabbix used twice (expected: a unique sink name)");
    }
}
