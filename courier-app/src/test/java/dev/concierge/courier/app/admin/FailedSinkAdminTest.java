package dev.concierge.courier.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.app.wiring.GivenPlugins;
import dev.concierge.courier.app.wiring.SinkDefinition;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.pipeline.SinkStats;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sink whose thread has ended shows on {@code /ready}, {@code /metrics} and the status document. */
class FailedSinkAdminTest {
    private static final int SAMPLES = 25;

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

    private void start(RecordingSink... sinks) {
        List<SinkDefinition<?>> definitions = new ArrayList<>();
        for (RecordingSink sink : sinks) {
            definitions.add(GivenPlugins.sink(sink, failures -> Duration.ofMillis(50), 1 << 20));
        }
        CourierConfig config = new CourierConfig(dataDir, 1024, 1 << 20, Duration.ofSeconds(2),
                List.of(GivenPlugins.source("app", Duration.ofHours(1),
                        () -> new ListSource("app", run -> run == 0 ? Samples.counters("x", SAMPLES) : List.of()))),
                definitions, AdminConfig.loopback(0));
        courier = Courier.create(config, new InMemoryDeliveryLedger(Clock.systemUTC(), 1000), Clock.systemUTC());
        courier.start();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + courier.adminAddress().orElseThrow().getPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private SinkStats stats(String sink) {
        return courier.pipeline().sinkStats().get(sink);
    }

    @Test
    void aSinkWhoseThreadEndedFailsReadinessAndShowsInMetricsAndStatus() throws Exception {
        RecordingSink healthy = new RecordingSink("healthy");
        RecordingSink throwing = new RecordingSink("throwing").answering(batch -> {
            throw new AssertionError("encoder invariant");
        });
        RecordingSink outOfMemory = new RecordingSink("out-of-memory").answering(batch -> {
            throw new OutOfMemoryError("Java heap space (simulated)");
        });
        start(healthy, throwing, outOfMemory);

        await().until(() -> stats("out-of-memory").failed() && stats("throwing").errors() > 0
                && healthy.samplesSent().size() == SAMPLES);

        HttpResponse<String> ready = get("/ready");
        assertThat(ready.statusCode()).isEqualTo(503);

        String metrics = get("/metrics").body();
        assertThat(metrics).contains("courier_sink_failed{sink=\"out-of-memory\"} 1.0")
                .contains("courier_sink_failed{sink=\"throwing\"} 0.0")
                .contains("courier_sink_failed{sink=\"healthy\"} 0.0")
                .contains("courier_sink_errors_total{sink=\"out-of-memory\"} 1.0")
                .contains("courier_sink_errors_total{sink=\"healthy\"} 0.0")
                .containsPattern("courier_sink_errors_total\\{sink=\"throwing\"} [1-9]");

        JsonNode status = json.readTree(get("/status.json").body());
        assertThat(status.get("ready").asBoolean()).isFalse();
        JsonNode failed = sink(status, "out-of-memory");
        assertThat(failed.get("state").asText()).isEqualTo("failed");
        assertThat(failed.get("failure").asText()).contains("OutOfMemoryError");
        assertThat(sink(status, "throwing").get("state").asText()).isIn("backing off", "failing");
        assertThat(sink(status, "throwing").get("failure").isNull()).isTrue();
        assertThat(sink(status, "healthy").get("state").asText()).isEqualTo("delivering");
    }

    @Test
    void aSinkWhoseSendThrowsIsRetriedAndTheCourierStaysReady() throws Exception {
        RecordingSink throwing = new RecordingSink("throwing").answering(batch -> {
            throw new AssertionError("encoder invariant");
        });
        start(new RecordingSink("healthy"), throwing);

        await().until(() -> throwing.sent().size() >= 2);

        assertThat(get("/ready").statusCode()).isEqualTo(200);
        assertThat(stats("throwing").failed()).isFalse();
        assertThat(stats("throwing").errors()).isGreaterThanOrEqualTo(2);
    }

    private static JsonNode sink(JsonNode status, String name) {
        for (JsonNode sink : status.get("sinks")) {
            if (sink.get("name").asText().equals(name)) {
                return sink;
            }
        }
        throw new AssertionError("no sink " + name + " in " + status);
    }
}
