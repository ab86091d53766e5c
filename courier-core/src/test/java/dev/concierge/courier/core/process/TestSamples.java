package dev.concierge.courier.core.process;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;

/** Samples for the rule tests: a gauge of value 1 on host {@code src-host} from source {@code node}. */
final class TestSamples {
    private TestSamples() {
    }

    static Sample sample(String name, String... labels) {
        return new Sample(name, Labels.of(labels), MetricType.GAUGE, null, SampleValue.of(1.0), 1_700_000_000L, 0,
                "src-host", "node");
    }
}
