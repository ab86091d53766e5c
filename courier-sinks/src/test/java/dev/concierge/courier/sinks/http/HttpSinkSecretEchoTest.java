package dev.concierge.courier.sinks.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
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
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A destination that echoes the request's {@code Authorization} header in its error body: the credential must
 * not come back into the outcome, the ledger, the log or the sink's last error.
 */
class HttpSinkSecretEchoTest {
    private static final String TOKEN = "tok-9f3a7c-very-secret";
    private static final String PASSWORD = "pa55-w0rd-echoed";

    private final HttpServer server = echoingServer();
    private final AtomicInteger status = new AtomicInteger(400);
    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
    private Pipeline pipeline;
    private HttpSink sink;

    private HttpServer echoingServer() {
        try {
            HttpServer echoing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            echoing.createContext("/ingest", exchange -> {
                exchange.getRequestBody().readAllBytes();
                byte[] body = ("bad request; you sent Authorization: "
                        + exchange.getRequestHeaders().getFirst("Authorization")).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status.get(), body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            echoing.start();
            return echoing;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stopAll() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(5));
        }
        if (sink != null) {
            sink.close();
        }
        server.stop(0);
    }

    private HttpSinkConfig config(HttpAuth auth) {
        return HttpSinkConfig.of("echo", URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ingest"))
                .withAuth(auth);
    }

    private DeliveryOutcome sendOnce(HttpSinkConfig config) throws Exception {
        sink = HttpSink.create(config);
        return sink.send(new Batch(1, Samples.counters("app", 3))).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aBearerTokenEchoedInA400BodyIsMaskedInTheOutcome() throws Exception {
        DeliveryOutcome outcome = sendOnce(config(new HttpAuth.Bearer(Secret.of(TOKEN))));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Rejected.class);
        assertThat(outcome.detail()).startsWith("HTTP 400: bad request; you sent Authorization: Bearer ")
                .contains(Secret.MASK).doesNotContain(TOKEN);
    }

    @Test
    void aBasicPasswordEchoedEncodedOrPlainIsMaskedInTheOutcome() throws Exception {
        DeliveryOutcome outcome = sendOnce(config(new HttpAuth.Basic("courier", Secret.of(PASSWORD))));

        String encoded = new HttpAuth.Basic("courier", Secret.of(PASSWORD)).authorizationHeader().substring(6);
        assertThat(outcome.detail()).isEqualTo("HTTP 400: bad request; you sent Authorization: Basic " + Secret.MASK)
                .doesNotContain(encoded);
    }

    @Test
    void theLedgerRecordAndTheLogLinesOfARejectedBatchNeverShowTheToken() {
        try (CapturedStderr stderr = new CapturedStderr()) {
            runPipeline(HttpSink.create(config(new HttpAuth.Bearer(Secret.of(TOKEN)))));

            DeliveryRecord rejected = await().atMost(Duration.ofSeconds(30))
                    .until(() -> ledger.recent(10).stream().filter(r -> r.rejected() > 0).findFirst().orElse(null),
                            r -> r != null);
            assertThat(rejected.detail()).contains("Bearer " + Secret.MASK).doesNotContain(TOKEN);
            await().atMost(Duration.ofSeconds(30)).until(() -> stderr.text().contains("Bearer " + Secret.MASK));
            assertThat(stderr.text()).doesNotContain(TOKEN);
        }
    }

    @Test
    void theLastErrorOfARetriedBatchNeverShowsTheToken() {
        status.set(503);
        try (CapturedStderr stderr = new CapturedStderr()) {
            runPipeline(HttpSink.create(config(new HttpAuth.Bearer(Secret.of(TOKEN)))));

            String lastError = await().atMost(Duration.ofSeconds(30))
                    .until(() -> pipeline.sinkStats().get("echo").lastError(), error -> error != null);
            assertThat(lastError).contains("Bearer " + Secret.MASK).doesNotContain(TOKEN);
            assertThat(stderr.text()).doesNotContain(TOKEN);
        }
    }

    private void runPipeline(HttpSink sink) {
        this.sink = sink;
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(new ListSource("app", run -> run == 0 ? Samples.counters("app", 3)
                        : List.of()), Duration.ofHours(1))),
                List.of(new SinkSpec(sink, failures -> Duration.ofMillis(50), 1 << 20)), Clock.systemUTC());
        pipeline.start();
    }
}
