package dev.concierge.courier.sinks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.pipeline.Backoff;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.core.testing.CapturedStderr;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.Samples;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Answers a real InfluxDB will not give on demand, from WireMock. */
class HttpSinkFailureTest {
    private static final Backoff NO_WAIT = failures -> Duration.ZERO;
    private static final Duration OUTCOME_WAIT = Duration.ofSeconds(30);

    private final WireMockServer server = new WireMockServer(WireMockConfiguration.options()
            .bindAddress("127.0.0.1").dynamicPort());
    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
    private Pipeline pipeline;
    private HttpSink sink;

    @BeforeEach
    void startServer() {
        server.start();
    }

    @AfterEach
    void stopAll() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(5));
        }
        if (sink != null) {
            sink.close();
        }
        server.stop();
    }

    private HttpSinkConfig config(String name) {
        return HttpSinkConfig.of(name, URI.create("http://127.0.0.1:" + server.port() + "/ingest"));
    }

    private DeliveryOutcome send(HttpSinkConfig config, Clock clock) throws Exception {
        sink = HttpSink.create(config, clock);
        return sink.send(new Batch(1, Samples.counters("app", 3))).toCompletableFuture()
                .get(OUTCOME_WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private DeliveryOutcome send(HttpSinkConfig config) throws Exception {
        return send(config, Clock.systemUTC());
    }

    private void runPipeline(HttpSink sink, List<Sample> samples) {
        this.sink = sink;
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(new ListSource("app", run -> run == 0 ? samples : List.of()),
                        Duration.ofHours(1))),
                List.of(new SinkSpec(sink, NO_WAIT, 1 << 20)), Clock.systemUTC());
        pipeline.start();
    }

    @Test
    void retriesA429AfterTheSecondsItsRetryAfterAsks() throws Exception {
        server.stubFor(post("/ingest").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")
                .withBody("slow down")));

        DeliveryOutcome outcome = send(config("limited"));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Retry("HTTP 429: slow down", Duration.ofSeconds(7)));
    }

    @Test
    void readsARetryAfterGivenAsAnHttpDate() throws Exception {
        Instant now = Instant.parse("2024-05-31T12:00:00Z");
        String in30s = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(30).atOffset(ZoneOffset.UTC));
        server.stubFor(post("/ingest").willReturn(aResponse().withStatus(503).withHeader("Retry-After", in30s)));

        DeliveryOutcome outcome = send(config("dated"), Clock.fixed(now, ZoneOffset.UTC));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Retry.class, retry -> {
            assertThat(retry.retryAfter()).isEqualTo(Duration.ofSeconds(30));
            assertThat(retry.detail()).isEqualTo("HTTP 503");
        });
    }

    @Test
    void retriesA408AndA500WithoutAHint() throws Exception {
        server.stubFor(post("/ingest").willReturn(aResponse().withStatus(408)));
        assertThat(send(config("timeout-status"))).isEqualTo(DeliveryOutcome.Retry.of("HTTP 408"));
        sink.close();

        server.stubFor(post("/ingest").willReturn(aResponse().withStatus(500).withHeader("Retry-After", "soon")));
        assertThat(send(config("server-error"))).isEqualTo(DeliveryOutcome.Retry.of("HTTP 500"));
    }

    @Test
    void deliversEverySampleThroughAStormOf503s() throws Exception {
        int storm = 12;
        for (int i = 0; i < storm; i++) {
            server.stubFor(post("/ingest").inScenario("storm")
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "503-" + i)
                    .willSetStateTo(i + 1 == storm ? "up" : "503-" + (i + 1))
                    .willReturn(aResponse().withStatus(503).withBody("overloaded")));
        }
        server.stubFor(post("/ingest").inScenario("storm").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(204)));
        // WireMock moves a scenario's state apart from matching: a request in flight beside another may find no
        // stub for the state it reads, and would get a 404 (refused for good). It meets the storm instead.
        server.stubFor(post("/ingest").atPriority(10).willReturn(aResponse().withStatus(503).withBody("overloaded")));
        List<Sample> samples = Samples.counters("storm", 50);

        runPipeline(HttpSink.create(config("storm").withMaxBatchSize(10).withMaxInFlight(2)), samples);

        await().atMost(OUTCOME_WAIT).until(() -> ledger.totals("storm").accepted() == samples.size());
        assertThat(ledger.totals("storm").rejected()).isZero();
        assertThat(ledger.totals("storm").dropped()).isZero();
        ObjectMapper json = new ObjectMapper();
        Set<String> delivered = new HashSet<>();
        int answered503 = 0;
        for (ServeEvent event : server.getAllServeEvents()) {
            if (event.getResponse().getStatus() == 204) {
                for (JsonNode sample : json.readTree(event.getRequest().getBodyAsString())) {
                    delivered.add(sample.path("name").asText());
                }
            } else {
                answered503++;
            }
        }
        // Two requests in flight may both meet the same step of the storm, so a 503 may be answered twice.
        assertThat(answered503).isGreaterThanOrEqualTo(storm);
        assertThat(delivered).isEqualTo(samples.stream().map(Sample::name).collect(Collectors.toSet()));
    }

    @Test
    void givesUpOnABodySlowerThanTheReadTimeout() throws Exception {
        server.stubFor(post("/ingest").willReturn(aResponse().withStatus(200).withBody("x".repeat(200))
                .withChunkedDribbleDelay(20, 60_000)));

        DeliveryOutcome outcome = send(config("dribble").withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300)));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(outcome.detail()).contains("read timeout");
    }

    @Test
    void givesUpOnHeadersSlowerThanTheReadTimeout() throws Exception {
        server.stubFor(post("/ingest").willReturn(aResponse().withStatus(204).withFixedDelay(60_000)));

        DeliveryOutcome outcome = send(config("silent").withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300)));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(outcome.detail()).contains("timeout");
    }

    @Test
    void recordsTheStartOfA400sBodyInTheLedger() {
        String error = "{\"error\":\"unable to parse 'app.0 value=x': invalid boolean\"}";
        server.stubFor(post("/ingest").willReturn(aResponse().withStatus(400)
                .withBody(error + " ".repeat(10) + "z".repeat(5000))));

        runPipeline(HttpSink.create(config("bad-request")), Samples.counters("bad", 4));

        await().atMost(OUTCOME_WAIT).until(() -> ledger.totals("bad-request").rejected() == 4);
        // The samples may leave in one batch or several (whatever was waiting); each is refused once, for good.
        List<DeliveryRecord> records = ledger.recent(10).stream().filter(r -> r.sink().equals("bad-request")).toList();
        assertThat(records).isNotEmpty().allSatisfy(record -> {
            assertThat(record.outcome()).isEqualTo(DeliveryRecord.Outcome.REJECTED);
            assertThat(record.attempts()).isEqualTo(1);
            assertThat(record.detail()).startsWith("HTTP 400: " + error).hasSizeLessThan(300);
        });
        server.verify(records.size(), postRequestedFor(urlEqualTo("/ingest")));
    }

    @Test
    void sendsBasicAuthAndNeverShowsThePassword() throws Exception {
        server.stubFor(post("/ingest").willReturn(aResponse().withStatus(401).withBody("who are you?")));
        HttpSinkConfig config = config("basic").withAuth(new HttpAuth.Basic("courier", Secret.of("pa55-w0rd")));
        String encoded = Base64.getEncoder().encodeToString("courier:pa55-w0rd".getBytes(StandardCharsets.UTF_8));

        DeliveryOutcome outcome;
        try (CapturedStderr logs = new CapturedStderr()) {
            outcome = send(config);
            sink.close();
            assertThat(logs.text()).contains("HTTP 401").doesNotContain("pa55-w0rd").doesNotContain(encoded);
        }

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Rejected("HTTP 401: who are you?"));
        server.verify(postRequestedFor(urlPathEqualTo("/ingest"))
                .withHeader("Authorization", equalTo("Basic " + encoded)));
        assertThat(config.toString()).contains("courier").doesNotContain("pa55-w0rd");
    }

    @Test
    void sendsABearerTokenAndNeverShowsIt() throws Exception {
        server.stubFor(post("/ingest").willReturn(aResponse().withStatus(204)));
        HttpSinkConfig config = config("bearer").withAuth(new HttpAuth.Bearer(Secret.of("tok-123-secret")))
                .withHeaders(Map.of("X-Api-Key", "key-456-secret"));

        DeliveryOutcome outcome;
        try (CapturedStderr logs = new CapturedStderr()) {
            outcome = send(config);
            sink.close();
            assertThat(logs.text()).contains("bearer").doesNotContain("tok-123-secret", "key-456-secret");
        }

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered("HTTP 204"));
        server.verify(postRequestedFor(urlPathEqualTo("/ingest"))
                .withHeader("Authorization", equalTo("Bearer tok-123-secret"))
                .withHeader("X-Api-Key", equalTo("key-456-secret")));
        assertThat(config.toString()).contains("X-Api-Key").doesNotContain("tok-123-secret", "key-456-secret");
    }

    @Test
    void marksAGzippedBodyWithContentEncoding() throws Exception {
        server.stubFor(post("/ingest").willReturn(aResponse().withStatus(200)));

        DeliveryOutcome outcome = send(config("gzip").withGzip(true));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered("HTTP 200"));
        List<ServeEvent> events = server.getAllServeEvents();
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.getRequest().getHeader("Content-Encoding")).isEqualTo("gzip");
            assertThat(event.getRequest().getHeader("Content-Type")).isEqualTo("application/json");
            // WireMock inflates a gzip request body before handing it out.
            assertThat(new ObjectMapper().readTree(event.getRequest().getBodyAsString())).hasSize(3);
        });
    }
}
