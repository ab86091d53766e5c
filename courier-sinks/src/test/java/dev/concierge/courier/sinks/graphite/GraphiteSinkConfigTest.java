package dev.concierge.courier.sinks.graphite;

import dev.concierge.courier.core.naming.NameEscaping;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.sinks.graphite.GraphiteSinkConfig.Mode;
import dev.concierge.courier.sinks.graphite.GraphiteSinkConfig.Server;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class GraphiteSinkConfigTest {

    private static Map<String, Object> sampleYaml() throws IOException {
        try (InputStream in = GraphiteSinkConfig.class.getResourceAsStream("sample.yaml")) {
            assertThat(in).as("sample.yaml beside the package").isNotNull();
            return new Yaml().load(in);
        }
    }

    private static Duration seconds(Object text) {
        String s = text.toString();
        assertThat(s).matches("\\d+s");
        return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
    }

    @Test
    void sampleYamlDocumentsEveryKeyWithTheDefaults() throws IOException {
        Map<String, Object> yaml = sampleYaml();

        assertThat(yaml).containsOnlyKeys("name", "type", "servers", "mode", "template", "tags", "prefix",
                "connect_timeout", "write_timeout", "max_batch_size", "name_escaping");
        assertThat(yaml.get("name_escaping")).isEqualTo(NameEscaping.DEFAULT.configName());
        assertThat(yaml.get("type")).isEqualTo("graphite");
        @SuppressWarnings("unchecked")
        List<Server> servers = ((List<String>) yaml.get("servers")).stream()
                .map(s -> Server.of(s.split(":")[0], Integer.parseInt(s.split(":")[1]))).toList();
        GraphiteSinkConfig fromYaml = new GraphiteSinkConfig(yaml.get("name").toString(), servers,
                Mode.valueOf(yaml.get("mode").toString().toUpperCase(Locale.ROOT)), (String) yaml.get("template"),
                (Boolean) yaml.get("tags"), (String) yaml.get("prefix"), seconds(yaml.get("connect_timeout")),
                seconds(yaml.get("write_timeout")), (Integer) yaml.get("max_batch_size"));

        assertThat(fromYaml).isEqualTo(GraphiteSinkConfig.of("graphite-main", servers));
        assertThat(fromYaml.serverList()).isEqualTo("graphite-a.example.org:2003, graphite-b.example.org:2003");
    }

    @Test
    void defaultsLiveInOnePlace() {
        GraphiteSinkConfig c = GraphiteSinkConfig.of("g", "127.0.0.1", GraphiteSinkConfig.DEFAULT_PORT);

        assertThat(c.servers()).containsExactly(Server.of("127.0.0.1", 2003));
        assertThat(c.mode()).isEqualTo(Mode.FAILOVER);
        assertThat(c.template()).isEqualTo("{host}.{type}.{name}.{field}.{labels}");
        assertThat(c.tags()).isFalse();
        assertThat(c.prefix()).isEmpty();
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.writeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.maxBatchSize()).isEqualTo(1000);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> new GraphiteSinkConfig(" ",
                List.of(Server.of("a", 2003), Server.of("", 0), Server.of("a", 2003)), null, "{host}.{nmae}",
                false, "dc1..x", Duration.ZERO, Duration.ofMinutes(10), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name: \" \" (expected: a non-empty name)")
                .hasMessageContaining("servers[1]: host \"\" (expected: a host name or address)")
                .hasMessageContaining("servers[1]: port 0 (expected: 1..65535)")
                .hasMessageContaining("servers[2]: a:2003 listed twice (expected: each server once)")
                .hasMessageContaining("mode: null (expected: failover or hash)")
                .hasMessageContaining("template: {nmae} (expected: one of {host}")
                .hasMessageContaining("prefix: \"dc1..x\" (expected: empty, or dot-separated elements")
                .hasMessageContaining("connect_timeout: PT0S (expected: > 0 and <= 300s)")
                .hasMessageContaining("write_timeout: PT10M (expected: > 0 and <= 300s)")
                .hasMessageContaining("max_batch_size: 0 (expected: 1..100000)");
        assertThatThrownBy(() -> GraphiteSinkConfig.of("g", List.of()))
                .hasMessageContaining("servers: none (expected: at least one host:port)");
    }
}
