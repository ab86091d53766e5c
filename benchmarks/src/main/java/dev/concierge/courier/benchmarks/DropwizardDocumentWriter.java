package dev.concierge.courier.benchmarks;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.codahale.metrics.json.MetricsModule;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Writes the document {@link DropwizardParserBenchmark} parses: a real {@link MetricRegistry} with 2,000
 * metrics (700 timers, 400 meters, 400 counters, 300 gauges, 200 histograms), each updated a few hundred
 * times from a seeded {@link Random}, serialised by metrics-json's {@link MetricsModule} as
 * {@code MetricsServlet} serves it by default: rates per second, durations in milliseconds, no
 * {@code values} arrays, compact.
 *
 * <p>Run once; the output is kept as a resource so every run parses the same bytes:
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.concierge.courier.benchmarks.DropwizardDocumentWriter \
 *     benchmarks/src/main/resources/dev/concierge/courier/benchmarks/metrics-json-2000.json</pre>
 */
public final class DropwizardDocumentWriter {
    private DropwizardDocumentWriter() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: DropwizardDocumentWriter <output.json>");
            System.exit(2);
        }
        byte[] document = write(registry(new Random(20260301), 700, 400, 400, 300, 200));
        Files.write(Path.of(args[0]), document);
        System.out.println(args[0] + ": " + document.length + " bytes");
    }

    /** A registry with the given number of metrics of each kind, names as applications tend to have them. */
    static MetricRegistry registry(Random random, int timers, int meters, int counters, int gauges, int histograms) {
        MetricRegistry registry = new MetricRegistry();
        String[] areas = {"http.server", "db.pool", "cache.local", "jobs.worker", "client.payments", "client.search",
                "kafka.consumer", "auth.sessions"};
        for (int i = 0; i < timers; i++) {
            Timer timer = registry.timer(areas[i % areas.length] + ".requests." + i + ".latency");
            for (int n = 0, updates = 50 + random.nextInt(300); n < updates; n++) {
                timer.update(200 + random.nextInt(250_000), TimeUnit.MICROSECONDS);
            }
        }
        for (int i = 0; i < meters; i++) {
            Meter meter = registry.meter(areas[i % areas.length] + ".events." + i + ".rate");
            meter.mark(random.nextInt(100_000));
        }
        for (int i = 0; i < counters; i++) {
            Counter counter = registry.counter(areas[i % areas.length] + ".items." + i + ".active");
            counter.inc(random.nextInt(5_000));
        }
        for (int i = 0; i < gauges; i++) {
            String name = areas[i % areas.length] + ".state." + i;
            switch (i % 10) {
                case 0 -> registry.register(name + ".status", (Gauge<String>) () -> "UP");
                case 1 -> registry.register(name + ".ready", (Gauge<Boolean>) () -> true);
                case 2, 3, 4 -> {
                    double ratio = random.nextDouble();
                    registry.register(name + ".ratio", (Gauge<Double>) () -> ratio);
                }
                default -> {
                    long bytes = random.nextLong() & 0xFFFF_FFFFL;
                    registry.register(name + ".bytes", (Gauge<Long>) () -> bytes);
                }
            }
        }
        for (int i = 0; i < histograms; i++) {
            Histogram histogram = registry.histogram(areas[i % areas.length] + ".payload." + i + ".size");
            for (int n = 0, updates = 50 + random.nextInt(300); n < updates; n++) {
                histogram.update(random.nextInt(65_536));
            }
        }
        return registry;
    }

    /** The registry as {@code MetricsServlet} writes it by default. */
    static byte[] write(MetricRegistry registry) throws IOException {
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new MetricsModule(TimeUnit.SECONDS, TimeUnit.MILLISECONDS, false, MetricFilter.ALL));
        return mapper.writeValueAsBytes(registry);
    }
}
