package dev.concierge.courier.core.process;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code labels} rules, applied in this order: {@code rename} (a label takes a new name, replacing a label
 * of that name), {@code drop} (labels removed by name), {@code add} (labels set to fixed values, replacing the
 * sample's own). Immutable.
 */
public final class LabelRewrite {
    static final LabelRewrite NONE = new LabelRewrite(Map.of(), List.of(), Map.of());

    private final Map<String, String> rename;
    private final List<String> drop;
    private final Map<String, String> add;
    // Added once, onto every sample, by one merge.
    private final Labels added;

    private LabelRewrite(Map<String, String> rename, List<String> drop, Map<String, String> add) {
        this.rename = Map.copyOf(rename);
        this.drop = List.copyOf(drop);
        this.add = Map.copyOf(add);
        this.added = Labels.of(new LinkedHashMap<>(add));
    }

    /** No label rules. */
    public static LabelRewrite none() {
        return NONE;
    }

    /** Label names are not checked here: the binder reports a bad one at its key. */
    public static LabelRewrite of(Map<String, String> rename, List<String> drop, Map<String, String> add) {
        return rename.isEmpty() && drop.isEmpty() && add.isEmpty() ? NONE : new LabelRewrite(rename, drop, add);
    }

    boolean isEmpty() {
        return this == NONE;
    }

    Sample apply(Sample sample) {
        Labels labels = sample.labels();
        for (Map.Entry<String, String> entry : rename.entrySet()) {
            String value = labels.get(entry.getKey());
            if (value != null) {
                labels = labels.without(entry.getKey()).with(entry.getValue(), value);
            }
        }
        for (String name : drop) {
            labels = labels.without(name);
        }
        for (int i = 0; i < added.size(); i++) {
            labels = labels.with(added.name(i), added.value(i));
        }
        return sample.withLabels(labels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelRewrite other && rename.equals(other.rename) && drop.equals(other.drop)
                && add.equals(other.add);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rename, drop, add);
    }

    @Override
    public String toString() {
        return "rename " + rename + ", drop " + drop + ", add " + add;
    }
}
