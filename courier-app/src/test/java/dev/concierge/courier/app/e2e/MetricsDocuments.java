package dev.concierge.courier.app.e2e;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.RatioGauge;
import com.codahale.metrics.Timer;
import com.codahale.metrics.json.MetricsModule;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Metrics-json documents written by the real Dropwizard registry and module, as MetricsServlet serves them. */
final class MetricsDocuments {
    private MetricsDocuments() {
    }

    /** A timer, a meter, a counter, a histogram, and number, ratio, boolean and text gauges. */
    static MetricRegistry everyKind() {
        MetricRegistry registry = new MetricRegistry();
        Timer requests = registry.timer("app.requests");
        for (long millis : new long[] {12, 40, 95, 180, 610}) {
            requests.update(millis, TimeUnit.MILLISECONDS);
        }
        registry.meter("app.logins").mark(7);
        registry.counter("jobs.active").inc(3);
        Histogram payload = registry.histogram("app.payload.bytes");
        for (long bytes : new long[] {200, 1500, 4096}) {
            payload.update(bytes);
        }
        registry.register("app.queue.depth", (Gauge<Long>) () -> 17L);
        registry.register("app.cache.hit_ratio", new RatioGauge() {
            @Override
            protected Ratio getRatio() {
                return Ratio.of(3, 4);
            }
        });
        registry.register("app.ready", (Gauge<Boolean>) () -> true);
        registry.register("app.build", (Gauge<String>) () -> "courier 0.1.0 (5f3c2a1), built on \"main\"");
        return registry;
    }

    /** The registry now, pretty-printed with the samples arrays: rates per second, durations in milliseconds. */
    static byte[] write(MetricRegistry registry) {
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new MetricsModule(TimeUnit.SECONDS, TimeUnit.MILLISECONDS, true));
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(registry);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What one collect of {@code source} offers, every offer accepted. */
    static List<Sample> collectOnce(Source source) throws SourceException {
        List<Sample> samples = new ArrayList<>();
        source.collect(samples::add);
        return samples;
    }
}
