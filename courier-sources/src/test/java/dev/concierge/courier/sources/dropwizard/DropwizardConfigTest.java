package dev.concierge.courier.sources.dropwizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DropwizardConfigTest {

    @Test
    void appliesDefaultsFromOnePlace() {
        DropwizardConfig config = DropwizardConfig.ofUrl("orders", URI.create("http://127.0.0.1:8081/metrics"));

        assertThat(config.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxBytes()).isEqualTo(16L << 20);
        assertThat(config.host()).isEqualTo(DropwizardConfig.defaultHost()).isNotBlank();
        assertThat(config.file()).isNull();
    }

    @Test
    void requiresExactlyOneOfUrlAndFile() {
        assertThatThrownBy(() -> new DropwizardConfig("x", null, null, Duration.ofSeconds(10), Duration.ofSeconds(5),
                16L << 20, "h"))
                .hasMessage("invalid dropwizard source x:\n  url, file: neither set (expected: exactly one)");
        assertThatThrownBy(() -> new DropwizardConfig("x", URI.create("http://h/m"), Path.of("/m.json"),
                Duration.ofSeconds(10), Duration.ofSeconds(5), 16L << 20, "h"))
                .hasMessage("invalid dropwizard source x:\n  url, file: both set (expected: exactly one)");
    }

    @Test
    void reportsEveryBrokenRuleAtOnce() {
        assertThatThrownBy(() -> new DropwizardConfig("orders", URI.create("ftp://h/metrics"), null,
                Duration.ofSeconds(10), Duration.ofSeconds(30), 16L << 20, ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("""
                        invalid dropwizard source orders:
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
