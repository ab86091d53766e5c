package dev.concierge.courier.core.process;

import static dev.concierge.courier.core.process.TestSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.process.RelabelRule.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

class SampleProcessorTest {

    private static List<SampleSelector> selectors(String... texts) {
        return List.of(texts).stream().map(SampleSelector::parse).toList();
    }

    private static SampleProcessor selecting(List<SampleSelector> include, List<SampleSelector> exclude) {
        return SampleProcessor.of(include, exclude, List.of(), null, List.of(), LabelRewrite.NONE);
    }

    private static Map<String, Long> counts(SampleProcessor processor) {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        processor.events().forEach((name, count) -> counts.put(name, count.getAsLong()));
        return counts;
    }

    @Test
    void withoutRulesItIsEmptyAndGivesTheSampleBack() {
        SampleProcessor none = SampleProcessor.of(List.of(), List.of(), List.of(), null, List.of(), LabelRewrite.of(
                Map.of(), List.of(), Map.of()));
        assertThat(none).isSameAs(SampleProcessor.none());
        assertThat(none.isEmpty()).isTrue();
        Sample sample = sample("x");
        assertThat(none.apply(sample)).isSameAs(sample);
        assertThat(none.events()).isEmpty();
    }

    @Test
    void passesWhatMatchesAnIncludeAndNoExcludeAndCountsTheRestByReason() {
        SampleProcessor processor = selecting(selectors("node_load*", "{job=\"api\"}"), selectors("node_load15"));
        assertThat(processor.apply(sample("node_load1"))).isNotNull();
        assertThat(processor.apply(sample("http_requests_total", "job", "api"))).isNotNull();
        assertThat(processor.apply(sample("node_load15"))).isNull();
        assertThat(processor.apply(sample("node_cpu_seconds_total"))).isNull();
        assertThat(processor.apply(sample("go_goroutines"))).isNull();
        assertThat(counts(processor)).containsExactly(Map.entry("dropped_by_rule_not_included", 2L),
                Map.entry("dropped_by_rule_excluded", 1L), Map.entry("dropped_by_rule_error", 0L));
    }

    @Test
    void withoutIncludeEverythingNotExcludedPasses() {
        SampleProcessor processor = selecting(List.of(), selectors("go_*", "{code=~\"5..\"}"));
        assertThat(processor.apply(sample("node_load1"))).isNotNull();
        assertThat(processor.apply(sample("go_gc_duration_seconds"))).isNull();
        assertThat(processor.apply(sample("http_requests_total", "code", "503"))).isNull();
        assertThat(processor.dropped(DropReason.EXCLUDED)).isEqualTo(2);
    }

    @Test
    void runsSelectionRelabelHostRenameAndLabelsInThatOrder() {
        SampleProcessor processor = SampleProcessor.of(
                selectors("node_cpu_*"),
                List.of(),
                List.of(RelabelRule.of(Action.DROP, List.of("mode"), null, null, "idle", null),
                        RelabelRule.of(Action.REPLACE, List.of("instance"), null, "node", "([^:]+):\\d+", "$1")),
                "node",
                List.of(NameRewrite.of("node_cpu_(.*)", "cpu.$1"), NameRewrite.of("cpu\\.seconds_total", "cpu.seconds")),
                LabelRewrite.of(Map.of("mode", "cpu_mode"), List.of("instance", "node"), Map.of("env", "prod")));

        Sample out = processor.apply(sample("node_cpu_seconds_total", "instance", "web-1:9100", "mode", "user",
                "cpu", "0"));

        assertThat(out.name()).isEqualTo("cpu.seconds");
        assertThat(out.host()).isEqualTo("web-1");
        assertThat(out.labels()).isEqualTo(Labels.of("cpu", "0", "cpu_mode", "user", "env", "prod"));
        assertThat(out.source()).isEqualTo("node");
        assertThat(processor.apply(sample("node_cpu_seconds_total", "mode", "idle"))).isNull();
        assertThat(processor.dropped(DropReason.RELABEL_DROP)).isEqualTo(1);
    }

    @Test
    void aSampleWithoutTheHostLabelKeepsItsHostAndIsCounted() {
        SampleProcessor processor = SampleProcessor.of(List.of(), List.of(), List.of(), "instance", List.of(),
                LabelRewrite.NONE);
        assertThat(processor.apply(sample("up", "instance", "web-1")).host()).isEqualTo("web-1");
        assertThat(processor.apply(sample("up")).host()).isEqualTo("src-host");
        assertThat(processor.apply(sample("up", "instance", "")).host()).isEqualTo("src-host");
        assertThat(counts(processor)).containsExactly(Map.entry("dropped_by_rule_error", 0L),
                Map.entry("missing_host_label", 2L));
    }

    @Test
    void aSampleLeftWithoutANameIsDropped() {
        SampleProcessor processor = SampleProcessor.of(List.of(), List.of(), List.of(), null,
                List.of(NameRewrite.of("tmp_.*", "")), LabelRewrite.NONE);
        assertThat(processor.apply(sample("tmp_x"))).isNull();
        assertThat(processor.apply(sample("kept"))).isNotNull();
        assertThat(processor.dropped(DropReason.EMPTY_NAME)).isEqualTo(1);
    }

    @Test
    void aSampleNoRuleChangesIsTheSameInstance() {
        SampleProcessor processor = SampleProcessor.of(selectors("*"), selectors("go_*"), List.of(), null,
                List.of(NameRewrite.of("node_(.*)", "n.$1")), LabelRewrite.of(Map.of(), List.of("absent"), Map.of()));
        Sample sample = sample("up", "job", "x");
        assertThat(processor.apply(sample)).isSameAs(sample);
    }

    @Test
    void isEqualWhenItsRulesAreWhateverItCounted() {
        SampleProcessor a = selecting(selectors("node_*"), List.of());
        SampleProcessor b = selecting(selectors("node_*"), List.of());
        a.apply(sample("go_x"));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotSameAs(b);
        assertThat(a).isNotEqualTo(selecting(selectors("node_?"), List.of()));
    }

    @Test
    void countsEveryDropAndKeepsEachSampleItsOwnGroupsWhenAppliedFromManyThreadsAtOnce() throws Exception {
        // A regex exclude and a replace joining two labels: the rules' per-thread matchers and buffers are shared
        // by nothing but their thread.
        SampleProcessor processor = SampleProcessor.of(List.of(), selectors("/drop_.*/"),
                List.of(RelabelRule.of(Action.REPLACE, List.of("a", "b"), null, "ab", "(.*);(.*)", "$2-$1")), null,
                List.of(), LabelRewrite.none());
        int threads = 4;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> passed = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                String thread = Integer.toString(t);
                passed.add(pool.submit(() -> {
                    start.await();
                    int kept = 0;
                    for (int i = 0; i < perThread; i++) {
                        String value = Integer.toString(i);
                        Sample out = processor.apply(sample(i % 2 == 0 ? "drop_me" : "keep_me", "a", thread, "b",
                                value));
                        if (out != null) {
                            assertThat(out.labels().get("ab")).isEqualTo(value + "-" + thread);
                            kept++;
                        }
                    }
                    return kept;
                }));
            }
            start.countDown();
            int kept = 0;
            for (Future<Integer> f : passed) {
                kept += f.get();
            }
            assertThat(kept).isEqualTo(threads * perThread / 2);
            LongSupplier excluded = processor.events().get("dropped_by_rule_excluded");
            assertThat(excluded.getAsLong()).isEqualTo(threads * perThread / 2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fieldsKeepOnlyTheListedFieldsOfTheKindsTheyName() {
        SampleProcessor processor = SampleProcessor.of(List.of(), List.of(),
                FieldSelection.of(Map.of(MetricType.TIMER, List.of("p99", "count"))), List.of(), null, List.of(),
                LabelRewrite.none());
        assertThat(processor.apply(typed(MetricType.TIMER, "p99"))).isNotNull();
        assertThat(processor.apply(typed(MetricType.TIMER, "count"))).isNotNull();
        assertThat(processor.apply(typed(MetricType.TIMER, "mean"))).isNull();
        assertThat(processor.apply(typed(MetricType.METER, "mean_rate"))).as("a kind it does not name").isNotNull();
        assertThat(processor.apply(typed(MetricType.TIMER, null))).as("no field to select").isNotNull();
        assertThat(counts(processor)).containsExactly(Map.entry("dropped_by_rule_field_not_selected", 1L),
                Map.entry("dropped_by_rule_error", 0L));
    }

    private static Sample typed(MetricType type, String field) {
        return new Sample("app.requests", Labels.empty(), type, field, dev.concierge.courier.core.model.SampleValue.of(1L),
                0, 0, "h", "app");
    }

    @Test
    void aRuleThatOverflowsTheStackDropsTheSampleAndCountsIt() {
        SampleProcessor processor = selecting(selectors("/(a|b)*/"), List.of());
        Sample huge = sample("ab".repeat(200_000));

        assertThat(processor.apply(huge)).isNull();
        assertThat(processor.dropped(DropReason.RULE_ERROR)).isEqualTo(1);
        assertThat(processor.apply(sample("abba"))).as("and goes on").isNotNull();
    }

    @Test
    void aFreshProcessorAppliesTheSameRulesWithoutMovingTheOriginalsCounts() {
        SampleProcessor processor = SampleProcessor.of(selectors("node_*"), List.of(), List.of(), null,
                List.of(NameRewrite.of("node_(.*)", "n.$1")), LabelRewrite.NONE);
        assertThat(processor.apply(sample("go_goroutines"))).isNull();

        SampleProcessor fresh = processor.fresh();
        assertThat(fresh).isEqualTo(processor).isNotSameAs(processor);
        assertThat(fresh.apply(sample("node_load1")).name()).isEqualTo("n.load1");
        assertThat(fresh.apply(sample("go_threads"))).isNull();
        assertThat(fresh.apply(sample("go_gc"))).isNull();

        assertThat(processor.dropped(DropReason.NOT_INCLUDED)).isEqualTo(1);
        assertThat(fresh.dropped(DropReason.NOT_INCLUDED)).isEqualTo(2);
        assertThat(SampleProcessor.none().fresh()).isSameAs(SampleProcessor.none());
    }
}
