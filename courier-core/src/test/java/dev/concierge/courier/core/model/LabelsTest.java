package dev.concierge.courier.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabelsTest {

    @Test
    void sortsNamesWhateverOrderTheyCameIn() {
        Labels labels = Labels.of("mode", "idle", "cpu", "0", "device", "eth0");

        assertThat(labels.names()).containsExactly("cpu", "device", "mode");
        assertThat(labels.value(0)).isEqualTo("0");
        assertThat(labels.value(2)).isEqualTo("idle");
        assertThat(labels).isEqualTo(Labels.empty().with("device", "eth0").with("mode", "idle").with("cpu", "0"));
    }

    @Test
    void aRepeatedNameKeepsItsLaterValue() {
        Labels labels = Labels.of("b", "1", "a", "x", "b", "2", "a", "y", "c", "3");

        assertThat(labels).isEqualTo(Labels.of("a", "y", "b", "2", "c", "3"));
        assertThat(labels.size()).isEqualTo(3);
    }

    @Test
    void buildsFromParallelArraysWithoutKeepingThem() {
        String[] names = {"mode", "cpu", "unused"};
        String[] values = {"idle", "0", "x"};

        Labels labels = Labels.of(names, values, 2);
        names[0] = "changed";
        values[1] = "changed";

        assertThat(labels).isEqualTo(Labels.of("cpu", "0", "mode", "idle"));
        assertThat(Labels.of(names, values, 0)).isSameAs(Labels.empty());
    }

    @Test
    void doesNotKeepTheCallersArray() {
        String[] pairs = {"b", "2", "a", "1"};

        Labels labels = Labels.of(pairs);
        pairs[1] = "changed";

        assertThat(labels.get("b")).isEqualTo("2");
    }

    @Test
    void refusesNullsAndAnOddCount() {
        assertThatThrownBy(() -> Labels.of("a", "1", "b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("namesAndValues: 3 strings (expected: an even number, name then value)");
        assertThatThrownBy(() -> Labels.of("a", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Labels.of(null, "1", "a", "2")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void withoutRemovesOneNameAndKeepsTheRestSorted() {
        Labels labels = Labels.of("a", "1", "b", "2", "c", "3");
        assertThat(labels.without("b")).isEqualTo(Labels.of("a", "1", "c", "3"));
        assertThat(labels.without("a").without("c").without("b")).isSameAs(Labels.empty());
        assertThat(labels.without("x")).isSameAs(labels);
        assertThat(labels.without("b").estimatedBytes()).isLessThan(labels.estimatedBytes());
    }
}
