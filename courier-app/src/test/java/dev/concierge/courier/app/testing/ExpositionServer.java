package dev.concierge.courier.app.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A fixed Prometheus text exposition (0.0.4) served at {@code /metrics} on 127.0.0.1, port 0, by the JDK's server. */
public final class ExpositionServer implements AutoCloseable {
    private final HttpServer server;

    private ExpositionServer(HttpServer server) {
        this.server = server;
    }

    public static ExpositionServer serving(String exposition) throws IOException {
        byte[] body = exposition.getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return new ExpositionServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
