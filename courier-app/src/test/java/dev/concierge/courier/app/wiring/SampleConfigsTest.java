package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.app.config.ConfigProblems;
import dev.concierge.courier.app.config.YamlConfigParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every plugin's documented sample.yaml, indented into its list as {@code courier config sample} prints it, binds
 * through the same code path as a real configuration.
 */
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

    /** Binds a source's sample (one mapping), as {@code courier config sample} prints it, as the only source. */
    private static SourceDefinition<?> sourceSample(String path) throws Exception {
        CourierConfig config = bind("data_dir: /tmp/courier\nsources:\n"
                + SampleConfiguration.asListEntry(resource(path))
                + "sinks:\n  - {name: zabbix, type: zabbix, server: 127.0.0.1}\n");
        assertThat(config.sources()).hasSize(1);
        return config.sources().get(0);
    }

    /** Binds a sink's sample (one mapping), as {@code courier config sample} prints it, as the only sink. */
    private static SinkDefinition<?> sinkSample(String path) throws Exception {
        CourierConfig config = bind("data_dir: /tmp/courier\nsources:\n  - {name: a, type: dropwizard, file: /m.json}\n"
                + "sinks:\n" + SampleConfiguration.asListEntry(resource(path)));
        assertThat(config.sinks()).hasSize(1);
        return config.sinks().get(0);
    }

    @Test
    void dropwizardSampleBinds() throws Exception {
        SourceDefinition<?> source = sourceSample("/dev/concierge/courier/sources/dropwizard/sample.yaml");

        assertThat(source.name()).isEqualTo("orders-service");
        assertThat(source.type()).isEqualTo("dropwizard");
        assertThat(source.interval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void consulSampleBinds() throws Exception {
        SourceDefinition<?> source = sourceSample("/dev/concierge/courier/sources/consul/sample.yaml");

        assertThat(source.name()).isEqualTo("consul-web");
        assertThat(source.type()).isEqualTo("consul");
        assertThat(source.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(source.summary())
                .isEqualTo("http://127.0.0.1:8500 services [orders, payments] and tag metrics every 10s, sharing targets "
                        + "with the passing concierge-courier couriers, 1 per target");
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
        SourceDefinition<?> source = sourceSample("/dev/concierge/courier/sources/prometheus/sample.yaml");

        assertThat(source.name()).isEqualTo("node");
        assertThat(source.type()).isEqualTo("prometheus");
        assertThat(source.interval()).isEqualTo(Duration.ofSeconds(10));
    }
}
