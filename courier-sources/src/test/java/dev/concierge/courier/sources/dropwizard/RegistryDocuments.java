package dev.concierge.courier.sources.dropwizard;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.RatioGauge;
import com.codahale.metrics.json.MetricsModule;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Documents written by the real metrics-json module, as a MetricsServlet would serve them. */
final class RegistryDocuments {
    private RegistryDocuments() {
    }

    /** One of every metric type, every gauge value shape, and the two gauge failure modes. */
    static MetricRegistry everyType() {
        MetricRegistry registry = new MetricRegistry();
        registry.register("jvm.memory.heap.used", (Gauge<Long>) () -> 123_456_789L);
        registry.register("pool.fill", (Gauge<Double>) () -> 0.25);
        registry.register("app.status", (Gauge<String>) () -> "UP");
        registry.register("app.ready", (Gauge<Boolean>) () -> true);
        registry.register("app.deadlocks", (Gauge<List<String>>) () -> List.of("thread-1"));
        registry.register("cache.hit.ratio", new RatioGauge() {
            @Override
            protected Ratio getRatio() {
                return Ratio.of(5, 0);
            }
        });
        registry.register("broken.gauge", (Gauge<Long>) () -> {
            throw new IllegalStateException("boom");
        });
        registry.counter("jobs.active").inc(3);
        registry.histogram("payload.size").update(12);
        registry.histogram("payload.size").update(400);
        registry.histogram("payload.size").update(900);
        registry.meter("requests").mark(42);
        registry.timer("db.query").update(250, TimeUnit.MILLISECONDS);
        registry.timer("db.query").update(50, TimeUnit.MILLISECONDS);
        return registry;
    }

    /** The registry as MetricsServlet writes it: rates per second, durations in milliseconds, with samples. */
    static byte[] write(MetricRegistry registry) {
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new MetricsModule(TimeUnit.SECONDS, TimeUnit.MILLISECONDS, true));
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(registry);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
