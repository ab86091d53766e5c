package dev.concierge.courier.core.testing;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.util.ArrayList;
import java.util.List;

/** Small sample factories for tests. */
public final class Samples {
    private Samples() {
    }

    /** A counter sample {@code name} = {@code value} at {@code epochSecond}. */
    public static Sample counter(String name, long value, long epochSecond) {
        return new Sample(name, Labels.empty(), MetricType.COUNTER, null, SampleValue.of(value), epochSecond, 0,
                "test-host", "test");
    }

    /** {@code count} counters named {@code prefix.i} with value i, one second apart. */
    public static List<Sample> counters(String prefix, int count) {
        List<Sample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            samples.add(counter(prefix + "." + i, i, 1_700_000_000L + i));
        }
        return samples;
    }
}
