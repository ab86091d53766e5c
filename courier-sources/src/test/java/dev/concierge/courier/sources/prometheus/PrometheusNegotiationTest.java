package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.core.testing.CapturedStderr;
import dev.concierge.courier.sources.LoopbackHttpServer;
import dev.concierge.courier.sources.RecordingEmitter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Content negotiation as Prometheus 3 does it: the exact {@code Accept} header, the answer's Content-Type
 * honoured, a missing or unknown one refused unless {@code fallback_protocol} says what to read.
 */
class PrometheusNegotiationTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    /** The same body read as OpenMetrics (seconds) or as text 0.0.4 (milliseconds) gives different instants. */
    private static final String STAMPED = "up 1 1700000000\n# EOF\n";

    private final RecordingEmitter emitter = new RecordingEmitter();
    private final AtomicReference<String> accept = new AtomicReference<>();
    private final AtomicReference<String> acceptEncoding = new AtomicReference<>();
    private LoopbackHttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** A server answering {@code body} with {@code contentType}, or no Content-Type at all when null. */
    private PrometheusConfig serving(String contentType, String body) {
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            accept.set(exchange.getRequestHeaders().getFirst("Accept"));
            acceptEncoding.set(exchange.getRequestHeaders().getFirst("Accept-Encoding"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (contentType != null) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        return PrometheusConfig.of("node", server.uri("/metrics")).withHost("web-01");
    }

    @Test
    void sendsPrometheus3sAcceptHeaderAndAsksForGzip() throws Exception {
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(serving("text/plain; version=0.0.4", "up 1\n"),
                CLOCK)) {
            source.collect(emitter);
        }

        // Prometheus 3 scrape/scrape.go acceptHeader(config.DefaultScrapeProtocols, allow-utf-8)
        assertThat(accept.get()).isEqualTo("application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
                + "application/openmetrics-text;version=0.0.1;q=0.5,"
                + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
                + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2");
        assertThat(acceptEncoding.get()).isEqualTo("gzip");
    }

    @Test
    void readsTheFormatTheContentTypeNames() throws Exception {
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(
                serving("application/openmetrics-text; version=1.0.0; charset=utf-8", STAMPED), CLOCK)) {
            source.collect(emitter);
        }
        assertThat(emitter.samples()).extracting(Sample::timestamp).containsExactly(Instant.ofEpochSecond(1_700_000_000L));

        emitter.clear();
        server.close();
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(
                serving("text/plain; version=0.0.4; charset=utf-8", "up 1 1700000000\n"), CLOCK)) {
            source.collect(emitter);
        }
        assertThat(emitter.samples()).extracting(Sample::timestamp).containsExactly(Instant.ofEpochMilli(1_700_000_000L));
    }

    @Test
    void readsTextVersion1AndOpenMetrics001AsTheirFamilies() throws Exception {
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(
                serving("application/openmetrics-text; version=0.0.1", STAMPED), CLOCK)) {
            source.collect(emitter);
        }
        assertThat(emitter.samples()).extracting(Sample::timestamp).containsExactly(Instant.ofEpochSecond(1_700_000_000L));

        emitter.clear();
        server.close();
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(
                serving("text/plain; version=1.0.0; escaping=allow-utf-8", "up 1 1700000000\n"), CLOCK)) {
            source.collect(emitter);
        }
        assertThat(emitter.samples()).extracting(Sample::timestamp).containsExactly(Instant.ofEpochMilli(1_700_000_000L));
    }

    @Test
    void refusesAScrapeWithoutContentTypeUnlessAFallbackIsSet() {
        PrometheusConfig config = serving(null, "up 1\n");
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(config, CLOCK)) {
            assertThatThrownBy(() -> source.collect(emitter))
                    .isInstanceOf(SourceException.class)
                    .hasMessageStartingWith(server.uri("/metrics").toString())
                    .hasMessageContaining("no Content-Type")
                    .hasMessageContaining("fallback_protocol");
            assertThat(emitter.samples()).isEmpty();
            assertThat(source.fallbackProtocolUsed()).isZero();
        }
    }

    @Test
    void refusesAnUnknownContentTypeUnlessAFallbackIsSet() {
        PrometheusConfig config = serving("text/html; charset=utf-8", "up 1\n");
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(config, CLOCK)) {
            assertThatThrownBy(() -> source.collect(emitter))
                    .isInstanceOf(SourceException.class)
                    .hasMessageContaining("Content-Type text/html; charset=utf-8")
                    .hasMessageContaining("fallback_protocol");
            assertThat(emitter.samples()).isEmpty();
        }
    }

    @Test
    void readsAMissingContentTypeAsTheFallbackAndCountsEachTime() throws Exception {
        PrometheusConfig config = serving(null, STAMPED).withFallbackProtocol(PrometheusFormat.OPENMETRICS_1_0);
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(config, CLOCK)) {
            source.collect(emitter);
            source.collect(emitter);

            assertThat(emitter.samples()).extracting(Sample::timestamp)
                    .containsOnly(Instant.ofEpochSecond(1_700_000_000L)).hasSize(2);
            assertThat(source.fallbackProtocolUsed()).isEqualTo(2);
            assertThat(source.events().get("fallback_protocol_used").getAsLong()).isEqualTo(2);
        }
    }

    @Test
    void warnsOncePerEpisodeOfFallbackAnswers() throws Exception {
        AtomicReference<String> contentType = new AtomicReference<>(null);
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            byte[] bytes = "up 1\n".getBytes(StandardCharsets.UTF_8);
            if (contentType.get() != null) {
                exchange.getResponseHeaders().set("Content-Type", contentType.get());
            }
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        PrometheusConfig config = PrometheusConfig.of("episodic", server.uri("/metrics"))
                .withFallbackProtocol(PrometheusFormat.TEXT_0_0_4);
        try (CapturedStderr stderr = new CapturedStderr();
             PrometheusScrapeSource source = PrometheusScrapeSource.create(config, CLOCK)) {
            source.collect(emitter);
            source.collect(emitter);
            contentType.set("text/plain; version=0.0.4");
            source.collect(emitter);
            contentType.set(null);
            source.collect(emitter);

            assertThat(stderr.text().lines().filter(line -> line.contains("WARN")
                    && line.contains("Source episodic: " + server.uri("/metrics") + " answered no Content-Type; read as "
                    + "fallback_protocol TEXT_0_0_4 until it names its format again"))).hasSize(2);
            assertThat(source.fallbackProtocolUsed()).isEqualTo(3);
        }
    }

    @Test
    void readsAnUnknownContentTypeAsTheFallback() throws Exception {
        PrometheusConfig config = serving("application/octet-stream", "up 1 1700000000\n")
                .withFallbackProtocol(PrometheusFormat.TEXT_0_0_4);
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(config, CLOCK)) {
            source.collect(emitter);

            assertThat(emitter.samples()).extracting(Sample::timestamp).containsExactly(Instant.ofEpochMilli(1_700_000_000L));
            assertThat(source.fallbackProtocolUsed()).isEqualTo(1);
        }
    }

    @Test
    void aKnownContentTypeWinsOverTheFallback() throws Exception {
        PrometheusConfig config = serving("application/openmetrics-text; version=1.0.0", STAMPED)
                .withFallbackProtocol(PrometheusFormat.TEXT_0_0_4);
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(config, CLOCK)) {
            source.collect(emitter);

            assertThat(emitter.samples()).extracting(Sample::timestamp).containsExactly(Instant.ofEpochSecond(1_700_000_000L));
            assertThat(source.fallbackProtocolUsed()).isZero();
        }
    }

    @Test
    void namesTheFallbackAsPrometheusDoes() {
        assertThat(PrometheusNegotiation.fallbackOf("text/plain;version=0.0.4")).isEqualTo(PrometheusFormat.TEXT_0_0_4);
        assertThat(PrometheusNegotiation.fallbackOf("PrometheusText0.0.4")).isEqualTo(PrometheusFormat.TEXT_0_0_4);
        assertThat(PrometheusNegotiation.fallbackOf("PrometheusText1.0.0")).isEqualTo(PrometheusFormat.TEXT_0_0_4);
        assertThat(PrometheusNegotiation.fallbackOf("application/openmetrics-text;version=1.0.0"))
                .isEqualTo(PrometheusFormat.OPENMETRICS_1_0);
        assertThat(PrometheusNegotiation.fallbackOf("OpenMetricsText0.0.1")).isEqualTo(PrometheusFormat.OPENMETRICS_1_0);
        assertThat(PrometheusNegotiation.FALLBACK_NAMES).contains("text/plain;version=0.0.4",
                "application/openmetrics-text;version=1.0.0", "OpenMetricsText1.0.0");
    }
}
