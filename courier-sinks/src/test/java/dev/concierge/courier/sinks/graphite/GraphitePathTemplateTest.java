package dev.concierge.courier.sinks.graphite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphitePathTemplateTest {
    private static final GraphitePathTemplate DEFAULT = GraphitePathTemplate.of(GraphiteSinkConfig.DEFAULT_TEMPLATE,
            false, "");
    private static final GraphitePathTemplate TAGGED = GraphitePathTemplate.of(GraphiteSinkConfig.DEFAULT_TEMPLATE,
            true, "");

    private static Sample sample(String host, String name, String field, Labels labels) {
        return new Sample(name, labels, MetricType.GAUGE, field, SampleValue.of(1), 1_700_000_000L, 0, host,
                "orders-service");
    }

    @Test
    void defaultTemplateGivesTheSamePathsAsGraphitePaths() {
        List<Sample> samples = List.of(
                sample("app-01", "app.requests", "p99", Labels.empty()),
                sample("app-01.example.org", "jvm.memory heap", null, Labels.empty()),
                sample("web", "node_cpu_seconds_total", null, Labels.of("cpu", "0", "mode", "idle")),
                sample("h", "a/b*c", "m1 rate", Labels.of("path", "/api/{id}")));

        for (Sample s : samples) {
            assertThat(DEFAULT.render(s)).as(s.toString()).isEqualTo(GraphitePaths.render(s));
        }
    }

    @Test
    void replacesEveryCharacterGraphiteCannotTakeWithUnderscore() {
        Sample s = sample("app 01.example.org", "req*uests[0].{x},y/z?", "p 99", Labels.of("l", "a b;c=d"));

        assertThat(DEFAULT.render(s)).isEqualTo("app_01_example_org.gauge.req_uests_0_._x__y_z_.p_99.a_b_c_d");
    }

    @Test
    void collapsesEmptyParts() {
        assertThat(DEFAULT.render(sample("", ".app..requests.", null, Labels.of("a", "", "b", "x"))))
                .isEqualTo("gauge.app.requests.x");
        assertThat(GraphitePathTemplate.of("..{host}..{field}.{name}..", false, "dc1.courier")
                .render(sample("h", "n", null, Labels.empty())))
                .isEqualTo("dc1.courier.h.n");
    }

    @Test
    void rendersEveryPlaceholder() {
        Sample s = sample("h", "jobs.run", "count", Labels.of("job", "node", "instance", "10.0.0.1:9100"));

        assertThat(GraphitePathTemplate.of("metrics.{source}.{label:job}.{label:instance}.{label:absent}.{name}"
                + ".{field}.{type}.{host}.{labels}", false, "").render(s))
                .isEqualTo("metrics.orders-service.node.10_0_0_1_9100.jobs.run.count.gauge.h.10_0_0_1_9100.node");
    }

    @Test
    void sendsLabelsAsSanitisedTagsWhenAsked() {
        Sample s = sample("h", "up", null, Labels.of("a;b", "x;y", "c!^=d", "~tilde~", "empty", "",
                "name", "clash", "sp ace", "v w", "utf", "é"));

        assertThat(TAGGED.render(s))
                .isEqualTo("h.gauge.up;a_b=x_y;c___d=_tilde~;name_=clash;sp_ace=v_w;utf=_");
    }

    @Test
    void leavesLabelsOutOfThePathWhenTheyAreTags() {
        assertThat(TAGGED.render(sample("h", "up", null, Labels.of("job", "node"))))
                .isEqualTo("h.gauge.up;job=node");
        assertThat(TAGGED.render(sample("h", "up", null, Labels.empty()))).isEqualTo("h.gauge.up");
    }

    @Test
    void reportsEveryTemplateProblemAtOnce() {
        assertThat(GraphitePathTemplate.problems("{host} {nmae}.x/y.{label:}")).map(Object::toString)
                .containsExactly(
                        "template: \"{host} {nmae}.x/y.{label:}\": a space at 6 (expected: A-Z a-z 0-9 _ - and dots between "
                                + "placeholders)",
                        "template: {nmae} (expected: one of {host}, {type}, {name}, {field}, {labels}, {label:NAME}, {source})",
                        "template: \"{host} {nmae}.x/y.{label:}\": '/' at 15 (expected: A-Z a-z 0-9 _ - and dots between "
                                + "placeholders)",
                        "template: {label:} (expected: one of {host}, {type}, {name}, {field}, {labels}, {label:NAME}, {source})");
        assertThat(GraphitePathTemplate.problems("{name}.{host")).singleElement().asString()
                .contains("unclosed { at 7");
        assertThat(GraphitePathTemplate.problems("{host}.{type}")).singleElement().asString()
                .contains("expected: a template with {name}");
        assertThatThrownBy(() -> GraphitePathTemplate.of("{nope}", false, ""))
                .hasMessageContaining("template: {nope} (expected: one of");
    }
}
