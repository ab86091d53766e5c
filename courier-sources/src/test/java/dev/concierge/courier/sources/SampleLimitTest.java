package dev.concierge.courier.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.spi.SampleLimit;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.prometheus.PrometheusConfig;
import dev.concierge.courier.sources.prometheus.PrometheusFormat;
import dev.concierge.courier.sources.prometheus.PrometheusParseResult;
import dev.concierge.courier.sources.prometheus.PrometheusScrapeSource;
import dev.concierge.courier.sources.prometheus.PrometheusTextParser;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonParser;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A collect with more samples than its sample_limit fails whole, and the parser stops at the limit. */
class SampleLimitTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private LoopbackHttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static String exposition(int series) {
        StringBuilder text = new StringBuilder("# TYPE requests counter\n");
        for (int i = 0; i < series; i++) {
            text.append("requests_total{path=\"/p").append(i).append("\"} ").append(i).append('\n');
        }
        return text.toString();
    }

    @Test
    void theParserStopsAtTheFirstSamplePastTheLimitAndReadsNoFurther() {
        byte[] body = (exposition(100) + "this line is not read\n").getBytes(StandardCharsets.UTF_8);

        PrometheusParseResult parsed = new PrometheusTextParser().parse(body, 0, body.length,
                PrometheusFormat.TEXT_0_0_4, NOW, "web-01", "node", 10);

        assertThat(parsed.overSampleLimit()).isTrue();
        assertThat(parsed.samples()).hasSize(10);
        assertThat(parsed.problemCount()).as("nothing after the limit was read").isZero();
    }

    @Test
    void anExpositionWithinTheLimitIsReadWhole() {
        byte[] body = exposition(10).getBytes(StandardCharsets.UTF_8);

        PrometheusParseResult parsed = new PrometheusTextParser().parse(body, 0, body.length,
                PrometheusFormat.TEXT_0_0_4, NOW, "web-01", "node", 10);

        assertThat(parsed.overSampleLimit()).isFalse();
        assertThat(parsed.samples()).hasSize(10);
    }

    @Test
    void aScrapeOverTheLimitOffersNothingFailsAndIsCounted() throws Exception {
        String body = exposition(1_000);
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        RecordingEmitter emitter = new RecordingEmitter();
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(PrometheusConfig.of("node",
                server.uri("/metrics")).withHost("web-01").withSampleLimit(new SampleLimit(999)), CLOCK)) {

            assertThatThrownBy(() -> source.collect(emitter)).isInstanceOf(SourceException.class)
                    .hasMessageContaining("more than 999 samples (sample_limit 999)");
            assertThat(emitter.samples()).isEmpty();
            assertThat(source.sampleLimitExceeded()).isEqualTo(1);
            assertThat(source.events().get("sample_limit_exceeded").getAsLong()).isEqualTo(1);

            PrometheusScrapeSource within = PrometheusScrapeSource.create(PrometheusConfig.of("node",
                    server.uri("/metrics")).withHost("web-01").withSampleLimit(new SampleLimit(1_000)), CLOCK);
            within.collect(emitter);
            within.close();
            assertThat(emitter.samples()).hasSize(1_000);
        }
    }

    @Test
    void theDefaultLimitFollowsTheHeap() {
        assertThat(SampleLimit.ofHeap(24_969_216L).samples()).as("the small profile's -Xmx24m")
                .isGreaterThanOrEqualTo(34_000);
        assertThat(SampleLimit.ofHeap(64_880_640L).samples()).as("the sidecar profile's -Xmx64m")
                .isBetween(34_000, 99_999);
        assertThat(SampleLimit.ofHeap(1L << 19).samples()).isEqualTo(SampleLimit.LEAST_DERIVED);
        assertThat(PrometheusConfig.of("node", java.net.URI.create("http://127.0.0.1:1/metrics")).sampleLimit())
                .isEqualTo(SampleLimit.ofThisHeap());
        assertThat(SampleLimit.ofSetting(0)).isEqualTo(SampleLimit.NONE);
    }

    @Test
    void aDropwizardDocumentOverTheLimitIsRefusedWhole() throws SourceException {
        StringBuilder json = new StringBuilder("{\"version\":\"4.0.0\",\"counters\":{");
        for (int i = 0; i < 100; i++) {
            json.append(i == 0 ? "" : ",").append("\"c").append(i).append("\":{\"count\":").append(i).append('}');
        }
        byte[] document = json.append("}}").toString().getBytes(StandardCharsets.UTF_8);
        DropwizardJsonParser parser = new DropwizardJsonParser("app", "web-01");

        assertThatThrownBy(() -> parser.parse(document, "app.json", NOW, new SampleLimit(99)))
                .isInstanceOf(SourceException.class).hasMessageContaining("more than 99 samples (sample_limit 99)");
        assertThat(parser.parse(document, "app.json", NOW, new SampleLimit(100)).samples()).hasSize(100);
        assertThat(parser.sampleLimitExceeded()).isEqualTo(1);
    }
}
