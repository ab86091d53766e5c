package dev.concierge.courier.app.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.testing.ExpositionServer;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules on a source and on a sink, from the YAML to the lines a file sink writes: a scrape of node_exporter-like
 * series, selected and relabelled at the source, then selected, renamed, re-hosted and tagged at the sink.
 */
class ProcessingRulesTest {
    private static final String EXPOSITION = """
            # TYPE node_load1 gauge
            node_load1{instance="web-1:9100"} 0.5
            # TYPE node_load5 gauge
            node_load5{instance="web-1:9100"} 0.25
            # TYPE node_cpu_seconds_total counter
            node_cpu_seconds_total{cpu="0",mode="idle",instance="web-1:9100"} 100
            node_cpu_seconds_total{cpu="0",mode="user",instance="web-2:9100"} 20
            # TYPE go_goroutines gauge
            go_goroutines 7
            # TYPE node_memory_free gauge
            node_memory_free 1
            # TYPE node_network_up gauge
            node_network_up{instance="web-1:9100"} 1
            """;

    @TempDir
    Path dir;
    private ExpositionServer exporter;

    @BeforeEach
    void startExporter() throws IOException {
        exporter = ExpositionServer.serving(EXPOSITION);
    }

    @AfterEach
    void stopExporter() {
        exporter.close();
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("courier.yaml"), yaml);
    }

    @Test
    void sendsOnlyTheSelectedSeriesRenamedTaggedAndOnTheirHostsAndCountsTheRest() throws Exception {
        Path values = dir.resolve("values.txt");
        Path file = write("""
                data_dir: %s
                admin: {listen: "127.0.0.1:0"}
                sources:
                  - name: node
                    type: prometheus
                    url: http://127.0.0.1:%d/metrics
                    interval: 1h
                    host: src-host
                    exclude: ["go_*"]
                    metric_relabel_configs:
                      - {source_labels: [mode], regex: idle, action: drop}
                      - source_labels: [instance]
                        regex: '([^:]+):\\d+'
                        target_label: node
                sinks:
                  - name: spool
                    type: file
                    path: %s
                    include: ['node_load*', 'node_cpu_*{mode="user"}', '/node_memory_.+/']
                    host_from_label: node
                    rename:
                      - {match: 'node_(.*)', replace: 'node.$1'}
                    labels: {drop: [instance, node], add: {env: prod}}
                """.formatted(dir.resolve("data"), exporter.port(), values));

        CourierConfig config = CourierConfig.load(new YamlConfigParser(Map.of()), file);
        assertThat(config.summary()).contains("exclude [go_*]; 2 metric_relabel_configs")
                .contains("host_from_label node");

        try (Courier courier = Courier.start(config, new InMemoryDeliveryLedger(Clock.systemUTC(), 16),
                Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(values)
                    && Files.readAllLines(values).size() >= 4);
            // host, key and value; the clock and nanoseconds are the scrape's.
            List<String> lines = Files.readAllLines(values).stream().map(line -> {
                String[] fields = line.split(" ");
                return fields[0] + " " + fields[1] + " " + fields[4];
            }).toList();
            assertThat(lines).containsExactlyInAnyOrder(
                    "web-1 gauge[node.load1,env=prod] 0.5",
                    "web-1 gauge[node.load5,env=prod] 0.25",
                    "web-2 counter[node.cpu_seconds_total,cpu=0,env=prod,mode=user] 20",
                    "src-host gauge[node.memory_free,env=prod] 1");

            // node_network_up, dropped by the sink, is the scrape's last series: it may come after the last line.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(courier, "/metrics")).contains(
                    "courier_source_events_total{event=\"dropped_by_rule_excluded\",source=\"node\"} 1.0",
                    "courier_source_events_total{event=\"dropped_by_rule_relabel_drop\",source=\"node\"} 1.0",
                    "courier_sink_events_total{event=\"dropped_by_rule_not_included\",sink=\"spool\"} 1.0",
                    "courier_sink_events_total{event=\"missing_host_label\",sink=\"spool\"} 1.0"));
        }
    }

    private static String get(Courier courier, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + courier.adminAddress().orElseThrow().getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    @Test
    void reportsEveryBadRuleAtItsLineAndColumnWithTheOtherProblems() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - name: node
                    type: prometheus
                    url: http://127.0.0.1:9100/metrics
                    include: ['node_*', '{job=api}']
                    exclude: ['*']
                    metric_relabel_configs:
                      - {source_labels: [a], regex: '(', target_label: b}
                      - {action: hashmod, modulus: 4}
                sinks:
                  - name: spool
                    type: file
                    path: /tmp/values.txt
                    host_from_label: host-name
                    rename:
                      - {match: 'node_(', replace: x}
                    labels: {add: {env: prod}, keep: [x]}
                    colour: blue
                """);

        assertThatThrownBy(() -> CourierConfig.load(new YamlConfigParser(Map.of()), file))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(Arrays.stream(e.getMessage().split("\n")).map(String::strip)
                        .filter(line -> line.contains("courier.yaml:")).map(line -> line.substring(
                                line.indexOf("courier.yaml:"))).toList())
                        .containsExactlyInAnyOrder(
                                "courier.yaml:6:25: sources[0].include[1]: \"{job=api}\" (expected: label matchers "
                                        + "such as {job=\"api\", code=~\"5..\"}; a quoted value at column 6)",
                                "courier.yaml:7:15: sources[0].exclude[0]: \"*\", which excludes every sample "
                                        + "(expected: a pattern that leaves some samples (to send nothing, remove "
                                        + "the source or sink))",
                                "courier.yaml:9:37: sources[0].metric_relabel_configs[0].regex: \"(\" (expected: a "
                                        + "regular expression (Unclosed group))",
                                "courier.yaml:10:18: sources[0].metric_relabel_configs[1].action: \"hashmod\" "
                                        + "(expected: one of replace, keep, drop, labeldrop, labelkeep)",
                                "courier.yaml:10:27: sources[0].metric_relabel_configs[1].modulus: unknown key "
                                        + "(expected: one of source_labels, separator, target_label, regex, "
                                        + "replacement, action)",
                                "courier.yaml:15:22: sinks[0].host_from_label: \"host-name\" (expected: a label name "
                                        + "([a-zA-Z_][a-zA-Z0-9_]*))",
                                "courier.yaml:17:17: sinks[0].rename[0].match: \"node_(\" (expected: a regular "
                                        + "expression (Unclosed group))",
                                "courier.yaml:18:32: sinks[0].labels.keep: unknown key (expected: one of add, drop, "
                                        + "rename)",
                                "courier.yaml:19:5: sinks[0].colour: unknown key (expected: one of name, type, "
                                        + "sources, backoff, backlog_size, include, exclude, fields, metric_relabel_configs, "
                                        + "host_from_label, rename, labels, path, host, fsync, max_batch_size, "
                                        + "rotate_size, name_escaping)"));
    }

    @Test
    void aReloadRestartsOnlyTheEntriesWhoseRulesChanged() throws Exception {
        String yaml = """
                data_dir: /tmp/courier
                sources:
                  - {name: node, type: prometheus, url: "http://127.0.0.1:9100/metrics", include: ["%s"]}
                sinks:
                  - {name: spool, type: file, path: /tmp/values.txt, labels: {add: {env: %s}}}
                """;
        CourierConfig loaded = CourierConfig.load(new YamlConfigParser(Map.of()), write(yaml.formatted("node_*", "prod")));
        CourierConfig same = CourierConfig.load(new YamlConfigParser(Map.of()), write(yaml.formatted("node_*", "prod")));
        CourierConfig changed = CourierConfig.load(new YamlConfigParser(Map.of()), write(yaml.formatted("node_?", "dev")));

        assertThat(same.sources().get(0).sameAs(loaded.sources().get(0))).isTrue();
        assertThat(same.sinks().get(0).sameAs(loaded.sinks().get(0))).isTrue();
        assertThat(changed.sources().get(0).sameAs(loaded.sources().get(0))).isFalse();
        assertThat(changed.sinks().get(0).sameAs(loaded.sinks().get(0))).isFalse();
    }

    @Test
    void theReadmeExamplesBindAsWritten() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String section = readme.substring(readme.indexOf("### Routing, selecting, renaming and tagging"));
        String selecting = yamlBlock(section, 1);
        String relabel = yamlBlock(section, 2);
        // The relabel block is indented as under a source: put it under one.
        Path file = write("data_dir: /tmp/courier\n" + selecting.replace("    host: web-01\n",
                "    host: web-01\n" + relabel));

        CourierConfig config = CourierConfig.load(new YamlConfigParser(Map.of()), file);

        assertThat(config.sources().get(0).processor().summary()).startsWith("include [node_load*, ")
                .contains("4 metric_relabel_configs");
        assertThat(config.sinks()).extracting(sink -> sink.processor().isEmpty()).containsExactly(false, false);
    }

    @Test
    void fieldsSendOnlyTheChosenFieldsOfADropwizardTimerAndMeter() throws Exception {
        Path document = Files.writeString(dir.resolve("metrics.json"), """
                {"version":"4.0.0","gauges":{"jvm.heap":{"value":1}},"counters":{},"histograms":{},
                 "meters":{"logins":{"count":1,"m1_rate":0.5,"mean_rate":0.1,"units":"events/second"}},
                 "timers":{"app.requests":{"count":7,"p99":0.25,"mean":0.1,"duration_units":"seconds",
                                           "rate_units":"calls/second"}}}
                """);
        Path values = dir.resolve("values.txt");
        Path file = write("""
                data_dir: %s
                admin: {listen: "127.0.0.1:0"}
                sources:
                  - {name: app, type: dropwizard, file: %s, interval: 1h, host: app-01}
                sinks:
                  - name: spool
                    type: file
                    path: %s
                    fields: {timers: [p99, count], meters: [m1_rate]}
                """.formatted(dir.resolve("data"), document, values));

        try (Courier courier = Courier.start(CourierConfig.load(new YamlConfigParser(Map.of()), file),
                new InMemoryDeliveryLedger(Clock.systemUTC(), 16), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(values)
                    && Files.readAllLines(values).size() >= 4);
            List<String> keys = Files.readAllLines(values).stream().map(line -> line.split(" ")[1]).toList();
            assertThat(keys).containsExactlyInAnyOrder("gauge[jvm.heap]", "meter[logins.m1_rate]",
                    "timer[app.requests.count]", "timer[app.requests.p99]");
            // The timer's mean and unit texts, the meter's count, mean rate and units; a drop may come in a
            // later chunk than the last line written.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(courier, "/metrics")).contains(
                    "courier_sink_events_total{event=\"dropped_by_rule_field_not_selected\",sink=\"spool\"} 6.0"));
        }
    }

    private static String yamlBlock(String text, int index) {
        int start = -1;
        for (int i = 0; i <= index; i++) {
            start = text.indexOf("```yaml\n", start + 1);
        }
        return text.substring(start + "```yaml\n".length(), text.indexOf("```\n", start + 1));
    }
}
