package dev.concierge.courier.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.app.wiring.GivenPlugins;
import dev.concierge.courier.app.wiring.SinkDefinition;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.ledger.LedgerTotals;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.core.pipeline.SourceStats;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Secret;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminServerTest {
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    // Every sample is two seconds old when it is settled: the latency histogram's values are exact.
    private static final Duration AGE = Duration.ofSeconds(2);
    private static final String TOKEN = "s3cr3t-admin-token";
    private static final int SAMPLES = 25;

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(clock, 1000);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private Courier courier;
    // The wiring writes each source's discovery snapshot, or the note that it has none, under data_dir.
    @TempDir
    Path dataDir;

    @AfterEach
    void closeCourier() {
        if (courier != null) {
            courier.close();
        }
    }

    private static List<Sample> samples(int count) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            samples.add(Sample.of("jobs." + i, MetricType.GAUGE, null, SampleValue.of(i), NOW.minus(AGE),
                    "app-01", "app"));
        }
        return samples;
    }

    private static SinkDefinition<?> sink(RecordingSink sink) {
        // Short enough to fail three times in a moment, long enough not to spin on a sink that is down.
        return GivenPlugins.sink(sink, failures -> Duration.ofMillis(50), 1 << 20);
    }

    /** A courier, created but not started, whose one source offers {@link #SAMPLES} samples on its first run. */
    private Courier create(AdminConfig admin, Duration shutdownDeadline, RecordingSink... sinks) {
        List<SinkDefinition<?>> definitions = new ArrayList<>();
        for (RecordingSink sink : sinks) {
            definitions.add(sink(sink));
        }
        CourierConfig config = new CourierConfig(dataDir, 1024, 1 << 20, shutdownDeadline,
                List.of(GivenPlugins.source("app", Duration.ofHours(1),
                        () -> new ListSource("app", run -> run == 0 ? samples(SAMPLES) : List.of())
                                .counting(Map.of("malformed_lines", () -> 3)))),
                definitions, admin);
        courier = Courier.create(config, ledger, clock);
        return courier;
    }

    private Courier start(AdminConfig admin, RecordingSink... sinks) {
        create(admin, Duration.ofSeconds(2), sinks).start();
        return courier;
    }

    private void awaitSettled(String sink) {
        SinkStats stats = courier.pipeline().sinkStats().get(sink);
        await().until(() -> stats.received() == SAMPLES && stats.pending() == 0);
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + courier.adminAddress().orElseThrow().getPort() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return get(path, null);
    }

    /** {@code name{labels}} to value, for every sample line of a Prometheus text exposition. */
    private static Map<String, Double> series(String exposition) {
        Map<String, Double> series = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return series;
    }

    @Test
    void answersHealthWithoutATokenEvenWhenOneIsRequired() throws Exception {
        start(new AdminConfig("127.0.0.1", 0, Secret.of(TOKEN)), new RecordingSink("zabbix"));

        HttpResponse<String> health = get("/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
    }

    @Test
    void isNotReadyUntilStartedAndNotReadyAgainOnceStopping() throws Exception {
        RecordingSink stuck = new RecordingSink("zabbix").holdReplies();
        create(AdminConfig.loopback(0), Duration.ofSeconds(30), stuck);

        assertThat(get("/ready").statusCode()).isEqualTo(503);
        assertThat(json.readTree(get("/status.json").body()).get("ready").asBoolean()).isFalse();

        courier.start();

        assertThat(get("/ready").statusCode()).isEqualTo(200);
        assertThat(get("/ready").body()).isEqualTo("ready\n");
        assertThat(json.readTree(get("/status.json").body()).get("ready").asBoolean()).isTrue();

        // The held batch keeps the stop sending until its deadline; the endpoint answers meanwhile.
        await().until(() -> !stuck.sent().isEmpty());
        CompletableFuture<Void> closing = CompletableFuture.runAsync(courier::close);
        await().until(() -> get("/ready").statusCode() == 503);
        assertThat(get("/health").statusCode()).isEqualTo(200);
        stuck.releaseAll(new DeliveryOutcome.Delivered("ok"));
        closing.join();
    }

    @Test
    void servesMetricsWhoseValuesMatchThePipelineStats() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        // The first attempt fails and is retried; then one batch in five is refused for good.
        RecordingSink zabbix = new RecordingSink("zabbix", 5, 1).counting(Map.of("attempts", attempts::get));
        zabbix.answering(batch -> {
            int attempt = attempts.getAndIncrement();
            if (attempt == 0) {
                return DeliveryOutcome.Retry.of("connection refused");
            }
            return attempt % 5 == 0 ? new DeliveryOutcome.Rejected("bad key") : new DeliveryOutcome.Delivered("ok");
        });
        start(AdminConfig.loopback(0), zabbix);
        awaitSettled("zabbix");

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(AdminHttpHandler.PROMETHEUS_TEXT);
        Map<String, Double> series = series(response.body());
        SinkStats sink = courier.pipeline().sinkStats().get("zabbix");
        SourceStats source = courier.pipeline().sourceStats().get("app");
        assertThat(sink.retries()).isEqualTo(1);
        assertThat(sink.rejected()).isPositive();
        assertThat(series).containsEntry("courier_sink_samples_received_total{sink=\"zabbix\"}", (double) sink.received())
                .containsEntry("courier_sink_samples_delivered_total{sink=\"zabbix\"}", (double) sink.delivered())
                .containsEntry("courier_sink_samples_rejected_total{sink=\"zabbix\"}", (double) sink.rejected())
                .containsEntry("courier_sink_samples_dropped_total{sink=\"zabbix\"}", (double) sink.dropped())
                .containsEntry("courier_sink_samples_pending{sink=\"zabbix\"}", (double) sink.pending())
                .containsEntry("courier_sink_batches_total{sink=\"zabbix\"}", (double) sink.batches())
                .containsEntry("courier_sink_retries_total{sink=\"zabbix\"}", (double) sink.retries())
                .containsEntry("courier_sink_consecutive_failures{sink=\"zabbix\"}", 0.0)
                .containsEntry("courier_sink_events_total{event=\"attempts\",sink=\"zabbix\"}", (double) attempts.get())
                .containsEntry("courier_source_events_total{event=\"malformed_lines\",source=\"app\"}", 3.0)
                .containsEntry("courier_source_runs_total{source=\"app\"}", (double) source.runs())
                .containsEntry("courier_source_failures_total{source=\"app\"}", 0.0)
                .containsEntry("courier_source_overlaps_skipped_total{source=\"app\"}", 0.0)
                .containsEntry("courier_source_samples_accepted_total{source=\"app\"}", (double) SAMPLES)
                .containsEntry("courier_source_samples_refused_total{source=\"app\"}", 0.0)
                .containsEntry("courier_source_last_collect_samples{source=\"app\"}", (double) SAMPLES)
                .containsEntry("courier_source_collect_seconds_count{source=\"app\"}", (double) source.runs())
                .containsEntry("courier_source_collect_seconds_sum{source=\"app\"}", source.collectNanos() / 1e9)
                .containsEntry("courier_source_last_collect_duration_seconds{source=\"app\"}",
                        source.lastCollectDuration().toNanos() / 1e9)
                .containsEntry("courier_ring_capacity_bytes", (double) (1 << 20))
                .containsEntry("courier_ring_samples_refused_total", 0.0)
                .containsKey("courier_ring_used_bytes");
        // One observation per batch with accepted samples, each exactly AGE.
        long acceptedBatches = ledger.recent(1000).stream().filter(r -> r.accepted() > 0).count();
        assertThat(series).containsEntry("courier_sink_delivery_latency_seconds_count{sink=\"zabbix\"}",
                        (double) acceptedBatches)
                .containsEntry("courier_sink_delivery_latency_seconds_sum{sink=\"zabbix\"}",
                        (double) acceptedBatches * AGE.toSeconds());
        assertThat(series.keySet()).anyMatch(s -> s.startsWith("courier_sink_delivery_latency_seconds_bucket{"))
                .anyMatch(s -> s.startsWith("jvm_memory_used_bytes{"))
                .anyMatch(s -> s.startsWith("jvm_gc_"))
                .anyMatch(s -> s.startsWith("jvm_threads_live_threads"))
                .contains("process_uptime_seconds", "system_cpu_count", "courier_admin_requests_refused_total");
    }

    @Test
    void servesTheLedgerAsJsonMatchingItsRecentRecordsAndTotals() throws Exception {
        start(AdminConfig.loopback(0), new RecordingSink("zabbix", 4, 1));
        awaitSettled("zabbix");

        JsonNode document = json.readTree(get("/ledger").body());

        List<DeliveryRecord> recent = ledger.recent(LedgerDocument.DEFAULT_LIMIT);
        // Batches are whatever was waiting, at most 4 samples each: how many there are varies, their sum does not.
        assertThat(recent.stream().mapToInt(DeliveryRecord::samples).sum()).isEqualTo(SAMPLES);
        assertThat(document.get("recent")).hasSize(recent.size());
        for (int i = 0; i < recent.size(); i++) {
            DeliveryRecord record = recent.get(i);
            JsonNode node = document.get("recent").get(i);
            assertThat(node.get("sink").asText()).isEqualTo(record.sink());
            assertThat(node.get("batch_id").asLong()).isEqualTo(record.batchId());
            assertThat(node.get("outcome").asText()).isEqualTo(record.outcome().name());
            assertThat(node.get("samples").asInt()).isEqualTo(record.samples());
            assertThat(node.get("accepted").asInt()).isEqualTo(record.accepted());
            assertThat(node.get("rejected").asInt()).isEqualTo(record.rejected());
            assertThat(node.get("dropped").asInt()).isEqualTo(record.dropped());
            assertThat(node.get("attempts").asInt()).isEqualTo(record.attempts());
            assertThat(Instant.parse(node.get("at").asText())).isEqualTo(record.at());
            assertThat(Instant.parse(node.get("oldest_sample").asText())).isEqualTo(record.oldestSample());
            assertThat(Instant.parse(node.get("newest_sample").asText())).isEqualTo(record.newestSample());
            assertThat(node.get("detail").asText()).isEqualTo(record.detail());
        }
        LedgerTotals totals = ledger.totals("zabbix");
        JsonNode zabbix = document.get("totals").get("zabbix");
        assertThat(zabbix.get("batches").asLong()).isEqualTo(totals.batches());
        assertThat(zabbix.get("accepted").asLong()).isEqualTo(totals.accepted()).isEqualTo(SAMPLES);
        assertThat(zabbix.get("rejected").asLong()).isEqualTo(totals.rejected());
        assertThat(zabbix.get("dropped").asLong()).isEqualTo(totals.dropped());

        JsonNode lastTwo = json.readTree(get("/ledger?limit=2").body()).get("recent");
        assertThat(lastTwo).hasSize(2);
        assertThat(lastTwo.get(1).get("batch_id").asLong()).isEqualTo(recent.get(recent.size() - 1).batchId());
        assertThat(get("/ledger?limit=0").statusCode()).isEqualTo(400);
        assertThat(get("/ledger?limit=many").body()).isEqualTo("limit: many (expected: 1 to 1000)\n");
    }

    @Test
    void requiresTheTokenOnEveryPathButHealthAndReady() throws Exception {
        start(new AdminConfig("127.0.0.1", 0, Secret.of(TOKEN)), new RecordingSink("zabbix"));
        List<String> paths = List.of("/", "/metrics", "/ledger", "/status.json", "/no-such-page");

        for (String path : paths) {
            HttpResponse<String> none = get(path);
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"courier\"");
            assertThat(get(path, "Bearer wrong-" + TOKEN).statusCode()).as(path).isEqualTo(401);
            assertThat(get(path, "Basic " + TOKEN).statusCode()).as(path).isEqualTo(401);
            assertThat(get(path, "Bearer " + TOKEN).statusCode()).as(path)
                    .isEqualTo(path.equals("/no-such-page") ? 404 : 200);
        }
        assertThat(get("/metrics", "bearer " + TOKEN).statusCode()).isEqualTo(200);
        // A probe (a kubelet's, a load balancer's) cannot present a secret.
        assertThat(get("/ready").statusCode()).isEqualTo(200);
        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(series(get("/metrics", "Bearer " + TOKEN).body()))
                .containsEntry("courier_admin_requests_refused_total", 3.0 * paths.size());
    }

    @Test
    void answersNotFoundForUnknownPathsAndRefusesOtherMethods() throws Exception {
        start(AdminConfig.loopback(0), new RecordingSink("zabbix"));

        for (String path : List.of("/nope", "/metrics/extra", "/status", "/health/")) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).isEqualTo("not found: " + path + "\n");
        }
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + courier.adminAddress().orElseThrow().getPort() + "/health"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void statusShowsEachSinksStateBacklogLastOutcomeAndLatency() throws Exception {
        RecordingSink zabbix = new RecordingSink("zabbix", 5, 1);
        RecordingSink graphite = new RecordingSink("graphite", 5, 1)
                .answering(batch -> DeliveryOutcome.Retry.of("connection refused"));
        start(AdminConfig.loopback(0), zabbix, graphite);
        awaitSettled("zabbix");
        SinkStats failing = courier.pipeline().sinkStats().get("graphite");
        await().until(() -> failing.consecutiveFailures() >= SinkState.FAILING_AFTER);

        JsonNode status = json.readTree(get("/status.json").body());

        assertThat(status.get("ready").asBoolean()).isTrue();
        assertThat(status.get("at").asText()).isEqualTo(NOW.toString());
        JsonNode source = status.get("sources").get(0);
        assertThat(source.get("name").asText()).isEqualTo("app");
        assertThat(source.get("last_collect_ended").asText()).isEqualTo(NOW.toString());
        assertThat(source.get("last_collect_samples").asInt()).isEqualTo(SAMPLES);
        assertThat(source.get("failures").asInt()).isZero();
        assertThat(source.get("last_error").isNull()).isTrue();
        JsonNode delivering = status.get("sinks").get(0);
        assertThat(delivering.get("name").asText()).isEqualTo("zabbix");
        assertThat(delivering.get("state").asText()).isEqualTo("delivering");
        assertThat(delivering.get("delivered").asLong()).isEqualTo(SAMPLES);
        assertThat(delivering.get("pending").asLong()).isZero();
        assertThat(delivering.get("last_outcome").get("outcome").asText()).isEqualTo("DELIVERED");
        // Micrometer's percentiles come from a histogram with a small relative error.
        assertThat(delivering.get("latency_p50_seconds").asDouble()).isCloseTo(2.0, within(0.1));
        assertThat(delivering.get("latency_p99_seconds").asDouble()).isCloseTo(2.0, within(0.1));
        JsonNode down = status.get("sinks").get(1);
        assertThat(down.get("name").asText()).isEqualTo("graphite");
        assertThat(down.get("state").asText()).isEqualTo("failing");
        assertThat(down.get("pending").asLong()).isEqualTo(SAMPLES);
        assertThat(down.get("last_error").asText()).isEqualTo("connection refused");
        assertThat(down.get("last_outcome").isNull()).isTrue();
        assertThat(down.get("latency_p50_seconds").isNull()).isTrue();
    }

    @Test
    void servesTheStatusPageAsOneSelfContainedDocument() throws Exception {
        start(AdminConfig.loopback(0), new RecordingSink("zabbix"));

        HttpResponse<String> page = get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue(AdminHttpHandler.HTML);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy ->
                assertThat(policy).startsWith("default-src 'none'"));
        assertThat(page.body()).contains("status.json").doesNotContain("src=\"http", "href=\"http", "@import");
    }
}
