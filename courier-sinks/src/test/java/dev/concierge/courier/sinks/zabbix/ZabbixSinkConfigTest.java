package dev.concierge.courier.sinks.zabbix;

import dev.concierge.courier.core.naming.NameEscaping;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.sinks.zabbix.client.ZabbixServerNodes;
import dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class ZabbixSinkConfigTest {

    private static Map<String, Object> sampleYaml() throws IOException {
        try (InputStream in = ZabbixSinkConfig.class.getResourceAsStream("sample.yaml")) {
            assertThat(in).as("sample.yaml beside the package").isNotNull();
            return new Yaml().load(in);
        }
    }

    private static Duration duration(Object text) {
        String s = text.toString();
        assertThat(s).matches("\\d+s");
        return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
    }

    private static ZabbixTlsConfig tls(Object section) {
        assertThat(section).asInstanceOf(InstanceOfAssertFactories.MAP).containsOnlyKeys("connect");
        return new ZabbixTlsConfig(ZabbixTlsConfig.Connect.ofConfigName(((Map<?, ?>) section).get("connect").toString()),
                null, null, null, null, null);
    }

    @Test
    void sampleYamlDocumentsEveryKeyWithTheDefaults() throws IOException {
        Map<String, Object> yaml = sampleYaml();

        assertThat(yaml).containsOnlyKeys("name", "type", "server", "host", "max_rows_per_frame", "max_in_flight",
                "connect_timeout", "read_timeout", "compression", "tls", "discovery", "name_escaping");
        assertThat(yaml.get("name_escaping")).isEqualTo(NameEscaping.DEFAULT.configName());
        assertThat(yaml.get("type")).isEqualTo("zabbix");
        String[] server = yaml.get("server").toString().split(":");
        ZabbixSinkConfig defaults = ZabbixSinkConfig.of(yaml.get("name").toString(), server[0],
                Integer.parseInt(server[1]));
        ZabbixSinkConfig fromYaml = new ZabbixSinkConfig(yaml.get("name").toString(),
                ZabbixServerNodes.parse(yaml.get("server").toString(), 10051), (String) yaml.get("host"), (Integer) yaml.get("max_rows_per_frame"),
                (Integer) yaml.get("max_in_flight"), duration(yaml.get("connect_timeout")),
                duration(yaml.get("read_timeout")), (Boolean) yaml.get("compression"), tls(yaml.get("tls")));
        assertThat(fromYaml).isEqualTo(defaults);
        assertThat(fromYaml.server()).isEqualTo("zabbix.example.org:10051");
    }

    @Test
    void defaultsLiveInOnePlace() {
        ZabbixSinkConfig c = ZabbixSinkConfig.of("z", "127.0.0.1", ZabbixSinkConfig.DEFAULT_SERVER_PORT);

        assertThat(c.host()).isNull();
        assertThat(c.maxRowsPerFrame()).isEqualTo(1000);
        assertThat(c.maxInFlight()).isEqualTo(4);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.readTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.compression()).isFalse();
        assertThat(c.tls()).isEqualTo(ZabbixTlsConfig.UNENCRYPTED);
        assertThat(c.withTls(null).tls()).isEqualTo(ZabbixTlsConfig.UNENCRYPTED);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> new ZabbixSinkConfig("z", null, " ", 0, 0, Duration.ZERO, null, false, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid zabbix sink \"z\":"
                        + "\n  server: null (expected: host:port, or the nodes of an HA cluster as host:port;host:port)"
                        + "\n  host: \" \" (expected: absent, or 1..128 characters, ZBX_MAX_HOSTNAME_LEN)"
                        + "\n  max_rows_per_frame: 0 (expected: 1..100000)"
                        + "\n  max_in_flight: 0 (expected: 1..256)"
                        + "\n  connect_timeout: PT0S (expected: > 0 and <= 300s)"
                        + "\n  read_timeout: null (expected: > 0 and <= 300s)");
    }
}
