package dev.concierge.courier.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.app.wiring.GivenPlugins;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.Samples;
import dev.concierge.courier.sinks.http.HttpAuth;
import dev.concierge.courier.sinks.http.HttpSink;
import dev.concierge.courier.sinks.http.HttpSinkConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A destination that echoes the request's {@code Authorization} header, first in a 503 and then in a 400 body:
 * the bearer token shows nowhere an operator reads, {@code /ledger}, {@code /status.json} or {@code ledger.log}.
 */
class SecretEchoAdminTest {
    private static final String TOKEN = "tok-4e1b90-do-not-leak";

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer destination;
    private Courier courier;

    @AfterEach
    void stopAll() {
        if (courier != null) {
            courier.close();
        }
        if (destination != null) {
            destination.stop(0);
        }
    }

    private void startEchoingDestination() throws IOException {
        destination = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        destination.createContext("/ingest", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("you sent Authorization: " + exchange.getRequestHeaders().getFirst("Authorization"))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(requests.getAndIncrement() == 0 ? 503 : 400, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        destination.start();
    }

    private String get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + courier.adminAddress().orElseThrow().getPort() + path)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void anEchoedBearerTokenIsMaskedInTheLedgerTheStatusDocumentAndLedgerLog() throws Exception {
        startEchoingDestination();
        HttpSink sink = HttpSink.create(HttpSinkConfig.of("echo",
                        URI.create("http://127.0.0.1:" + destination.getAddress().getPort() + "/ingest"))
                .withAuth(new HttpAuth.Bearer(Secret.of(TOKEN))));
        CourierConfig config = new CourierConfig(dataDir, 1024, 1 << 20, Duration.ofSeconds(2),
                List.of(GivenPlugins.source("app", Duration.ofHours(1),
                        () -> new ListSource("app", run -> run == 0 ? Samples.counters("x", 5) : List.of()))),
                List.of(GivenPlugins.sink(sink, failures -> Duration.ofMillis(50), 1 << 20)), AdminConfig.loopback(0));
        FileDeliveryLedger ledger = FileDeliveryLedger.open(dataDir, Clock.systemUTC());
        courier = Courier.create(config, ledger, Clock.systemUTC());
        courier.start();

        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.totals("echo").rejected() == 5);

        String status = get("/status.json");
        assertThat(status).contains("Bearer " + Secret.MASK).doesNotContain(TOKEN);
        assertThat(get("/ledger")).contains("Bearer " + Secret.MASK).doesNotContain(TOKEN);
        ledger.sync();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString())
                        .doesNotContain(TOKEN);
            }
        }
    }
}
