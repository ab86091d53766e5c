package dev.concierge.courier.sinks.zabbix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.naming.ZabbixKeys;
import org.junit.jupiter.api.Test;

class ZabbixKeyCacheTest {

    private static Sample sample(String name, Labels labels, MetricType type, String field) {
        return new Sample(name, labels, type, field, SampleValue.of(1L), 1, 0, "h", "s");
    }

    @Test
    void givesTheRenderedKeyAndTheSameStringForTheSameSeries() {
        ZabbixKeyCache keys = new ZabbixKeyCache();
        Labels labels = Labels.of("cpu", "0", "mode", "idle");
        Sample first = sample("node_cpu_seconds_total", labels, MetricType.COUNTER, null);
        Sample next = sample("node_cpu_seconds_total", labels, MetricType.COUNTER, null);

        String key = keys.key(first);

        assertThat(key).isEqualTo(ZabbixKeys.render(first)).isEqualTo("counter[node_cpu_seconds_total,cpu=0,mode=idle]");
        assertThat(keys.key(next)).isSameAs(key);
    }

    @Test
    void neverConfusesSeriesThatDifferInAnyPart() {
        ZabbixKeyCache keys = new ZabbixKeyCache();
        Labels labels = Labels.of("cpu", "0");
        Sample[] samples = {
            sample("a", labels, MetricType.COUNTER, null),
            sample("a", labels, MetricType.GAUGE, null),
            sample("a", labels, MetricType.COUNTER, "p99"),
            sample("a", Labels.of("cpu", "0"), MetricType.COUNTER, null),
            sample("a", Labels.of("cpu", "1"), MetricType.COUNTER, null),
            sample(new String("a"), labels, MetricType.COUNTER, "p50"),
            sample("b", Labels.empty(), MetricType.TIMER, "p99"),
        };
        for (int round = 0; round < 3; round++) {
            for (Sample s : samples) {
                assertThat(keys.key(s)).isEqualTo(ZabbixKeys.render(s));
            }
        }
    }

    @Test
    void growsWhileBatchesMostlyMissUpToItsBound() {
        ZabbixKeyCache keys = new ZabbixKeyCache();
        Labels[] series = new Labels[100_000];
        for (int i = 0; i < series.length; i++) {
            series[i] = Labels.of("replica", Integer.toString(i));
        }
        for (int batch = 0; batch < 12; batch++) {
            for (Labels labels : series) {
                keys.key(sample("m", labels, MetricType.GAUGE, null));
            }
            keys.endBatch();
        }
        assertThat(keys.slots()).isEqualTo(ZabbixKeyCache.MAX_SLOTS);

        ZabbixKeyCache few = new ZabbixKeyCache();
        for (int batch = 0; batch < 12; batch++) {
            for (int i = 0; i < 500; i++) {
                few.key(sample("m", series[i], MetricType.GAUGE, null));
            }
            few.endBatch();
        }
        // The first batch misses on every series, which may double the table once; the hits after it do not.
        assertThat(few.slots()).isLessThanOrEqualTo(2 * ZabbixKeyCache.MIN_SLOTS);
    }
}
