package dev.concierge.courier.sources.consul;

import dev.concierge.courier.sources.LoopbackHttpServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** An application instance serving a Dropwizard metrics-json document on loopback, with one counter. */
final class MetricsEndpoint implements AutoCloseable {
    private final LoopbackHttpServer server;

    MetricsEndpoint(long requests) {
        byte[] document = ("{\"version\":\"4.0.0\",\"gauges\":{},\"counters\":{\"app.requests\":{\"count\":" + requests
                + "}},\"histograms\":{},\"meters\":{},\"timers\":{}}").getBytes(StandardCharsets.UTF_8);
        server = LoopbackHttpServer.start("/metrics", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, document.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(document);
            }
        });
    }

    int port() {
        return server.uri("/").getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
