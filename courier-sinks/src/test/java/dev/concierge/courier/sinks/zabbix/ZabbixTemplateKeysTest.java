package dev.concierge.courier.sinks.zabbix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.sinks.zabbix.client.ZabbixKeys;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The shipped template against the sink's discovery: for samples of every kind the courier sends, the rule
 * the sink discovers a series with exists in the template, and one of its item prototypes, with the macros
 * expanded as Zabbix expands them, is exactly the key the sink sends the value with.
 */
class ZabbixTemplateKeysTest {
    static final Path TEMPLATE = Path.of("..", "zabbix", "templates", "concierge-courier.yaml");
    private static final Pattern MACRO = Pattern.compile("\\{#[A-Z0-9_.]+}");
    private static final String[] TIMER_FIELDS = {"count", "max", "mean", "min", "p50", "p75", "p95", "p98", "p99",
            "p999", "stddev", "m15_rate", "m1_rate", "m5_rate", "mean_rate", "duration_units", "rate_units"};
    private static final String[] METER_FIELDS = {"count", "m15_rate", "m1_rate", "m5_rate", "mean_rate", "units"};
    private static final String[] HISTOGRAM_FIELDS = {"count", "max", "mean", "min", "p50", "p75", "p95", "p98",
            "p99", "p999", "stddev"};

    private static Map<String, List<String>> prototypesByRule;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readTemplate() throws IOException {
        Map<String, Object> root;
        try (Reader in = Files.newBufferedReader(TEMPLATE)) {
            root = new Yaml().load(in);
        }
        Map<String, Object> export = (Map<String, Object>) root.get("zabbix_export");
        assertThat(export.get("version")).isEqualTo("6.0");
        Map<String, Object> template = ((List<Map<String, Object>>) export.get("templates")).get(0);
        prototypesByRule = new LinkedHashMap<>();
        for (Map<String, Object> rule : (List<Map<String, Object>>) template.get("discovery_rules")) {
            assertThat(rule.get("type")).isEqualTo("TRAP");
            List<String> keys = new ArrayList<>();
            for (Map<String, Object> prototype : (List<Map<String, Object>>) rule.get("item_prototypes")) {
                assertThat(prototype.get("type")).isEqualTo("TRAP");
                keys.add((String) prototype.get("key"));
            }
            prototypesByRule.put((String) rule.get("key"), keys);
        }
    }

    @Test
    void everyDropwizardFieldHasAPrototypeWhoseKeyIsTheKeyTheSinkSends() {
        List<Sample> samples = new ArrayList<>();
        for (String field : TIMER_FIELDS) {
            samples.add(dropwizard("app.requests", MetricType.TIMER, field));
        }
        for (String field : METER_FIELDS) {
            samples.add(dropwizard("app.logins", MetricType.METER, field));
        }
        for (String field : HISTOGRAM_FIELDS) {
            samples.add(dropwizard("app.payload.size", MetricType.HISTOGRAM, field));
        }
        samples.add(dropwizard("jobs.active", MetricType.COUNTER, "count"));
        samples.add(dropwizard("jvm.memory.heap.used", MetricType.GAUGE, null));

        for (Sample sample : samples) {
            assertDiscoveredByTemplate(sample);
        }
    }

    @Test
    void labelledSeriesExpandToTheKeysTheSinkSends() {
        assertDiscoveredByTemplate(labelled("node_cpu_seconds_total", MetricType.COUNTER,
                Labels.of("cpu", "0", "mode", "idle")));
        assertDiscoveredByTemplate(labelled("consul.service.passing", MetricType.GAUGE,
                Labels.of("service", "web", "instance", "web-1", "node", "n1")));
        assertDiscoveredByTemplate(labelled("consul.service.instances", MetricType.GAUGE,
                Labels.of("service", "web", "state", "critical")));
        for (String name : List.of("delivered", "rejected", "dropped", "pending")) {
            assertDiscoveredByTemplate(labelled("courier.sink." + name, MetricType.GAUGE, Labels.of("sink", "zabbix")));
        }
        assertDiscoveredByTemplate(labelled("courier.source.failures", MetricType.GAUGE, Labels.of("source", "app")));
    }

    @Test
    void everyPrometheusSampleOfAFamilyIsDiscoveredByTheFamilysRule() {
        assertThat(LldSeries.of(labelled("http_duration_seconds_bucket", MetricType.HISTOGRAM,
                Labels.of("le", "0.1"))).ruleKey()).isEqualTo("courier.discovery[prometheus,http_duration_seconds]");
        assertThat(LldSeries.of(labelled("http_duration_seconds_sum", MetricType.HISTOGRAM, Labels.empty()))
                .ruleKey()).isEqualTo("courier.discovery[prometheus,http_duration_seconds]");
        assertThat(LldSeries.of(labelled("rpc_seconds_count", MetricType.SUMMARY, Labels.empty())).ruleKey())
                .isEqualTo("courier.discovery[prometheus,rpc_seconds]");
        assertThat(LldSeries.of(labelled("process_cpu_seconds_total", MetricType.COUNTER, Labels.empty())).ruleKey())
                .isEqualTo("courier.discovery[prometheus,process_cpu_seconds_total]");
        assertThat(LldSeries.of(labelled("go_goroutines", MetricType.GAUGE, Labels.empty())).ruleKey())
                .isEqualTo("courier.discovery[gauges]");
    }

    private static void assertDiscoveredByTemplate(Sample sample) {
        LldSeries series = LldSeries.of(sample);
        String key = ZabbixKeys.render(sample);
        assertThat(prototypesByRule).as("rule of %s", key).containsKey(series.ruleKey());
        List<String> expanded = prototypesByRule.get(series.ruleKey()).stream()
                .map(prototype -> expand(prototype, series.macros())).toList();
        assertThat(expanded).as("prototypes of %s expanded with %s", series.ruleKey(), series.macros())
                .contains(key);
    }

    /** Zabbix's LLD macro substitution: each known {#MACRO} replaced by its value; unknown ones stay. */
    private static String expand(String prototype, Map<String, String> macros) {
        Matcher m = MACRO.matcher(prototype);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(macros.getOrDefault(m.group(), m.group())));
        }
        return m.appendTail(out).toString();
    }

    private static Sample dropwizard(String name, MetricType type, String field) {
        return new Sample(name, Labels.empty(), type, field, SampleValue.of(1L), 1_717_171_717L, 0, "h", "app");
    }

    private static Sample labelled(String name, MetricType type, Labels labels) {
        return new Sample(name, labels, type, null, SampleValue.of(1L), 1_717_171_717L, 0, "h", "app");
    }
}
