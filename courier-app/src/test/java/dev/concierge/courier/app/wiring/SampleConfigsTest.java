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

    /** Binds a sink's sample (one mapping) as the only sink of a configuration. */
    private static SinkDefinition sinkSample(String path) throws Exception {
        CourierConfig config = bind("data_dir: /tmp/courier\nsources:\n  - {name: a, type: dropwizard, file: /m.json}\n"
                + "sinks:\n" + indentedAsListEntry(resource(path)) + "\n");
        assertThat(config.sinks()).hasSize(1);
        return config.sinks().get(0);
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
    void consulSampleBinds() throws Exception {
        String sources = resource("/dev/concierge/courier/sources/consul/sample.yaml");

        CourierConfig config = bind("data_dir: /tmp/courier\n" + sources
                + "\nsinks:\n  - {name: zabbix, type: zabbix, server: 127.0.0.1}\n");

        assertThat(config.sources()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("consul-web");
            assertThat(s.type()).isEqualTo("consul");
            assertThat(s.interval()).isEqualTo(Duration.ofSeconds(10));
            assertThat(s.summary()).isEqualTo("http://127.0.0.1:8500 services [orders, payments] and tag metrics every PT10S");
        });
    }

    @Test
    void zabbixSampleBinds() throws Exception {
        SinkDefinition sink = sinkSample("/dev/concierge/courier/sinks/zabbix/sample.yaml");

        assertThat(sink.name()).isEqualTo("zabbix-main");
        assertThat(sink.summary()).isEqualTo("zabbix.example.org:10051");
    }

    @Test
    void fileSampleBinds() throws Exception {
        SinkDefinition sink = sinkSample("/dev/concierge/courier/sinks/file/sample.yaml");

        assertThat(sink.name()).isEqualTo("zabbix-file");
        assertThat(sink.type()).isEqualTo("file");
        assertThat(sink.summary()).isEqualTo("/var/spool/courier/zabbix-values.txt");
    }

    @Test
    void httpSampleBinds() throws Exception {
        SinkDefinition sink = sinkSample("/dev/concierge/courier/sinks/http/sample.yaml");

        assertThat(sink.name()).isEqualTo("influx-main");
        assertThat(sink.type()).isEqualTo("http");
        assertThat(sink.summary()).isEqualTo("influx to http://influx.example.org:8086/write?db=courier&precision=s");
        assertThat(sink.backlogBytes()).isEqualTo(64L << 20);
    }

    @Test
    void graphiteSampleBinds() throws Exception {
        SinkDefinition sink = sinkSample("/dev/concierge/courier/sinks/graphite/sample.yaml");

        assertThat(sink.name()).isEqualTo("graphite-main");
        assertThat(sink.type()).isEqualTo("graphite");
        assertThat(sink.summary()).isEqualTo("graphite-a.example.org:2003, graphite-b.example.org:2003 (failover)");
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
}
