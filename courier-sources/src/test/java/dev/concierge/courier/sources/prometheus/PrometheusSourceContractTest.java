package dev.concierge.courier.sources.prometheus;

import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.testing.SourceContractTest;
import dev.concierge.courier.sources.LoopbackHttpServer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;

/** The source contract for a Prometheus scrape of an HTTP endpoint on loopback. */
class PrometheusSourceContractTest extends SourceContractTest {
    private static final byte[] EXPOSITION = """
            # HELP jobs_done_total Jobs done.
            # TYPE jobs_done_total counter
            jobs_done_total{queue="a"} 12
            jobs_done_total{queue="b"} 3
            # TYPE temperature gauge
            temperature 21.5
            """.getBytes(StandardCharsets.UTF_8);

    private LoopbackHttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected Source createSource(String name) {
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, EXPOSITION.length);
            exchange.getResponseBody().write(EXPOSITION);
            exchange.close();
        });
        return PrometheusScrapeSource.create(PrometheusConfig.of(name, server.uri("/metrics")));
    }

    @Override
    protected Source createSourceOfMissingPeer(String name) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        return PrometheusScrapeSource.create(PrometheusConfig.of(name, URI.create("http://127.0.0.1:" + port + "/metrics")));
    }
}
