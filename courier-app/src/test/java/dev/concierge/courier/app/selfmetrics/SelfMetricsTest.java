package dev.concierge.courier.app.selfmetrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class SelfMetricsTest {
    private static final Path TEMPLATE = Path.of("..", "zabbix", "templates", "concierge-courier.yaml");

    @TempDir
    Path dir;

    private CourierConfig config(int port, String selfMetrics, String sourceName) throws Exception {
        Path metrics = dir.resolve("metrics.json");
        Files.writeString(metrics, "{\"version\":\"4.0.0\",\"gauges\":{},\"counters\":{\"jobs\":{\"count\":1}},"
                + "\"histograms\":{},\"meters\":{},\"timers\":{}}");
        Path file = dir.resolve("courier.yaml");
        Files.writeString(file, """
                data_dir: %s
                %s
                sources:
                  - {name: %s, type: dropwizard, file: %s, interval: 200ms, timeout: 200ms, host: app-01}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1:%d"}
                """.formatted(dir.resolve("state"), selfMetrics, sourceName, metrics, port));
        return CourierConfig.load(new YamlConfigParser(Map.of()), file);
    }

    private static Optional<Row> row(ZabbixTrapperReceiver receiver, String key) {
        List<Row> rows = receiver.rows();
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (rows.get(i).key().equals(key)) {
                return Optional.of(rows.get(i));
            }
        }
        return Optional.empty();
    }

    @Test
    void deliversTheCouriersOwnHealthWithItsDiscoveryToItsSinks() throws Exception {
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create();
             Courier courier = Courier.start(config(receiver.port(),
                     "self_metrics: {interval: 200ms, host: courier-01}", "app"))) {
            await().until(() -> row(receiver, "gauge[courier.sink.delivered,sink=zabbix]")
                    .map(r -> Long.parseLong(r.value()) > 0).orElse(false));

            assertThat(row(receiver, "courier.discovery[sinks]")).get().satisfies(r -> {
                assertThat(r.value()).isEqualTo("[{\"{#SINK}\":\"zabbix\"}]");
                assertThat(r.host()).isEqualTo("courier-01");
            });
            assertThat(row(receiver, "courier.discovery[sources]")).get().extracting(Row::value)
                    .isEqualTo("[{\"{#SOURCE}\":\"app\"},{\"{#SOURCE}\":\"courier\"}]");
            assertThat(row(receiver, "gauge[courier.source.failures,source=app]")).get().extracting(Row::value)
                    .isEqualTo("0");
            assertThat(row(receiver, "gauge[courier.sink.dropped,sink=zabbix]")).isPresent();
            assertThat(row(receiver, "gauge[courier.ring.used_bytes]")).isPresent();
            assertThat(row(receiver, "courier.discovery[sink_events]")).get().extracting(Row::value)
                    .isEqualTo("[{\"{#SINK}\":\"zabbix\",\"{#EVENT}\":\"failover_rows_resent\"},"
                            + "{\"{#SINK}\":\"zabbix\",\"{#EVENT}\":\"non_finite_skipped\"},"
                            + "{\"{#SINK}\":\"zabbix\",\"{#EVENT}\":\"oversized_skipped\"}]");
            assertThat(row(receiver, "gauge[courier.sink.events,event=oversized_skipped,sink=zabbix]")).get()
                    .extracting(Row::value).isEqualTo("0");
            assertThat(row(receiver, "counter[jobs.count]")).get().extracting(Row::host).isEqualTo("app-01");
        }
    }

    /**
     * Every value the courier sends about itself has an item in the shipped template: a template item with the
     * same key, or an item prototype whose key, with the macros of one row of its rule's discovery value
     * expanded, is the key. A value without one is counted failed by Zabbix.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everyValueItSendsHasAnItemOrItemPrototypeInTheTemplate() throws Exception {
        Map<String, Object> template;
        try (Reader in = Files.newBufferedReader(TEMPLATE)) {
            Map<String, Object> export = (Map<String, Object>) new Yaml().<Map<String, Object>>load(in)
                    .get("zabbix_export");
            template = ((List<Map<String, Object>>) export.get("templates")).get(0);
        }
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create();
             Courier courier = Courier.start(config(receiver.port(),
                     "self_metrics: {interval: 200ms, host: courier-01}", "app"))) {
            await().until(() -> row(receiver, "gauge[courier.sink.delivered,sink=zabbix]")
                    .map(r -> Long.parseLong(r.value()) > 0).orElse(false));

            Set<String> known = new HashSet<>();
            for (Map<String, Object> item : (List<Map<String, Object>>) template.get("items")) {
                known.add((String) item.get("key"));
            }
            for (Map<String, Object> rule : (List<Map<String, Object>>) template.get("discovery_rules")) {
                Optional<Row> discovered = row(receiver, (String) rule.get("key"));
                if (discovered.isEmpty()) {
                    continue;
                }
                for (JsonNode entity : new ObjectMapper().readTree(discovered.get().value())) {
                    for (Map<String, Object> prototype : (List<Map<String, Object>>) rule.get("item_prototypes")) {
                        String key = (String) prototype.get("key");
                        for (var macro : (Iterable<Map.Entry<String, JsonNode>>) entity::fields) {
                            key = key.replace(macro.getKey(), macro.getValue().asText());
                        }
                        known.add(key);
                    }
                }
            }
            List<String> sent = receiver.rows().stream().filter(r -> r.host().equals("courier-01"))
                    .map(Row::key).filter(key -> !key.startsWith("courier.discovery[")).distinct().toList();

            assertThat(sent).contains("gauge[courier.ring.used_bytes]",
                    "gauge[courier.sink.events,event=oversized_skipped,sink=zabbix]",
                    "gauge[courier.source.refused,source=app]", "gauge[courier.sink.retries,sink=zabbix]");
            assertThat(known).containsAll(sent);
        }
    }

    @Test
    void isOffWithoutItsSection() throws Exception {
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create();
             Courier courier = Courier.start(config(receiver.port(), "", "app"))) {
            await().until(() -> receiver.rows().size() >= 3);

            assertThat(receiver.rows()).noneMatch(r -> r.key().contains("courier."));
        }
    }

    @Test
    void refusesASourceThatTakesItsName() {
        assertThatThrownBy(() -> config(10051, "self_metrics: {}", "courier"))
                .hasMessageContaining("self_metrics: a source named courier (expected: no source of that name");
    }
}
