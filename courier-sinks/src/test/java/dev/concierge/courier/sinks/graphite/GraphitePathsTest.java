package dev.concierge.courier.sinks.graphite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import org.junit.jupiter.api.Test;

class GraphitePathsTest {
    private static Sample sample(String name, Labels labels, MetricType type, String field, SampleValue value) {
        return new Sample(name, labels, type, field, value, 1_717_171_717L, 5, "app-01.example", "app");
    }

    @Test
    void graphitePathReplacesInvalidCharactersAndKeepsNameDots() {
        Sample s = sample("app.requests", Labels.of("path", "/a b"), MetricType.TIMER, "p99", SampleValue.of(1L));

        assertThat(GraphitePaths.render(s)).isEqualTo("app-01_example.timer.app.requests.p99._a_b");
    }
}
