package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.sinks.file.FileSinkConfig;
import dev.concierge.courier.sinks.graphite.GraphiteSinkConfig;
import dev.concierge.courier.sinks.http.HttpSinkConfig;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every sink that renders names reads {@code name_escaping}; a wrong value is reported where it is written. */
class NameEscapingConfigTest {
    @TempDir
    Path dir;

    private CourierConfig load(String yaml) throws Exception {
        Path file = dir.resolve("courier.yaml");
        Files.writeString(file, yaml);
        return CourierConfig.load(new YamlConfigParser(Map.of()), file);
    }

    @Test
    void readsTheSchemeOfEverySinkAndDefaultsToUnderscores() throws Exception {
        CourierConfig config = load("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - {name: z, type: zabbix, server: 127.0.0.1, name_escaping: values}
                  - {name: g, type: graphite, server: 127.0.0.1, name_escaping: dots}
                  - {name: f, type: file, path: /tmp/values.txt, name_escaping: none}
                  - {name: h, type: http, url: "http://127.0.0.1:8086/write", name_escaping: underscores}
                  - {name: z2, type: zabbix, server: 127.0.0.1}
                  - {name: g2, type: graphite, server: 127.0.0.1}
                """);

        assertThat(((ZabbixSinkType.Config) config.sinks().get(0).config()).sink().nameEscaping())
                .isEqualTo(NameEscaping.VALUES);
        assertThat(((GraphiteSinkConfig) config.sinks().get(1).config()).nameEscaping()).isEqualTo(NameEscaping.DOTS);
        assertThat(((FileSinkConfig) config.sinks().get(2).config()).nameEscaping()).isEqualTo(NameEscaping.NONE);
        assertThat(((HttpSinkConfig) config.sinks().get(3).config()).nameEscaping())
                .isEqualTo(NameEscaping.UNDERSCORES);
        assertThat(((ZabbixSinkType.Config) config.sinks().get(4).config()).sink().nameEscaping())
                .isEqualTo(NameEscaping.UNDERSCORES);
        assertThat(((GraphiteSinkConfig) config.sinks().get(5).config()).nameEscaping())
                .isEqualTo(NameEscaping.UNDERSCORES);
    }

    @Test
    void reportsAnUnknownSchemeAtItsLineAndColumnWithTheOthers() {
        assertThatThrownBy(() -> load("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - name: z
                    type: zabbix
                    server: 127.0.0.1
                    name_escaping: allow-utf-8
                  - {name: g, type: graphite, server: 127.0.0.1, name_escaping: Dots, max_batch_size: 0}
                """))
                .hasMessageContaining("courier.yaml:8:20: sinks[0].name_escaping: \"allow-utf-8\" "
                        + "(expected: one of underscores, dots, values, none)")
                .hasMessageContaining("courier.yaml:9:65: sinks[1].name_escaping: \"Dots\"")
                .hasMessageContaining("sinks[1].max_batch_size");
    }

    @Test
    void aChangedSchemeIsAChangedSinkOnReload() throws Exception {
        String yaml = """
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - {name: z, type: zabbix, server: 127.0.0.1%s}
                """;
        CourierConfig before = load(yaml.formatted(""));
        CourierConfig same = load(yaml.formatted(", name_escaping: underscores"));
        CourierConfig after = load(yaml.formatted(", name_escaping: values"));

        assertThat(before.sinks().get(0).sameAs(same.sinks().get(0))).isTrue();
        assertThat(before.sinks().get(0).sameAs(after.sinks().get(0))).isFalse();
    }
}
