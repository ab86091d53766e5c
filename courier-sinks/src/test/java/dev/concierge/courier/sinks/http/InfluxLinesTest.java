package dev.concierge.courier.sinks.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import org.junit.jupiter.api.Test;

class InfluxLinesTest {
    private static Sample sample(String name, Labels labels, MetricType type, String field, SampleValue value) {
        return new Sample(name, labels, type, field, value, 1_717_171_717L, 5, "app-01.example", "app");
    }

    @Test
    void influxLineEscapesAndTypesValues() {
        Sample integer = sample("jobs active", Labels.of("a=b", "c d"), MetricType.COUNTER, null, SampleValue.of(3L));
        Sample text = sample("app", Labels.empty(), MetricType.GAUGE, "state", SampleValue.of("say \"ok\""));

        assertThat(InfluxLines.render(integer))
                .isEqualTo("jobs\\ active,host=app-01.example,type=counter,a\\=b=c\\ d value=3i 1717171717");
        assertThat(InfluxLines.render(text))
                .isEqualTo("app,host=app-01.example,type=gauge state=\"say \\\"ok\\\"\" 1717171717");
    }
}
