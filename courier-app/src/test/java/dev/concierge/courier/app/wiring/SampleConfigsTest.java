package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.app.config.ConfigProblems;
import dev.concierge.courier.app.config.YamlConfigParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every plugin's documented sample.yaml binds through the same code path as a real configuration. */
class SampleConfigsTest {

    private static String resource(String path) throws IOException {
        try (InputStream in = SampleConfigsTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static CourierConfig bind(String yaml) throws Exception {
        ConfigProblems problems = new ConfigProblems();
        CourierConfig config = CourierConfig.bind(new YamlConfigParser(Map.of()).parse("sample.yaml", yaml, problems),
                problems);
        assertThat(problems.sorted()).isEmpty();
        return config;
    }

    private static String indentedAsListEntry(String mapping) {
        return mapping.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> "    " + line).collect(Collectors.joining("\n")).replaceFirst("^    ", "  - ");
    }

    @Test
    void dropwizardSampleBinds() throws Exception {
        String sources = resource("/dev/concierge/courier/sources/dropwizard/sample.yaml");

        CourierConfig config = bind("data_dir: /tmp/courier\n" + sources
                + "\nsinks:\n  - {name: zabbix, type: zabbix, server: 127.0.0.1}\n");

        assertThat(config.sources()).extracting(SourceDefinition::name).containsExactly("orders-service",
                "nightly-batch");
        assertThat(config.sources()).extracting(SourceDefinition::interval)
                .containsExactly(Duration.ofSeconds(10), Duration.ofMinutes(1));
    }

    @Test
    void prometheusSampleBinds() throws Exception {
        String sources = resource("/dev/concierge/courier/sources/prometheus/sample.yaml");

        CourierConfig config = bind("data_dir: /tmp/courier\n" + sources
                + "\nsinks:\n  - {name: zabbix, type: zabbix, server: 127.0.0.1}\n");

        assertThat(config.sources()).extracting(SourceDefinition::name).containsExactly("node", "prometheus-self");
        assertThat(config.sources()).extracting(SourceDefinition::type).containsOnly("prometheus");
        assertThat(config.sources()).extracting(SourceDefinition::interval)
                .containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    @Test
    void zabbixSampleBinds() throws Exception {
        String sink = resource("/dev/concierge/courier/sinks/zabbix/sample.yaml");

        CourierConfig config = bind("data_dir: /tmp/courier\nsources:\n  - {name: a, type: dropwizard, file: /m.json}\n"
                + "sinks:\n" + indentedAsListEntry(sink) + "\n");

        assertThat(config.sinks()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("zabbix-main");
            assertThat(s.summary()).isEqualTo("zabbix.example.org:10051");
        });
    }
}
