package dev.concierge.courier.sources.dropwizard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.LoopbackHttpServer;
import dev.concierge.courier.sources.RecordingEmitter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DropwizardJsonSourceTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** What the scripted server does for each request, in order. */
    private final BlockingQueue<Reply> replies = new ArrayBlockingQueue<>(16);
    private final CountDownLatch release = new CountDownLatch(1);
    private final RecordingEmitter emitter = new RecordingEmitter();
    private LoopbackHttpServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stopServer() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void collectsEverySampleFromAnHttpEndpointWithOneTimestampHostAndSource() throws Exception {
        byte[] document = RegistryDocuments.write(RegistryDocuments.everyType());
        replies.add(exchange -> send(exchange, 200, document));

        try (DropwizardJsonSource source = DropwizardJsonSource.create(config(), CLOCK)) {
            source.collect(emitter);

            assertThat(emitter.samples()).hasSize(39).allSatisfy(s -> {
                assertThat(s.timestamp()).isEqualTo(NOW);
                assertThat(s.host()).isEqualTo("orders-01");
                assertThat(s.source()).isEqualTo("orders");
            });
            assertThat(source.nonFiniteValues()).isEqualTo(1);
            assertThat(source.gaugeErrors()).isEqualTo(1);
            assertThat(source.unsupportedValues()).isEqualTo(1);
            assertThat(source.events()).containsOnlyKeys("non_finite_skipped", "gauge_errors", "unsupported_skipped",
                    "sample_limit_exceeded", "malformed_tags")
                    .allSatisfy((event, count) -> assertThat(count.getAsLong())
                            .isEqualTo(event.equals("sample_limit_exceeded") || event.equals("malformed_tags") ? 0 : 1));
        }
    }

    @Test
    void collectsFromAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("metrics.json"), "{\"counters\":{\"jobs.done\":{\"count\":12}}}");

        try (DropwizardJsonSource source = DropwizardJsonSource.create(
                DropwizardConfig.ofFile("batch", file).withHost("batch-01"), CLOCK)) {
            source.collect(emitter);
        }

        assertThat(emitter.samples()).containsExactly(
                Sample.of("jobs.done", MetricType.COUNTER, "count", SampleValue.of(12L), NOW, "batch-01", "batch"));
    }

    @Test
    void handsBackTheSameRowsWhileTheMetricsAndTheProcessingStayTheSame() throws Exception {
        Path file = Files.writeString(dir.resolve("metrics.json"),
                "{\"counters\":{\"jobs.done\":{\"count\":12}},\"gauges\":{\"pool.size\":{\"value\":3}}}");
        UnaryOperator<Sample> rules = sample -> sample.name().equals("pool.size") ? null : sample;
        try (DropwizardJsonSource source = DropwizardJsonSource.create(DropwizardConfig.ofFile("batch", file), CLOCK)) {
            source.collect(emitter);
            LldRows first = source.lldRows(rules).orElseThrow();

            Files.writeString(file, Files.readString(file).replace("12", "13").replace("3}", "4}"));
            source.collect(emitter);

            assertThat(source.lldRows(rules)).containsSame(first);
            assertThat(source.lldRows()).containsSame(source.lldRows().orElseThrow());
            assertThat(first.rows()).extracting(LldRow::macros)
                    .containsExactly(Map.of("{#TYPE}", "counter", "{#NAME}", "jobs.done"));
            UnaryOperator<Sample> sameRulesAnotherInstance = sample -> sample.name().equals("pool.size") ? null : sample;
            assertThat(source.lldRows(sameRulesAnotherInstance).orElseThrow()).isNotSameAs(first).isEqualTo(first);

            Files.writeString(file, Files.readString(file).replace("jobs.done", "jobs.failed"));
            source.collect(emitter);

            assertThat(source.lldRows(rules).orElseThrow().rows()).extracting(LldRow::macros)
                    .containsExactly(Map.of("{#TYPE}", "counter", "{#NAME}", "jobs.failed"));
        }
    }

    @Test
    void collectsAgainAfterEachKindOfFailure() throws Exception {
        byte[] good = "{\"counters\":{\"jobs.active\":{\"count\":3}}}".getBytes(StandardCharsets.UTF_8);
        replies.add(exchange -> send(exchange, 500, "Internal Server Error".getBytes(StandardCharsets.UTF_8)));
        replies.add(exchange -> send(exchange, 200, "{\"counters\":{\"jobs.active\":{\"cou".getBytes(StandardCharsets.UTF_8)));
        replies.add(exchange -> awaitQuietly(release));
        replies.add(exchange -> send(exchange, 200, good));

        try (DropwizardJsonSource source = DropwizardJsonSource.create(
                config().withTimeout(Duration.ofMillis(500)), CLOCK)) {
            String url = source.config().url().toString();
            assertThatThrownBy(() -> source.collect(emitter)).isInstanceOf(SourceException.class)
                    .hasMessage(url + ": HTTP status 500 (expected: 2xx)");
            assertThatThrownBy(() -> source.collect(emitter)).isInstanceOf(SourceException.class)
                    .hasMessageStartingWith(url + ": malformed Dropwizard JSON at line 1, column 33: ");
            assertThatThrownBy(() -> source.collect(emitter)).isInstanceOf(SourceException.class)
                    .hasMessage(url + ": timed out after 500ms");
            assertThat(emitter.samples()).as("nothing offered from a failed collect").isEmpty();

            source.collect(emitter);
        }

        assertThat(emitter.samples()).containsExactly(
                Sample.of("jobs.active", MetricType.COUNTER, "count", SampleValue.of(3L), NOW, "orders-01", "orders"));
    }

    private DropwizardConfig config() {
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            Reply reply = replies.poll();
            if (reply == null) {
                send(exchange, 503, new byte[0]);
            } else {
                reply.answer(exchange);
            }
        });
        URI url = server.uri("/metrics");
        return DropwizardConfig.ofUrl("orders", url).withHost("orders-01");
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    private interface Reply {
        void answer(HttpExchange exchange) throws IOException;
    }
}
