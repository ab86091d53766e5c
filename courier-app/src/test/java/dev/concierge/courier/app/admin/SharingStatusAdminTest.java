package dev.concierge.courier.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.app.wiring.GivenPlugins;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.ReportsState;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.testing.RecordingSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source that reports what it holds (as a Consul source sharing targets does): its state reaches
 * {@code /status.json} under the source, its gauges and handoff counts {@code /metrics}.
 */
class SharingStatusAdminTest {
    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Courier courier;

    @AfterEach
    void closeCourier() {
        if (courier != null) {
            courier.close();
        }
    }

    /** Shaped like a sharing Consul source's report. */
    private static final class SharingSource implements Source, ReportsState, CountsEvents {
        @Override
        public String name() {
            return "consul-web";
        }

        @Override
        public void collect(Emitter out) {
        }

        @Override
        public Map<String, DoubleSupplier> gauges() {
            return Map.of("targets.owned", () -> 2, "sharing.seconds.since.membership.change", () -> 42);
        }

        @Override
        public Map<String, Object> state() {
            return Map.of("sharing", Map.of("courier_id", "courier-01", "membership", "stale", "targets_owned", 2,
                    "owned", List.of("web/10.0.0.1:9100", "web/10.0.0.2:9100")));
        }

        @Override
        public Map<String, LongSupplier> events() {
            return Map.of("handoffs_in", () -> 3, "handoffs_out", () -> 1);
        }
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + courier.adminAddress().orElseThrow().getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void showsTheOwnedTargetsOnTheStatusDocumentAndTheGaugesOnMetrics() throws Exception {
        courier = Courier.create(new CourierConfig(dataDir, 1024, 1 << 20, Duration.ofSeconds(2),
                        List.of(GivenPlugins.source("consul-web", Duration.ofSeconds(30), SharingSource::new)),
                        List.of(GivenPlugins.sink(new RecordingSink("zabbix"), failures -> Duration.ofSeconds(1), 1 << 20)),
                        AdminConfig.loopback(0)),
                new InMemoryDeliveryLedger(Clock.systemUTC(), 1000), Clock.systemUTC());
        courier.start();
        await().until(() -> courier.pipeline().sourceStats().get("consul-web").runs() > 0);

        JsonNode sources = new ObjectMapper().readTree(get("/status.json")).get("sources");
        JsonNode sharing = sources.get(0).get("state").get("sharing");
        assertThat(sharing.get("courier_id").asText()).isEqualTo("courier-01");
        assertThat(sharing.get("membership").asText()).isEqualTo("stale");
        assertThat(sharing.get("owned")).hasSize(2);

        String metrics = get("/metrics");
        assertThat(metrics).contains("courier_source_targets_owned{source=\"consul-web\"} 2.0")
                .contains("courier_source_sharing_seconds_since_membership_change{source=\"consul-web\"} 42.0")
                .contains("courier_source_events_total{event=\"handoffs_in\",source=\"consul-web\"} 3.0");
    }
}
