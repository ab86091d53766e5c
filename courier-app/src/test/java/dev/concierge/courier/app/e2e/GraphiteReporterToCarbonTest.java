package dev.concierge.courier.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.graphite.Graphite;
import com.codahale.metrics.graphite.GraphiteReporter;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.sinks.graphite.GraphiteSink;
import dev.concierge.courier.sinks.graphite.GraphiteSinkConfig;
import dev.concierge.courier.sinks.graphite.RealCarbonCache;
import dev.concierge.courier.sources.graphite.GraphiteIntakeConfig;
import dev.concierge.courier.sources.graphite.GraphiteIntakeSource;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Dropwizard {@link GraphiteReporter} reports to the Graphite intake instead of carbon; the courier
 * forwards through its file ledger and the Graphite sink to a real carbon-cache, where every value the
 * reporter wrote is stored under the path it wrote it to.
 */
class GraphiteReporterToCarbonTest {
    @TempDir
    Path dir;
    private RealCarbonCache carbon;
    private Pipeline pipeline;

    @AfterEach
    void stop() throws Exception {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(5));
        }
        if (carbon != null) {
            carbon.close();
        }
    }

    @Test
    void everyValueAReporterSendsIsStoredByCarbonUnderItsPath() throws Exception {
        carbon = RealCarbonCache.start();
        GraphiteIntakeSource intake = GraphiteIntakeSource.create(
                GraphiteIntakeConfig.of("reporters", "127.0.0.1", 0, "app-01"));
        GraphiteSink sink = GraphiteSink.create(GraphiteSinkConfig.of("carbon", "127.0.0.1", carbon.port())
                .withTemplate("{name}"));
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20),
                FileDeliveryLedger.open(dir.resolve("data"), Clock.systemUTC()),
                List.of(new ScheduledSource(intake, Duration.ofSeconds(5))),
                List.of(new SinkSpec(sink, FullJitterBackoff.of(Duration.ofMillis(100), Duration.ofSeconds(1), 2),
                        1 << 20)),
                Clock.systemUTC());
        pipeline.start();
        await().until(() -> intake.port() > 0);

        MetricRegistry registry = new MetricRegistry();
        registry.counter("orders.created").inc(42);
        registry.register("queue.depth", (com.codahale.metrics.Gauge<Integer>) () -> 7);
        registry.histogram("orders.size").update(3);
        long reportedAt = System.currentTimeMillis() / 1000;
        try (GraphiteReporter reporter = GraphiteReporter.forRegistry(registry)
                .prefixedWith(RealCarbonCache.TEST_PREFIX + ".app")
                .convertDurationsTo(TimeUnit.MILLISECONDS).filter(MetricFilter.ALL)
                .build(new Graphite(new InetSocketAddress("127.0.0.1", intake.port())))) {
            reporter.report();
        }

        String prefix = RealCarbonCache.TEST_PREFIX + ".app.";
        // A histogram reports count, min, max, mean, stddev and seven percentiles.
        await().atMost(Duration.ofSeconds(60)).until(() -> carbon.storedPaths().stream()
                .filter(path -> path.startsWith(prefix)).count() == 2 + 11);
        assertThat(stored(prefix + "orders.created.count", reportedAt)).containsValue(42.0);
        assertThat(stored(prefix + "queue.depth", reportedAt)).containsValue(7.0);
        assertThat(stored(prefix + "orders.size.p99", reportedAt)).containsValue(3.0);
    }

    private Map<Long, Double> stored(String path, long reportedAt) {
        return await().atMost(Duration.ofSeconds(60))
                .until(() -> carbon.fetch(path, reportedAt - 5, reportedAt + 5), values -> !values.isEmpty());
    }
}
