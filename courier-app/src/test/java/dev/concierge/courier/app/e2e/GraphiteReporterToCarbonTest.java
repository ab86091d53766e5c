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
import dev.concierge.courier.sinks.zabbix.RealZabbixServer;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer.ValueType;
import dev.concierge.courier.sinks.zabbix.ZabbixSink;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig;
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
 * forwards through its file ledger to a real carbon-cache (the Graphite sink), where every value the reporter
 * wrote is stored under the path it wrote it to, and to a real Zabbix server (the Zabbix sink), where every
 * value is in the history of the intake's host under the key the sink renders for it.
 */
class GraphiteReporterToCarbonTest {
    private static final Duration HISTORY_WAIT = Duration.ofSeconds(60);
    private static final String PREFIX = RealCarbonCache.TEST_PREFIX + ".app.";
    // What the registry below reports, by path under PREFIX: a histogram reports count, min, max, mean,
    // stddev and seven percentiles.
    private static final Map<String, Double> REPORTED = Map.ofEntries(Map.entry("orders.created.count", 42.0),
            Map.entry("queue.depth", 7.0), Map.entry("orders.size.count", 1.0), Map.entry("orders.size.max", 3.0),
            Map.entry("orders.size.mean", 3.0), Map.entry("orders.size.min", 3.0),
            Map.entry("orders.size.stddev", 0.0), Map.entry("orders.size.p50", 3.0),
            Map.entry("orders.size.p75", 3.0), Map.entry("orders.size.p95", 3.0), Map.entry("orders.size.p98", 3.0),
            Map.entry("orders.size.p99", 3.0), Map.entry("orders.size.p999", 3.0));

    private final RealZabbixServer zabbix = RealZabbixServer.shared();
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
    void everyValueAReporterSendsIsStoredByCarbonUnderItsPathAndByZabbixUnderItsKey() throws Exception {
        // The intake's host for every value; unique, since the Zabbix server is shared by the test classes.
        String host = ZabbixIntakeToRealZabbixTest.uniqueHost("graphite-reporter");
        String hostId = zabbix.createHost(host);
        for (String path : REPORTED.keySet()) {
            zabbix.createTrapperItem(hostId, zabbixKey(PREFIX + path), ValueType.FLOAT);
        }
        zabbix.reloadConfigCache();
        carbon = RealCarbonCache.start();
        GraphiteIntakeSource intake = GraphiteIntakeSource.create(
                GraphiteIntakeConfig.of("reporters", "127.0.0.1", 0, host));
        GraphiteSink toCarbon = GraphiteSink.create(GraphiteSinkConfig.of("carbon", "127.0.0.1", carbon.port())
                .withTemplate("{name}"));
        ZabbixSink toZabbix = ZabbixSink.create(ZabbixSinkConfig.of("zabbix", "127.0.0.1", zabbix.trapperPort()));
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20),
                FileDeliveryLedger.open(dir.resolve("data"), Clock.systemUTC()),
                List.of(new ScheduledSource(intake, Duration.ofSeconds(5))),
                List.of(new SinkSpec(toCarbon, FullJitterBackoff.of(Duration.ofMillis(100), Duration.ofSeconds(1), 2),
                                1 << 20),
                        new SinkSpec(toZabbix, FullJitterBackoff.of(Duration.ofMillis(100), Duration.ofSeconds(1), 2),
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

        await().atMost(Duration.ofSeconds(60)).until(() -> carbon.storedPaths().stream()
                .filter(path -> path.startsWith(PREFIX)).count() == REPORTED.size());
        assertThat(stored(PREFIX + "orders.created.count", reportedAt)).containsValue(42.0);
        assertThat(stored(PREFIX + "queue.depth", reportedAt)).containsValue(7.0);
        assertThat(stored(PREFIX + "orders.size.p99", reportedAt)).containsValue(3.0);

        for (Map.Entry<String, Double> value : REPORTED.entrySet()) {
            String key = zabbixKey(PREFIX + value.getKey());
            List<String> history = await("history of " + key).atMost(HISTORY_WAIT)
                    .until(() -> zabbix.historyValues(host, key), values -> !values.isEmpty());
            assertThat(history).as(key).singleElement()
                    .satisfies(stored -> assertThat(Double.parseDouble(stored)).isEqualTo(value.getValue()));
        }
    }

    /**
     * The Zabbix sink's key for a Graphite path without tags: the intake emits untyped samples named by the path,
     * rendered {@code untyped[<name>]} (ZabbixKeys).
     */
    private static String zabbixKey(String path) {
        return "untyped[" + path + "]";
    }

    private Map<Long, Double> stored(String path, long reportedAt) {
        return await().atMost(Duration.ofSeconds(60))
                .until(() -> carbon.fetch(path, reportedAt - 5, reportedAt + 5), values -> !values.isEmpty());
    }
}
