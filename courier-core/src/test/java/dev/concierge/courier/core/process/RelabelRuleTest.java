package dev.concierge.courier.core.process;

import static dev.concierge.courier.core.process.TestSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.process.RelabelRule.Action;
import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.SettingProblem;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code metric_relabel_configs} against Prometheus: the examples of its documentation and configuration
 * examples ({@code documentation/examples/prometheus-kubernetes.yml}), and the cases of its relabel tests
 * ({@code model/relabel/relabel_test.go}), with the results Prometheus gives.
 */
class RelabelRuleTest {

    private static RelabelRule replace(List<String> sources, String separator, String target, String regex,
                                       String replacement) {
        return RelabelRule.of(Action.REPLACE, sources, separator, target, regex, replacement);
    }

    @Test
    void kubernetesExampleReplacesThePortOfTheAddress() {
        // source_labels: [__address__, __meta_kubernetes_service_annotation_prometheus_io_port]
        // regex: ([^:]+)(?::\d+)?;(\d+), replacement: $1:$2, target_label: __address__
        RelabelRule rule = replace(List.of("__address__", "port"), null, "__address__", "([^:]+)(?::\\d+)?;(\\d+)",
                "$1:$2");
        assertThat(rule.apply(sample("up", "__address__", "10.0.0.1:8080", "port", "9102")).labels().get("__address__"))
                .isEqualTo("10.0.0.1:9102");
        assertThat(rule.apply(sample("up", "__address__", "10.0.0.1", "port", "9102")).labels().get("__address__"))
                .isEqualTo("10.0.0.1:9102");
        Sample noPort = sample("up", "__address__", "10.0.0.1:8080");
        assertThat(rule.apply(noPort)).as("no match: nothing replaced").isSameAs(noPort);
    }

    @Test
    void kubernetesExampleKeepsOnlyWhatIsAnnotatedTrue() {
        // source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scrape], action: keep, regex: true
        RelabelRule keep = RelabelRule.of(Action.KEEP, List.of("scrape"), null, null, "true", null);
        assertThat(keep.apply(sample("up", "scrape", "true"))).isNotNull();
        assertThat(keep.apply(sample("up", "scrape", "truex"))).as("anchored").isNull();
        assertThat(keep.apply(sample("up", "scrape", "false"))).isNull();
        assertThat(keep.apply(sample("up"))).as("a missing label is empty").isNull();
    }

    @Test
    void kubernetesExampleCopiesALabelWithTheDefaults() {
        // source_labels: [__meta_kubernetes_namespace], action: replace, target_label: kubernetes_namespace
        RelabelRule rule = replace(List.of("namespace"), null, "kubernetes_namespace", null, null);
        assertThat(rule.apply(sample("up", "namespace", "default")).labels().get("kubernetes_namespace"))
                .isEqualTo("default");
        assertThat(rule.apply(sample("up")).labels().get("kubernetes_namespace"))
                .as("(.*) matches the empty value, and an empty result removes the target").isNull();
    }

    @Test
    void relabelTestsReplaceWithGroupsAndSeparators() {
        Sample abc = sample("m", "a", "foo", "b", "bar", "c", "baz");
        // regex f(.*), replacement ch${1}-ch${1}, target d
        assertThat(replace(List.of("a"), ";", "d", "f(.*)", "ch${1}-ch${1}").apply(abc).labels())
                .isEqualTo(Labels.of("a", "foo", "b", "bar", "c", "baz", "d", "choo-choo"));
        // source_labels [a, b], regex f(.*);(.*)r, target a, replacement b${1}${2}m; then [c, a] (b).*b(.*)ba(.*)
        Sample first = replace(List.of("a", "b"), ";", "a", "f(.*);(.*)r", "b${1}${2}m").apply(abc);
        assertThat(first.labels().get("a")).isEqualTo("boobam");
        Sample second = replace(List.of("c", "a"), ";", "d", "(b).*b(.*)ba(.*)", "$1$2$2$3").apply(first);
        assertThat(second.labels().get("d")).isEqualTo("boooom");
        // A regex that does not match changes nothing.
        assertThat(replace(List.of("a"), ";", "d", "f", "x").apply(abc)).isSameAs(abc);
        // Another separator.
        assertThat(replace(List.of("a", "b"), "|", "d", "(foo)\\|(bar)", "$2-$1").apply(abc).labels().get("d"))
                .isEqualTo("bar-foo");
    }

    @Test
    void targetLabelMayUseTheGroupsAndAnInvalidResultChangesNothing() {
        Sample abc = sample("m", "a", "some-name-value");
        assertThat(replace(List.of("a"), null, "${1}", "some-([^-]+)-(.+)", "${2}").apply(abc).labels().get("name"))
                .isEqualTo("value");
        assertThat(replace(List.of("a"), null, "${3}", "some-([^-]+)-(.+)", "${1}").apply(abc))
                .as("the target expands to the empty name").isSameAs(abc);
        assertThat(replace(List.of("a"), null, "0${1}", "some-([^-]+)-(.+)", "${1}").apply(abc))
                .as("the target expands to an invalid name").isSameAs(abc);
    }

    @Test
    void nameIsTheNameLabel() {
        Sample sample = sample("node_cpu_seconds_total", "cpu", "0");
        assertThat(replace(List.of("__name__"), null, "__name__", "node_(.*)", "host_$1").apply(sample).name())
                .isEqualTo("host_cpu_seconds_total");
        // Prometheus's documented way to drop expensive series: source_labels: [__name__], action: drop.
        RelabelRule drop = RelabelRule.of(Action.DROP, List.of("__name__"), null, null, "node_cpu_.*", null);
        assertThat(drop.apply(sample)).isNull();
        assertThat(drop.apply(sample("node_load1"))).isNotNull();
        assertThat(replace(List.of("cpu"), null, "__name__", "(.*)", "cpu_$1").apply(sample).name()).isEqualTo("cpu_0");
    }

    @Test
    void labeldropAndLabelkeepMatchLabelNamesAndLeaveTheName() {
        Sample sample = sample("m", "instance", "h:9100", "job", "node", "cpu", "0");
        assertThat(RelabelRule.of(Action.LABELDROP, List.of(), null, null, "instance|job", null).apply(sample).labels())
                .isEqualTo(Labels.of("cpu", "0"));
        Sample kept = RelabelRule.of(Action.LABELKEEP, List.of(), null, null, "cpu|job", null).apply(sample);
        assertThat(kept.labels()).isEqualTo(Labels.of("cpu", "0", "job", "node"));
        assertThat(kept.name()).isEqualTo("m");
        assertThat(RelabelRule.of(Action.LABELDROP, List.of(), null, null, "inst", null).apply(sample))
                .as("anchored: no label is named inst").isSameAs(sample);
    }

    @Test
    void keepAndDropJoinTheirSourceLabels() {
        RelabelRule keep = RelabelRule.of(Action.KEEP, List.of("job", "env"), null, null, "node;prod", null);
        assertThat(keep.apply(sample("m", "job", "node", "env", "prod"))).isNotNull();
        assertThat(keep.apply(sample("m", "job", "node"))).isNull();
        RelabelRule dropEmpty = RelabelRule.of(Action.DROP, List.of("env"), null, null, "", null);
        assertThat(dropEmpty.apply(sample("m"))).as("drops what lacks env").isNull();
        assertThat(dropEmpty.apply(sample("m", "env", "x"))).isNotNull();
    }

    @Test
    void refusesWhatPrometheusRefusesEachProblemAtItsKey() {
        assertThatThrownBy(() -> replace(List.of("a"), null, null, "(", null))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems())
                        .extracting(SettingProblem::key).containsExactly("regex", "target_label"));
        assertThatThrownBy(() -> replace(List.of("a-b"), null, "0x", null, null))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems())
                        .extracting(SettingProblem::key).containsExactly("source_labels", "target_label"));
        assertThatThrownBy(() -> RelabelRule.of(Action.LABELDROP, List.of("a"), null, null, "x", null))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems())
                        .containsExactly(SettingProblem.of("source_labels", "set with action labeldrop",
                                "only regex with labeldrop, which matches label names")));
        // The defaults written out are what Prometheus writes itself: accepted.
        assertThat(RelabelRule.of(Action.LABELKEEP, List.of(), ";", null, "x", "$1")).isNotNull();
    }
}
