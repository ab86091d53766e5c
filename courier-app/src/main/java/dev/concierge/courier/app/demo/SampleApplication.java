package dev.concierge.courier.app.demo;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.RatioGauge;
import com.codahale.metrics.Timer;
import com.codahale.metrics.json.MetricsModule;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A small application with real Dropwizard metrics of every kind, served as metrics-json at
 * {@code /metrics} the way {@code MetricsServlet} serves them (seconds for rates and durations). Its
 * "traffic" is simulated by a background thread. Used by {@code courier demo}.
 */
public final class SampleApplication implements AutoCloseable {
    private final MetricRegistry registry = new MetricRegistry();
    private final ObjectMapper mapper = new ObjectMapper()
            .registerModule(new MetricsModule(TimeUnit.SECONDS, TimeUnit.SECONDS, false, MetricFilter.ALL));
    private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sample-app-traffic");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpServer server;

    private SampleApplication(HttpServer server) {
        this.server = server;
    }

    /** Starts serving on 127.0.0.1 at {@code port} (0 for any free port). */
    public static SampleApplication create(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        SampleApplication app = new SampleApplication(server);
        app.start();
        return app;
    }

    private void start() {
        Timer requests = registry.timer("app.requests");
        Meter logins = registry.meter("app.logins");
        Counter sessions = registry.counter("app.sessions.active");
        Histogram payload = registry.histogram("app.payload.bytes");
        registry.gauge("app.queue.depth", () -> () -> sessions.getCount() * 2);
        registry.register("app.cache.hit_ratio", new RatioGauge() {
            @Override
            protected Ratio getRatio() {
                return Ratio.of(logins.getCount() % 10, 10);
            }
        });
        Random random = new Random(42);
        traffic.scheduleAtFixedRate(() -> {
            requests.update(5 + random.nextInt(120), TimeUnit.MILLISECONDS);
            logins.mark(random.nextInt(3));
            if (random.nextBoolean()) {
                sessions.inc();
            } else if (sessions.getCount() > 0) {
                sessions.dec();
            }
            payload.update(200 + random.nextInt(4000));
        }, 0, 50, TimeUnit.MILLISECONDS);

        server.createContext("/metrics", exchange -> {
            byte[] body = mapper.writeValueAsBytes(registry);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Cache-Control", "must-revalidate,no-cache,no-store");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public String metricsUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics";
    }

    @Override
    public void close() {
        traffic.shutdownNow();
        server.stop(0);
    }
}
