package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.core.testing.CapturedStderr;
import dev.concierge.courier.sources.LoopbackHttpServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A scrape URL that carries its token in the query: the token never shows where the URL is named. */
class PrometheusSourceUrlTokenTest {
    private static final String TOKEN = "s3cret-q7x";

    private final LoopbackHttpServer server = LoopbackHttpServer.start("/metrics", exchange -> {
        exchange.sendResponseHeaders(500, -1);
        exchange.close();
    });
    private Pipeline pipeline;

    @AfterEach
    void stopAll() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(5));
        }
        server.close();
    }

    private PrometheusConfig config() {
        return PrometheusConfig.of("node", URI.create(server.uri("/metrics") + "?token=" + TOKEN + "&job=node"));
    }

    @Test
    void aFailedFetchNamesTheUrlWithItsTokenMasked() {
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(config(), Clock.systemUTC())) {
            assertThatThrownBy(() -> source.collect(sample -> true)).isInstanceOf(SourceException.class)
                    .hasMessageContaining("/metrics?token=******&job=******: HTTP status 500")
                    .hasMessageNotContaining(TOKEN);
        }
    }

    @Test
    void theLogLineOfAFailedCollectShowsTheTokenMasked() {
        try (CapturedStderr stderr = new CapturedStderr()) {
            pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20),
                    new InMemoryDeliveryLedger(Clock.systemUTC(), 10),
                    List.of(new ScheduledSource(PrometheusScrapeSource.create(config(), Clock.systemUTC()),
                            Duration.ofHours(1))), List.of(), Clock.systemUTC());
            pipeline.start();

            await().atMost(Duration.ofSeconds(30)).until(() -> stderr.text().contains("token=******"));
            assertThat(stderr.text()).doesNotContain(TOKEN);
        }
    }

    @Test
    void theConfigAndItsSummaryShowTheTokenMasked() {
        assertThat(config().toString()).contains("?token=******").doesNotContain(TOKEN);
        assertThat(new PrometheusSourceType().summary(config())).contains("?token=******").doesNotContain(TOKEN);
    }
}
