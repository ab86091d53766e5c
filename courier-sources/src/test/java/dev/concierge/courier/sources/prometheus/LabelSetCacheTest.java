package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import org.junit.jupiter.api.Test;

/** One {@link Labels} per label set across scrapes, equal to a new one, and a table bounded by the exposition. */
class LabelSetCacheTest {
    private final LabelSetCache cache = new LabelSetCache();

    private Labels labels(String... namesAndValues) {
        int count = namesAndValues.length / 2;
        String[] names = new String[count + 1];
        String[] values = new String[count + 1];
        for (int i = 0; i < count; i++) {
            names[i] = namesAndValues[2 * i];
            values[i] = new String(namesAndValues[2 * i + 1]); // equal, never the same instance
        }
        names[count] = "ignored";
        values[count] = "beyond count";
        return cache.labels(names, values, count);
    }

    @Test
    void givesTheSameSetForTheSameLabelsInAnyOrder() {
        Labels first = labels("mode", "idle", "cpu", "0");
        assertThat(first).isEqualTo(Labels.of("cpu", "0", "mode", "idle"));
        assertThat(labels("cpu", "0", "mode", "idle")).isSameAs(first);
        assertThat(labels("mode", "idle", "cpu", "0")).isSameAs(first);
    }

    @Test
    void keepsDifferentSetsApart() {
        Labels idle = labels("cpu", "0", "mode", "idle");
        assertThat(labels("cpu", "0", "mode", "user")).isEqualTo(Labels.of("cpu", "0", "mode", "user"));
        assertThat(labels("cpu", "0")).isEqualTo(Labels.of("cpu", "0"));
        assertThat(labels("cpu", "0", "mode", "idle", "x", "y")).isEqualTo(Labels.of("cpu", "0", "mode", "idle", "x", "y"));
        assertThat(labels("cpu", "0", "mode", "idle")).isEqualTo(idle);
        assertThat(labels()).isSameAs(Labels.empty());
    }

    @Test
    void sortsTheNamesAndValuesInPlace() {
        String[] names = {"c", "a", "b"};
        String[] values = {"3", "1", "2"};
        cache.labels(names, values, 3);
        assertThat(names).containsExactly("a", "b", "c");
        assertThat(values).containsExactly("1", "2", "3");
    }

    @Test
    void growsWithTheExpositionUpToItsBoundAndNeverShrinks() {
        assertThat(cache.slots()).isEqualTo(LabelSetCache.MIN_SLOTS);
        cache.fit(10);
        assertThat(cache.slots()).isEqualTo(LabelSetCache.MIN_SLOTS);
        cache.fit(20_000);
        assertThat(cache.slots()).isEqualTo(65_536);
        cache.fit(10);
        assertThat(cache.slots()).isEqualTo(65_536);
        cache.fit(10_000_000);
        assertThat(cache.slots()).isEqualTo(LabelSetCache.MAX_SLOTS);
    }

    @Test
    void aSetStillReadsEqualAfterTheTableGrew() {
        Labels before = labels("a", "1");
        cache.fit(100_000);
        Labels after = labels("a", "1");
        assertThat(after).isEqualTo(before);
        assertThat(labels("a", "1")).isSameAs(after);
    }
}
