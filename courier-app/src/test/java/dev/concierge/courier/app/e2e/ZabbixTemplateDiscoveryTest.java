package dev.concierge.courier.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer;
import dev.concierge.courier.sinks.zabbix.ZabbixDiscoveryConfig;
import dev.concierge.courier.sinks.zabbix.ZabbixSink;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig;
import dev.concierge.courier.sinks.zabbix.client.ZabbixKeys;
import dev.concierge.courier.sources.dropwizard.DropwizardConfig;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped template, imported into a real Zabbix 6.0 server through its API and linked to a fresh host,
 * fed by a real pipeline: a Dropwizard document with a timer, a meter and a counter, read from a file,
 * delivered by a Zabbix sink with discovery on. Nothing is created by hand: the items come from the
 * template's prototypes, and the values of the very first collect, sent before Zabbix had those items,
 * still land in history.
 */
class ZabbixTemplateDiscoveryTest {
    private static final Path TEMPLATE = Path.of("..", "zabbix", "templates", "concierge-courier.yaml");
    private static final String TEMPLATE_NAME = "Concierge Courier";
    private static final String SINK = "zabbix";
    // LLD processing, a configuration cache sync (CacheUpdateFrequency=10 in the fixture) and the history
    // syncer on a busy 2-core machine.
    private static final Duration SETTLE_WAIT = Duration.ofMinutes(3);

    private final RealZabbixServer zabbix = RealZabbixServer.shared();
    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
    private GatedSource source;
    private Pipeline pipeline;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (source != null) {
            source.finish();
        }
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void discoveredItemsOfTheTemplateGetEveryValueFromTheFirstCollectOn() throws Exception {
        String templateId = importTemplate();
        String host = "courier-e2e-lld-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String hostId = zabbix.createHost(host);
        zabbix.call("host.update", Map.of("hostid", hostId, "templates", List.of(Map.of("templateid", templateId))));
        // The discovery rules are trapper items too: the server takes LLD values once its cache has them, as
        // it has for a host linked to the template long before the courier starts.
        zabbix.reloadConfigCache();

        Path document = dir.resolve("metrics.json");
        Files.write(document, MetricsDocuments.write(registry()));
        source = new GatedSource(DropwizardJsonSource.create(DropwizardConfig.ofFile("app", document)));
        ZabbixSink sink = ZabbixSink.create(ZabbixSinkConfig.of(SINK, "127.0.0.1", zabbix.trapperPort()).withHost(host),
                ZabbixDiscoveryConfig.defaults().withStateFile(dir.resolve("discovery.json")));
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(source, Duration.ofSeconds(1))),
                List.of(new SinkSpec(sink, FullJitterBackoff.of(Duration.ofMillis(100), Duration.ofSeconds(1), 2),
                        1 << 20)),
                Clock.systemUTC());
        pipeline.start();

        source.allow(1);
        await("the first collect").atMost(Duration.ofSeconds(30)).until(() -> source.collects() == 1);
        int first = source.accepted().size();
        assertThat(first).isPositive();
        await("settlement of the first collect, sent before Zabbix had its items").atMost(SETTLE_WAIT)
                .until(() -> settled() == first);
        source.allow(2);
        await("two more collects").atMost(Duration.ofSeconds(30)).until(() -> source.collects() == 3);
        List<Sample> emitted = source.accepted();
        await("settlement of every collect").atMost(SETTLE_WAIT).until(() -> settled() == emitted.size());

        SinkStats stats = pipeline.sinkStats().get(SINK);
        assertThat(stats.rejected()).isZero();
        assertThat(stats.delivered()).isEqualTo(emitted.size());
        assertThat(sink.discoveryStats().valuesSent()).as("timers, meters and counters").isEqualTo(3);
        assertThat(sink.discoveryStats().framesHeld()).as("the first collect's values waited for their items")
                .isPositive();
        assertThat(sink.discoveryStats().rowsRefusedAfterHold()).isZero();

        List<String> keys = emitted.stream().map(ZabbixKeys::render).distinct().toList();
        assertThat(discoveredKeys(hostId)).containsAll(keys)
                .contains("timer[app.requests.p99]", "meter[app.logins.m1_rate]", "counter[jobs.active.count]");
        Map<String, Long> sentPerKey = emitted.stream()
                .collect(Collectors.groupingBy(ZabbixKeys::render, Collectors.counting()));
        await("every value in history").atMost(SETTLE_WAIT).untilAsserted(() -> {
            for (Map.Entry<String, Long> key : sentPerKey.entrySet()) {
                assertThat(zabbix.historyValues(host, key.getKey())).as(key.getKey()).hasSize(key.getValue().intValue());
            }
        });
    }

    private static MetricRegistry registry() {
        MetricRegistry registry = new MetricRegistry();
        Timer requests = registry.timer("app.requests");
        for (long millis : new long[] {12, 40, 95, 180, 610}) {
            requests.update(millis, TimeUnit.MILLISECONDS);
        }
        registry.meter("app.logins").mark(7);
        registry.counter("jobs.active").inc(3);
        return registry;
    }

    /** Imports the shipped template as an operator would (Data collection, Templates, Import); its templateid. */
    private String importTemplate() throws Exception {
        Map<String, Object> createOrUpdate = Map.of("createMissing", true, "updateExisting", true);
        zabbix.call("configuration.import", Map.of(
                "format", "yaml",
                "source", Files.readString(TEMPLATE),
                "rules", Map.of(
                        "groups", Map.of("createMissing", true),
                        "templates", createOrUpdate,
                        "items", createOrUpdate,
                        "discoveryRules", createOrUpdate,
                        "triggers", createOrUpdate)));
        JsonNode templates = zabbix.call("template.get", Map.of("output", List.of("templateid"),
                "filter", Map.of("host", List.of(TEMPLATE_NAME))));
        assertThat(templates).hasSize(1);
        return templates.get(0).get("templateid").asText();
    }

    /** Keys of the host's items that discovery created (items.flags = 4). */
    private List<String> discoveredKeys(String hostId) {
        JsonNode items = zabbix.call("item.get", Map.of("hostids", hostId, "output", List.of("key_"),
                "filter", Map.of("flags", 4)));
        List<String> keys = new ArrayList<>();
        items.forEach(item -> keys.add(item.get("key_").asText()));
        return keys;
    }

    private long settled() {
        return ledger.totals(SINK).accepted() + ledger.totals(SINK).rejected();
    }
}
