package dev.concierge.courier.sources.dropwizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class DropwizardConfigTest {

    @Test
    void appliesDefaultsFromOnePlace() {
        DropwizardConfig config = DropwizardConfig.ofUrl("orders", URI.create("http://127.0.0.1:8081/metrics"));

        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxBytes()).isEqualTo(16L << 20);
        assertThat(config.host()).isEqualTo(DropwizardConfig.defaultHost()).isNotBlank();
        assertThat(config.file()).isNull();
        assertThat(DropwizardConfig.fromSettings(Map.of("name", "orders", "url", "http://127.0.0.1:8081/metrics")))
                .isEqualTo(config);
    }

    @Test
    void bindsEveryEntryOfTheSampleConfig() throws IOException {
        List<Map<String, Object>> sources;
        try (InputStream in = DropwizardConfig.class.getResourceAsStream("sample.yaml")) {
            Map<String, List<Map<String, Object>>> root = new Yaml().load(in);
            sources = root.get("sources");
        }

        List<DropwizardConfig> configs = sources.stream().map(DropwizardConfig::fromSettings).toList();

        assertThat(configs).containsExactly(
                new DropwizardConfig("orders-service", URI.create("http://127.0.0.1:8081/metrics"), null,
                        Duration.ofSeconds(10), Duration.ofSeconds(5), 16L << 20, "orders-01"),
                new DropwizardConfig("nightly-batch", null, Path.of("/var/lib/nightly-batch/metrics.json"),
                        Duration.ofMinutes(1), Duration.ofSeconds(5), 16L << 20, DropwizardConfig.defaultHost()));
    }

    @Test
    void requiresExactlyOneOfUrlAndFile() {
        assertThatThrownBy(() -> DropwizardConfig.fromSettings(Map.of("name", "x")))
                .hasMessage("invalid dropwizard source x:\n  url, file: neither set (expected: exactly one)");
        assertThatThrownBy(() -> DropwizardConfig.fromSettings(Map.of("name", "x", "url", "http://h/m", "file", "/m.json")))
                .hasMessage("invalid dropwizard source x:\n  url, file: both set (expected: exactly one)");
    }

    @Test
    void reportsEveryProblemAtOnce() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("name", "orders");
        settings.put("type", "prometheus");
        settings.put("url", "ftp://h/metrics");
        settings.put("interval", "10");
        settings.put("timeout", "30s");
        settings.put("max_size", "16MB");
        settings.put("host", "");
        settings.put("port", 8081);

        assertThatThrownBy(() -> DropwizardConfig.fromSettings(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("""
                        invalid dropwizard source orders:
                          port: unknown key (expected: one of file, host, interval, max_size, name, timeout, type, url)
                          type: "prometheus" (expected: "dropwizard")
                          interval: "10" (expected: a duration such as 500ms, 10s, 5m or 1h)
                          max_size: "16MB" (expected: a size such as 512KiB, 16MiB, 1GiB or 100B)
                          url: ftp://h/metrics (expected: an http or https URL)
                          timeout: 30s (expected: at most the interval, 10s)
                          host: "" (expected: a non-blank host name)""");
    }

    @Test
    void rejectsLimitsOutOfRange() {
        DropwizardConfig config = DropwizardConfig.ofFile("batch", Path.of("/m.json"));

        assertThatThrownBy(() -> config.withMaxBytes(0)).hasMessageContaining("max_size: 0B (expected: 1B..");
        assertThatThrownBy(() -> config.withTimeout(Duration.ZERO)).hasMessageContaining("timeout: 0s (expected: > 0)");
        assertThatThrownBy(() -> config.withInterval(Duration.ofSeconds(1)))
                .hasMessageContaining("timeout: 5s (expected: at most the interval, 1s)");
    }
}
