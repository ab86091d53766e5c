package dev.concierge.courier.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concierge.courier.app.testing.StuckSink;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.app.wiring.GivenPlugins;
import dev.concierge.courier.app.wiring.SinkDefinition;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.RecordingSink;
import dev.concierge.courier.core.testing.Samples;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the status document and {@code /metrics} say about the courier and each plugin beyond the counts: the
 * build, when it started and from which file, the last reload, each sink's destination, when it last succeeded,
 * since when it fails and when it tries again, and each source's location and interval.
 */
class StatusFactsAdminTest {
    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private Courier courier;

    @AfterEach
    void closeCourier() {
        if (courier != null) {
            courier.close();
        }
    }

    private CourierConfig config(RecordingSink... sinks) {
        return new CourierConfig(dataDir, 1024, 1 << 20, Duration.ofSeconds(2),
                List.of(GivenPlugins.source("app", Duration.ofSeconds(30),
                        () -> new ListSource("app", run -> run == 0 ? Samples.counters("x", 10) : List.of()))),
                Arrays.stream(sinks).<SinkDefinition<?>>map(sink ->
                        GivenPlugins.sink(sink, failures -> Duration.ofMinutes(10), 1 << 20)).toList(),
                AdminConfig.loopback(0));
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + courier.adminAddress().orElseThrow().getPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    private static JsonNode named(JsonNode list, String name) {
        for (JsonNode node : list) {
            if (node.get("name").asText().equals(name)) {
                return node;
            }
        }
        throw new AssertionError("no " + name + " in " + list);
    }

    private static double sample(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("%s in %s", series, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void saysWhatTheCourierIsAndWhenEachSinkLastSucceededOrWillRetry() throws Exception {
        RecordingSink healthy = new RecordingSink("zabbix");
        RecordingSink down = new RecordingSink("graphite").answering(batch -> DeliveryOutcome.Retry.of(
                "127.0.0.1:2003: io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused"));
        courier = Courier.create(config(healthy, down), new InMemoryDeliveryLedger(Clock.systemUTC(), 1000),
                Clock.systemUTC());
        Instant before = Instant.now();
        courier.start();
        courier.configuredFrom(dataDir.resolve("courier.yaml"));
        await().until(() -> healthy.samplesSent().size() == 10
                && courier.pipeline().sinkStats().get("graphite").retries() > 0);

        JsonNode status = json.readTree(get("/status.json"));

        assertThat(status.get("ready").asBoolean()).isTrue();
        assertThat(status.get("health").asText()).as("ready, but a sink fails").isEqualTo("degraded");
        JsonNode about = status.get("courier");
        assertThat(about.get("version").asText()).isEqualTo(CourierFacts.VERSION).isNotEqualTo("unknown");
        assertThat(Instant.parse(about.get("started_at").asText())).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(about.get("uptime_seconds").asLong()).isNotNegative();
        assertThat(about.get("config_file").asText()).isEqualTo(dataDir.resolve("courier.yaml").toString());
        assertThat(about.get("last_reload").isNull()).isTrue();
        JsonNode delivering = named(status.get("sinks"), "zabbix");
        assertThat(delivering.get("destination").asText()).isEqualTo("given a sink given by the test");
        assertThat(delivering.get("last_success").isNull()).isFalse();
        assertThat(delivering.get("failing_since").isNull()).isTrue();
        assertThat(delivering.get("next_attempt").isNull()).isTrue();
        JsonNode failing = named(status.get("sinks"), "graphite");
        assertThat(failing.get("last_success").isNull()).isTrue();
        assertThat(failing.get("failing_since").isNull()).isFalse();
        assertThat(Instant.parse(failing.get("next_attempt").asText()))
                .isAfter(Instant.parse(failing.get("failing_since").asText()));
        assertThat(failing.get("last_error").asText()).isEqualTo("127.0.0.1:2003: connection refused");
        assertThat(failing.get("latency_p50_seconds").isNull()).isTrue();
        JsonNode source = named(status.get("sources"), "app");
        assertThat(source.get("location").asText()).isEqualTo("given a source given by the test");
        assertThat(source.get("interval").asText()).isEqualTo("30s");
        assertThat(source.get("last_success").isNull()).isFalse();
        assertThat(source.get("failing_since").isNull()).isTrue();
        assertThat(source.get("last_collect_refused").asLong()).isZero();

        String metrics = get("/metrics");
        assertThat(metrics).contains("courier_build_info{version=\"" + CourierFacts.VERSION + "\"} 1");
        assertThat(sample(metrics, "courier_sink_last_success_timestamp_seconds{sink=\"zabbix\"}"))
                .isBetween(before.getEpochSecond() - 1.0, Instant.now().getEpochSecond() + 1.0);
        assertThat(sample(metrics, "courier_sink_last_success_timestamp_seconds{sink=\"graphite\"}")).isZero();
        assertThat(sample(metrics, "courier_source_last_success_timestamp_seconds{source=\"app\"}"))
                .isBetween(before.getEpochSecond() - 1.0, Instant.now().getEpochSecond() + 1.0);
    }

    @Test
    void showsWhatTheFullRingRefusedOfEachSourcesLastCollect() throws Exception {
        StuckSink stuck = new StuckSink();
        CourierConfig config = new CourierConfig(dataDir, 16, 1 << 20, Duration.ofSeconds(2),
                List.of(GivenPlugins.source("app", Duration.ofHours(1),
                        () -> new ListSource("app", run -> Samples.counters("x", 100)))),
                List.of(GivenPlugins.sink(stuck, failures -> Duration.ofMinutes(10), 1 << 20)),
                AdminConfig.loopback(0));
        courier = Courier.create(config, new InMemoryDeliveryLedger(Clock.systemUTC(), 1000), Clock.systemUTC());
        try {
            courier.start();
            await().until(() -> courier.pipeline().sourceStats().get("app").lastCollectEnded() != null);

            JsonNode status = json.readTree(get("/status.json"));

            assertThat(status.get("health").asText()).isEqualTo("degraded");
            JsonNode source = named(status.get("sources"), "app");
            // The sink's thread may take a chunk into its backlog before it stops: what the ring refused is at
            // least the 100 less two rings' worth, and the page says exactly what the source's stats count.
            long refused = courier.pipeline().sourceStats().get("app").lastCollectRefused();
            assertThat(refused).isBetween(68L, 84L);
            assertThat(source.get("last_collect_refused").asLong()).isEqualTo(refused);
            assertThat(source.get("refused").asLong()).isEqualTo(refused);
        } finally {
            stuck.release();
        }
    }

    @Test
    void saysWhenTheConfigurationWasLastReloadedAndWhatChanged() throws Exception {
        courier = Courier.create(config(new RecordingSink("zabbix")),
                new InMemoryDeliveryLedger(Clock.systemUTC(), 1000), Clock.systemUTC());
        courier.start();
        JsonNode before = json.readTree(get("/status.json"));
        assertThat(before.get("health").asText()).isIn("ready", "degraded");

        courier.reload(config(new RecordingSink("zabbix"), new RecordingSink("http")));

        JsonNode about = json.readTree(get("/status.json")).get("courier");
        assertThat(about.get("last_reload").isNull()).isFalse();
        assertThat(about.get("last_reload_result").asText()).contains("started [sink http]");
        assertThat(named(json.readTree(get("/status.json")).get("sinks"), "http").get("destination").asText())
                .isEqualTo("given a sink given by the test");
    }
}
