package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.LoopbackHttpServer;
import dev.concierge.courier.sources.RecordingEmitter;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrometheusScrapeSourceTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final RecordingEmitter emitter = new RecordingEmitter();
    private LoopbackHttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private PrometheusScrapeSource serving(String contentType, String body, boolean gzip) {
        AtomicReference<String> accept = new AtomicReference<>();
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            accept.set(exchange.getRequestHeaders().getFirst("Accept"));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (gzip) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
                    zip.write(bytes);
                }
                bytes = out.toByteArray();
                exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        return PrometheusScrapeSource.create(PrometheusConfig.of("node", server.uri("/metrics")).withHost("web-01"), CLOCK);
    }

    @Test
    void handsBackTheSameRowsWhileTheSeriesAndTheProcessingStayTheSame() throws Exception {
        AtomicReference<String> body = new AtomicReference<>("""
                # TYPE up gauge
                up{job="a"} 1
                rpc_total 3
                """);
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        UnaryOperator<Sample> rules = sample -> sample.name().equals("rpc_total") ? null : sample;
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(
                PrometheusConfig.of("node", server.uri("/metrics")), CLOCK)) {
            source.collect(emitter);
            LldRows first = source.lldRows(rules).orElseThrow();

            body.set(body.get().replace("} 1", "} 0").replace(" 3", " 4"));
            source.collect(emitter);

            assertThat(source.lldRows(rules)).containsSame(first);
            UnaryOperator<Sample> sameRulesAnotherInstance = sample -> sample.name().equals("rpc_total") ? null : sample;
            LldRows again = source.lldRows(sameRulesAnotherInstance).orElseThrow();
            assertThat(again).isNotSameAs(first).isEqualTo(first);
            assertThat(first.rows()).extracting(LldRow::macros)
                    .containsExactly(Map.of("{#NAME}", "up", "{#JOB}", "a"));

            body.set(body.get().replace("job=\"a\"", "job=\"b\""));
            source.collect(emitter);

            assertThat(source.lldRows(sameRulesAnotherInstance).orElseThrow().rows()).extracting(LldRow::macros)
                    .containsExactly(Map.of("{#NAME}", "up", "{#JOB}", "b"));
        }
    }

    @Test
    void offersFiniteSamplesStampedWithTheScrapeTimeAndCountsNonFiniteOnes() throws Exception {
        try (PrometheusScrapeSource source = serving("text/plain; version=0.0.4", """
                # TYPE rpc summary
                rpc{quantile="0.5"} NaN
                rpc_sum 0
                rpc_count 0
                up 1
                """, true)) {
            source.collect(emitter);

            assertThat(emitter.samples()).extracting(Sample::name).containsExactly("rpc_sum", "rpc_count", "up");
            assertThat(emitter.samples()).allSatisfy(s -> {
                assertThat(s.timestamp()).isEqualTo(NOW);
                assertThat(s.host()).isEqualTo("web-01");
                assertThat(s.source()).isEqualTo("node");
            });
            assertThat(source.nonFiniteValues()).isEqualTo(1);
            assertThat(source.malformedLines()).isZero();
        }
    }

    @Test
    void readsOpenMetricsWhenTheResponseSaysSoAndLeavesCreatedOut() throws Exception {
        try (PrometheusScrapeSource source = serving("application/openmetrics-text; version=1.0.0; charset=utf-8", """
                # TYPE jobs counter
                jobs_total 3 1700000000.5
                jobs_created 1600000000
                # EOF
                """, false)) {
            source.collect(emitter);

            assertThat(emitter.samples()).singleElement().satisfies(s -> {
                assertThat(s.name()).isEqualTo("jobs_total");
                assertThat(s.timestamp()).isEqualTo(Instant.parse("2023-11-14T22:13:20.5Z"));
            });
        }
    }

    @Test
    void keepsTheGoodLinesAndCountsTheMalformedOnes() throws Exception {
        try (PrometheusScrapeSource source = serving("text/plain", "good 1\nbad{ 2\nalso_good 3\n", false)) {
            source.collect(emitter);
            source.collect(emitter);

            assertThat(emitter.samples()).extracting(Sample::name).containsExactly("good", "also_good", "good", "also_good");
            assertThat(source.malformedLines()).isEqualTo(2);
        }
    }

    @Test
    void failsTheCollectWhenNothingUsableCameBack() {
        PrometheusScrapeSource source = serving("text/plain; version=0.0.4", "<html><body>login</body></html>\n", false);
        URI url = server.uri("/metrics");

        assertThatThrownBy(() -> source.collect(emitter)).isInstanceOf(SourceException.class)
                .hasMessage(url + ": no usable sample, 1 problems: line 1, column 1: expected a metric name "
                        + "[a-zA-Z_:][a-zA-Z0-9_:]*");
        assertThat(emitter.samples()).isEmpty();
        source.close();
    }

    @Test
    void reportsATruncatedOpenMetricsExpositionButKeepsItsCompleteLines() throws Exception {
        try (PrometheusScrapeSource source = serving("application/openmetrics-text; version=1.0.0", "a 1\nb 2\n", false)) {
            source.collect(emitter);

            assertThat(emitter.samples()).extracting(Sample::name).containsExactly("a", "b");
            assertThat(source.malformedLines()).isEqualTo(1);
        }
    }

}
