package dev.concierge.courier.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.app.wiring.GivenPlugins;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.RecordingSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /ledger}: loss ranges, and the {@code since}, {@code sink} and {@code outcome} filters. */
class LedgerEndpointTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final int SAMPLES = 6;

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(clock, 1000);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private Courier courier;
    @TempDir
    Path dataDir;

    @BeforeEach
    void startWithTwoSinksAndSomeLosses() {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            samples.add(Sample.of("jobs." + i, MetricType.GAUGE, null, SampleValue.of(i), NOW, "app-01", "app"));
        }
        RecordingSink zbx = new RecordingSink("zbx", 100, 1);
        RecordingSink graphite = new RecordingSink("graphite", 100, 1);
        CourierConfig config = new CourierConfig(dataDir, 1024, 1 << 20, Duration.ofSeconds(2),
                List.of(GivenPlugins.source("app", Duration.ofHours(1),
                        () -> new ListSource("app", run -> run == 0 ? samples : List.of()))),
                List.of(GivenPlugins.sink(zbx, failures -> Duration.ofMillis(50), 1 << 20),
                        GivenPlugins.sink(graphite, failures -> Duration.ofMillis(50), 1 << 20)),
                AdminConfig.loopback(0));
        courier = Courier.create(config, ledger, clock);
        courier.start();
        await().until(() -> courier.pipeline().sinkStats().values().stream()
                .allMatch(stats -> stats.received() == SAMPLES && stats.pending() == 0));
        // An outage of zbx three hours ago and one now, one of graphite an hour ago, refusals of the source.
        ledger.record(DeliveryRecord.dropped("zbx", 40, NOW.minusSeconds(3 * 3600), NOW.minusSeconds(3 * 3600 + 5),
                NOW.minusSeconds(3 * 3600), "backlog over its budget"));
        ledger.record(DeliveryRecord.dropped("graphite", 7, NOW.minusSeconds(3600), null, null, "backlog over its budget"));
        ledger.record(DeliveryRecord.dropped("zbx", 3, NOW, NOW.minusSeconds(1), NOW, "backlog over its budget"));
        ledger.recordSourceLoss("app", 11, NOW.minusSeconds(2), NOW, "the ring was full");
    }

    @AfterEach
    void closeCourier() {
        courier.close();
    }

    private JsonNode get(String query) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + courier.adminAddress().orElseThrow().getPort() + "/ledger" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static List<String> field(JsonNode array, String name) {
        return StreamSupport.stream(array.spliterator(), false).map(node -> node.get(name).asText()).toList();
    }

    @Test
    void listsEveryLossRangeWithItsCountsAndTimes() throws Exception {
        JsonNode losses = get("").get("losses");

        assertThat(field(losses, "name")).containsExactly("zbx", "graphite", "zbx", "app");
        assertThat(field(losses, "origin")).containsExactly("sink", "sink", "sink", "source");
        JsonNode first = losses.get(0);
        assertThat(first.get("count").asLong()).isEqualTo(40);
        assertThat(Instant.parse(first.get("first_sample").asText())).isEqualTo(NOW.minusSeconds(3 * 3600 + 5));
        assertThat(Instant.parse(first.get("last_loss").asText())).isEqualTo(NOW.minusSeconds(3 * 3600));
        assertThat(first.get("open").asBoolean()).isFalse();
        assertThat(losses.get(3).get("open").asBoolean()).isTrue();
        assertThat(losses.get(3).get("closed_at").isNull()).isTrue();
    }

    @Test
    void sinceKeepsTheLossesAndRecordsFromThenOn() throws Exception {
        JsonNode lastTwoHours = get("?since=2h");

        assertThat(field(lastTwoHours.get("losses"), "name")).containsExactly("graphite", "zbx", "app");
        assertThat(get("?since=" + NOW.minusSeconds(60)).get("losses")).hasSize(2);
        assertThat(StreamSupport.stream(lastTwoHours.get("recent").spliterator(), false)
                .map(node -> Instant.parse(node.get("at").asText()))).allMatch(at -> !at.isBefore(NOW.minusSeconds(7200)));
    }

    @Test
    void sinkAndOutcomeNarrowTotalsLossesAndRecords() throws Exception {
        JsonNode zbxDrops = get("?sink=zbx&outcome=dropped");

        assertThat(field(zbxDrops.get("recent"), "outcome")).containsOnly("DROPPED").hasSize(2);
        assertThat(field(zbxDrops.get("recent"), "sink")).containsOnly("zbx");
        assertThat(field(zbxDrops.get("losses"), "name")).containsExactly("zbx", "zbx");
        assertThat(zbxDrops.get("totals").fieldNames()).toIterable().containsExactly("zbx");

        JsonNode delivered = get("?outcome=DELIVERED&limit=1000");
        assertThat(field(delivered.get("recent"), "outcome")).isNotEmpty().containsOnly("DELIVERED");
        assertThat(delivered.get("losses")).isEmpty();
    }

    @Test
    void refusesAFilterItCannotRead() throws Exception {
        String base = "http://127.0.0.1:" + courier.adminAddress().orElseThrow().getPort() + "/ledger";
        HttpResponse<String> badOutcome = http.send(HttpRequest.newBuilder(URI.create(base + "?outcome=lost")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> badSince = http.send(HttpRequest.newBuilder(URI.create(base + "?since=yesterday")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(badOutcome.statusCode()).isEqualTo(400);
        assertThat(badOutcome.body()).isEqualTo(
                "outcome: lost (expected: one of delivered, partially_rejected, rejected, dropped)\n");
        assertThat(badSince.statusCode()).isEqualTo(400);
        assertThat(badSince.body()).startsWith("since: yesterday (expected: an ISO-8601 time");
    }
}
