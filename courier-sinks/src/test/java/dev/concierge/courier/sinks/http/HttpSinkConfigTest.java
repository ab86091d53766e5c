package dev.concierge.courier.sinks.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.concierge.courier.core.spi.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpSinkConfigTest {
    private static final URI INFLUX = URI.create("http://127.0.0.1:8086/write?db=courier&precision=s");

    @Test
    void appliesTheDefaults() {
        HttpSinkConfig config = HttpSinkConfig.of("http", INFLUX);

        assertThat(config.format()).isEqualTo(HttpSinkConfig.Format.JSON);
        assertThat(config.gzip()).isFalse();
        assertThat(config.headers()).isEmpty();
        assertThat(config.auth()).isNull();
        assertThat(config.trustStore()).isNull();
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxInFlight()).isEqualTo(4);
        assertThat(config.maxBatchSize()).isEqualTo(1000);
    }

    @Test
    void reportsEveryProblemAtOnceOnePerLine() {
        assertThatIllegalArgumentException().isThrownBy(() -> new HttpSinkConfig(" ",
                        URI.create("ftp://host/x"), null, false, headersInOrder("Host", "h", "X-Key", "a\nb"), null,
                        new HttpTrustStore(Path.of("/nonexistent/trust.p12"), null, null), Duration.ZERO,
                        Duration.ofHours(1), 0, 100_001))
                .satisfies(e -> assertThat(e.getMessage().lines().map(String::strip)).containsExactly(
                        "invalid http sink \" \":",
                        "name: \" \" (expected: a non-empty name)",
                        "url: ftp://host/x (expected: an http or https URL with a host)",
                        "format: null (expected: json or influx)",
                        "headers.Host: set by the sink (expected: none of connection, content-encoding, "
                                + "content-length, content-type, expect, host, upgrade)",
                        "headers.X-Key: a value with a line break or none (expected: one line of text)",
                        "tls.trust_store: /nonexistent/trust.p12 (expected: a readable key store file)",
                        "connect_timeout: PT0S (expected: > 0 and <= 5m)",
                        "read_timeout: PT1H (expected: > 0 and <= 5m)",
                        "max_in_flight: 0 (expected: 1..64)",
                        "max_batch_size: 100001 (expected: 1..100000)"));
    }

    @Test
    void warnsWhenAnInfluxUrlLacksPrecisionSeconds() {
        HttpSinkConfig config = HttpSinkConfig.of("influx", URI.create("http://127.0.0.1:8086/write?db=courier"))
                .withFormat(HttpSinkConfig.Format.INFLUX);

        assertThat(config.warnings()).singleElement().asString()
                .startsWith("url: http://127.0.0.1:8086/write?db=courier has no precision=s");
        assertThat(HttpSinkConfig.of("influx", INFLUX).withFormat(HttpSinkConfig.Format.INFLUX).warnings()).isEmpty();
        assertThat(HttpSinkConfig.of("json", URI.create("http://h/ingest")).warnings()).isEmpty();
    }

    @Test
    void refusesAnInfluxUrlWithAnotherPrecision() {
        assertThatIllegalArgumentException().isThrownBy(() -> HttpSinkConfig.of("influx",
                        URI.create("http://h:8086/write?db=c&precision=ms")).withFormat(HttpSinkConfig.Format.INFLUX))
                .withMessageContaining("url: precision=ms (expected: precision=s");
    }

    @Test
    void refusesCredentialsInTheUrlWithoutQuotingThem() {
        assertThatIllegalArgumentException().isThrownBy(() -> HttpSinkConfig.of("c",
                        URI.create("http://user:hunter2@h/ingest")))
                .withMessageContaining("url: credentials in the URL")
                .withMessageNotContaining("hunter2");
    }

    @Test
    void masksSecretsHeaderValuesAndSecretQueryValuesInToString() {
        HttpSinkConfig config = HttpSinkConfig.of("c", URI.create("http://h:8086/write?db=c&u=me&p=hunter2&precision=s"))
                .withAuth(new HttpAuth.Basic("courier", Secret.of("pa55")))
                .withHeaders(Map.of("X-Api-Key", "k3y"));

        assertThat(config.toString())
                .contains("http://h:8086/write?db=c&u=******&p=******&precision=s", "X-Api-Key", "courier")
                .doesNotContain("hunter2", "pa55", "k3y");
    }

    /** Headers in the order given, as a configuration file lists them. */
    private static Map<String, String> headersInOrder(String... namesAndValues) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }
}
