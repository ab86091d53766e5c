package dev.concierge.courier.core.process;

import static dev.concierge.courier.core.process.TestSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessingSettingsTest {

    private static Map<String, Object> entry(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void anEntryWithoutTheKeysHasNoRules() {
        MapSettings settings = MapSettings.of(entry("name", "node", "type", "prometheus"));
        assertThat(ProcessingSettings.bind(settings)).isSameAs(SampleProcessor.none());
        assertThat(settings.problems()).isEmpty();
    }

    @Test
    void bindsEveryKey() {
        MapSettings settings = MapSettings.of(entry(
                "include", List.of("node_cpu_*", "{job=\"api\"}"),
                "exclude", List.of("*_bucket"),
                "metric_relabel_configs", List.of(entry("source_labels", List.of("mode"), "regex", "idle",
                        "action", "drop")),
                "host_from_label", "instance",
                "rename", List.of(entry("match", "node_(.*)", "replace", "node.$1")),
                "labels", entry("rename", entry("mode", "cpu_mode"), "drop", List.of("instance"),
                        "add", entry("env", "prod"))));

        SampleProcessor processor = ProcessingSettings.bind(settings);

        assertThat(settings.problems()).isEmpty();
        Sample out = processor.apply(sample("node_cpu_seconds_total", "instance", "web-1", "mode", "user"));
        assertThat(out.name()).isEqualTo("node.cpu_seconds_total");
        assertThat(out.host()).isEqualTo("web-1");
        assertThat(out.labels()).isEqualTo(Labels.of("cpu_mode", "user", "env", "prod"));
        assertThat(processor.apply(sample("node_cpu_seconds_total", "mode", "idle"))).isNull();
        assertThat(processor.apply(sample("node_cpu_x_bucket"))).isNull();
        assertThat(processor.events().keySet()).containsExactly("dropped_by_rule_not_included",
                "dropped_by_rule_excluded", "dropped_by_rule_relabel_drop", "dropped_by_rule_empty_name",
                "dropped_by_rule_error", "missing_host_label");
        assertThat(ProcessingSettings.bind(MapSettings.of(entry("include", List.of("node_cpu_*", "{job=\"api\"}"),
                "exclude", List.of("*_bucket"), "metric_relabel_configs", List.of(entry("source_labels",
                        List.of("mode"), "regex", "idle", "action", "drop")), "host_from_label", "instance",
                "rename", List.of(entry("match", "node_(.*)", "replace", "node.$1")),
                "labels", entry("rename", entry("mode", "cpu_mode"), "drop", List.of("instance"),
                        "add", entry("env", "prod")))))).as("bound twice: equal rules").isEqualTo(processor);
    }

    @Test
    void reportsABadSelectorAtItsEntry() {
        MapSettings settings = MapSettings.of(entry("include", List.of("node_*", "{job=api}", "/node_(/")));
        assertThat(ProcessingSettings.bind(settings)).isNull();
        assertThat(settings.problems()).containsExactly(
                "sources[0].include[1]: \"{job=api}\" (expected: label matchers such as {job=\"api\", "
                        + "code=~\"5..\"}; a quoted value at column 6)",
                "sources[0].include[2]: \"/node_(/\" (expected: a regular expression (Unclosed group))");
    }

    @Test
    void reportsEntriesThatCanNeverPassASample() {
        MapSettings settings = MapSettings.of(entry(
                "include", List.of("{job=\"a\", job=\"b\"}", "node_load1"),
                "exclude", List.of("node_load1", "*")));
        assertThat(ProcessingSettings.bind(settings)).isNull();
        assertThat(settings.problems()).containsExactly(
                "sources[0].include[0]: \"{job=\\\"a\\\", job=\\\"b\\\"}\", which no sample can match (job=\"a\" and "
                        + "job=\"b\") (expected: matchers one sample can satisfy together)",
                "sources[0].include[1]: \"node_load1\", which the same exclude entry cancels, so it can never pass "
                        + "a sample (expected: an include entry that is not also excluded)",
                "sources[0].exclude[1]: \"*\", which excludes every sample (expected: a pattern that leaves some "
                        + "samples (to send nothing, remove the source or sink))");
    }

    @Test
    void reportsEachBadRelabelRuleAtItsKey() {
        MapSettings settings = MapSettings.of(entry("metric_relabel_configs", List.of(
                entry("source_labels", List.of("a"), "regex", "(", "action", "replace"),
                entry("action", "hashmod", "modulus", "4"),
                entry("action", "labeldrop", "regex", "x", "target_label", "y"),
                "keep")));
        assertThat(ProcessingSettings.bind(settings)).isNull();
        assertThat(settings.problems()).containsExactly(
                "sources[0].metric_relabel_configs[0].regex: \"(\" (expected: a regular expression (Unclosed group))",
                "sources[0].metric_relabel_configs[0].target_label: missing (expected: a label name for the replace "
                        + "action)",
                "sources[0].metric_relabel_configs[1].modulus: unknown key (expected: one of source_labels, "
                        + "separator, target_label, regex, replacement, action)",
                "sources[0].metric_relabel_configs[1].action: \"hashmod\" (expected: one of replace, keep, drop, "
                        + "labeldrop, labelkeep)",
                "sources[0].metric_relabel_configs[2].target_label: set with action labeldrop (expected: only regex "
                        + "with labeldrop, which matches label names)",
                "sources[0].metric_relabel_configs[3]: \"keep\" (expected: a mapping of source_labels, separator, "
                        + "regex, target_label, replacement, action)");
    }

    @Test
    void reportsBadLabelNamesAndRenames() {
        MapSettings settings = MapSettings.of(entry(
                "host_from_label", "host-name",
                "rename", List.of(entry("match", "a(", "replace", "b"), entry("replace", "x")),
                "labels", entry("add", entry("bad-name", "x"), "drop", List.of("ok", "9"),
                        "rename", entry("ok", "not ok"), "keep", List.of())));
        assertThat(ProcessingSettings.bind(settings)).isNull();
        assertThat(settings.problems()).containsExactly(
                "sources[0].host_from_label: \"host-name\" (expected: a label name ([a-zA-Z_][a-zA-Z0-9_]*))",
                "sources[0].rename[0].match: \"a(\" (expected: a regular expression (Unclosed group))",
                "sources[0].rename[1].match: missing (expected: a string)",
                "sources[0].labels.keep: unknown key (expected: one of add, drop, rename)",
                "sources[0].labels.rename.ok: \"not ok\" (expected: a label name ([a-zA-Z_][a-zA-Z0-9_]*))",
                "sources[0].labels.drop[1]: \"9\" (expected: a label name ([a-zA-Z_][a-zA-Z0-9_]*))",
                "sources[0].labels.add: \"bad-name\" (expected: a label name ([a-zA-Z_][a-zA-Z0-9_]*))");
    }

    @Test
    void bindsFieldsByKindAndReportsAnUnknownKindAndAnEmptyList() {
        MapSettings good = MapSettings.of(entry("fields", entry("timers", List.of("p99", "count"))));
        SampleProcessor processor = ProcessingSettings.bind(good);
        assertThat(good.problems()).isEmpty();
        assertThat(processor.summary()).startsWith("fields {TIMER=[");
        assertThat(processor.events()).containsOnlyKeys("dropped_by_rule_field_not_selected", "dropped_by_rule_error");

        MapSettings bad = MapSettings.of(entry("fields", entry("timer", List.of("p99"), "meters", List.of())));
        assertThat(ProcessingSettings.bind(bad)).isNull();
        assertThat(bad.problems()).containsExactly(
                "sources[0].fields.timer: unknown key (expected: one of counters, gauges, histograms, meters, timers, "
                        + "summaries, untyped)",
                "sources[0].fields.meters: an empty list, which would drop every meters field (expected: the fields "
                        + "to keep, such as [p99, count])");
    }
}
