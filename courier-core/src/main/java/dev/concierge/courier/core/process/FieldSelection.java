package dev.concierge.courier.core.process;

import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code fields} rule: for the kinds it names, only the fields it lists pass, as in
 * {@code fields: {timers: [p99, count], meters: [m1_rate]}}: a timer's {@code p99} and {@code count} pass, its
 * {@code mean} does not. Kinds it does not name, and samples without a field (a gauge's single value), pass.
 * Kinds are named as Dropwizard's sections are: {@code counters}, {@code gauges}, {@code histograms},
 * {@code meters}, {@code timers}, and {@code summaries} and {@code untyped} for Prometheus. Immutable.
 */
public final class FieldSelection {
    static final FieldSelection NONE = new FieldSelection(new EnumMap<>(MetricType.class));

    /** The kinds by the name the rule gives them. */
    public static final Map<String, MetricType> KINDS = kinds();

    private final Map<MetricType, Set<String>> fields;
    // Indexed by ordinal: one array load per sample.
    private final Set<?>[] byType = new Set<?>[MetricType.values().length];

    private FieldSelection(Map<MetricType, Set<String>> fields) {
        this.fields = Map.copyOf(fields);
        fields.forEach((type, names) -> byType[type.ordinal()] = Set.copyOf(names));
    }

    private static Map<String, MetricType> kinds() {
        Map<String, MetricType> kinds = new LinkedHashMap<>();
        kinds.put("counters", MetricType.COUNTER);
        kinds.put("gauges", MetricType.GAUGE);
        kinds.put("histograms", MetricType.HISTOGRAM);
        kinds.put("meters", MetricType.METER);
        kinds.put("timers", MetricType.TIMER);
        kinds.put("summaries", MetricType.SUMMARY);
        kinds.put("untyped", MetricType.UNTYPED);
        return java.util.Collections.unmodifiableMap(kinds);
    }

    /** No field rules. */
    public static FieldSelection none() {
        return NONE;
    }

    /** For each kind, the fields that pass. */
    public static FieldSelection of(Map<MetricType, ? extends List<String>> fields) {
        if (fields.isEmpty()) {
            return NONE;
        }
        Map<MetricType, Set<String>> copy = new EnumMap<>(MetricType.class);
        fields.forEach((type, names) -> copy.put(type, Set.copyOf(names)));
        return new FieldSelection(copy);
    }

    boolean isEmpty() {
        return fields.isEmpty();
    }

    boolean passes(Sample sample) {
        Set<?> allowed = byType[sample.type().ordinal()];
        return allowed == null || sample.field() == null || allowed.contains(sample.field());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSelection other && fields.equals(other.fields);
    }

    @Override
    public int hashCode() {
        return Objects.hash(fields);
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
