package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.RecordingEmitter;
import dev.concierge.courier.sources.fetch.DocumentFetcher;
import dev.concierge.courier.sources.fetch.FetchedDocument;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** {@code on_invalid}: what a scrape with a line the parser cannot use costs, and {@code created_series}. */
class PrometheusInvalidScrapeTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";
    private final RecordingEmitter emitter = new RecordingEmitter();

    /** Serves one fixed document, as a scrape would, without a network. */
    private record FixedDocument(String contentType, String body) implements DocumentFetcher {
        @Override
        public String location() {
            return "http://exporter/metrics";
        }

        @Override
        public long maxBytes() {
            return 1 << 20;
        }

        @Override
        public byte[] fetch() {
            return body.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public FetchedDocument fetchDocument() {
            return new FetchedDocument(fetch(), contentType);
        }
    }

    private static PrometheusScrapeSource source(PrometheusConfig config, String contentType, String body) {
        return new PrometheusScrapeSource(config, new FixedDocument(contentType, body), CLOCK);
    }

    private static PrometheusConfig config() {
        return PrometheusConfig.of("node", URI.create("http://exporter/metrics"));
    }

    @Test
    void dropsTheBadLineAndKeepsTheRestByDefault() throws Exception {
        assertThat(config().onInvalid()).isEqualTo(InvalidScrapePolicy.DROP_LINE);
        try (PrometheusScrapeSource source = source(config(), OPENMETRICS,
                "# TYPE a counter\na_total 1\na_total{x=\"1\"} -1\nb 2\n# EOF\n")) {
            source.collect(emitter);

            assertThat(emitter.samples()).extracting(Sample::name).containsExactly("a_total", "b");
            assertThat(source.malformedLines()).isEqualTo(1);
            assertThat(source.refusedScrapes()).isZero();
        }
    }

    @Test
    void refusesTheWholeScrapeWhenToldToFail() {
        PrometheusConfig failing = config().withOnInvalid(InvalidScrapePolicy.FAIL);
        try (PrometheusScrapeSource source = source(failing, OPENMETRICS,
                "# TYPE a counter\na_total 1\na_total{x=\"1\"} -1\nb 2\n# EOF\n")) {
            assertThatThrownBy(() -> source.collect(emitter)).isInstanceOf(SourceException.class)
                    .hasMessageContaining("line 3").hasMessageContaining("on_invalid: fail");
            assertThat(emitter.samples()).isEmpty();
            assertThat(source.refusedScrapes()).isEqualTo(1);
            assertThat(source.malformedLines()).isEqualTo(1);
        }
    }

    @Test
    void failRefusesAnOpenMetricsScrapeWithoutEof() {
        PrometheusConfig failing = config().withOnInvalid(InvalidScrapePolicy.FAIL);
        try (PrometheusScrapeSource source = source(failing, OPENMETRICS, "a 1\nb 2\n")) {
            assertThatThrownBy(() -> source.collect(emitter)).isInstanceOf(SourceException.class)
                    .hasMessageContaining("# EOF");
            assertThat(emitter.samples()).isEmpty();
        }
    }

    @Test
    void dropLineKeepsAnOpenMetricsScrapeWithoutEofAndSaysSo() throws Exception {
        try (PrometheusScrapeSource source = source(config(), OPENMETRICS, "a 1\nb 2\n")) {
            source.collect(emitter);

            assertThat(emitter.samples()).extracting(Sample::name).containsExactly("a", "b");
            assertThat(source.malformedLines()).isEqualTo(1);
        }
    }

    @Test
    void sendsCreatedAsASeriesOnlyWhenAsked() throws Exception {
        String body = "# TYPE a counter\na_total 1\na_created 1600000000\n# EOF\n";
        try (PrometheusScrapeSource source = source(config(), OPENMETRICS, body)) {
            source.collect(emitter);
        }
        assertThat(emitter.samples()).extracting(Sample::name).containsExactly("a_total");
        emitter.clear();
        try (PrometheusScrapeSource source = source(config().withCreatedSeries(true), OPENMETRICS, body)) {
            source.collect(emitter);
        }
        assertThat(emitter.samples()).extracting(Sample::name).containsExactly("a_total", "a_created");
    }
}
