package dev.concierge.courier.sources.dropwizard;

import dev.concierge.courier.core.model.MetricType;
import java.util.Locale;
import java.util.Set;

/**
 * The five sections of a metrics-json document, in the order LLD output lists them (alphabetical by
 * {@link #typeName()}), with the fields this courier reads from each. Fields not listed are ignored,
 * including the optional {@code values} arrays that {@code showSamples} adds.
 */
public enum DropwizardKind {
    COUNTERS("counters", "counter", MetricType.COUNTER, Set.of("count"), Set.of()),
    GAUGES("gauges", "gauge", MetricType.GAUGE, Set.of(), Set.of()),
    HISTOGRAMS("histograms", "histogram", MetricType.HISTOGRAM, Fields.SNAPSHOT, Set.of()),
    METERS("meters", "meter", MetricType.METER, Fields.METER, Set.of("units")),
    TIMERS("timers", "timer", MetricType.TIMER, Fields.TIMER, Set.of("duration_units", "rate_units"));

    private final String sectionName;
    private final String typeName;
    private final String macro;
    private final MetricType metricType;
    private final Set<String> numericFields;
    private final Set<String> textFields;

    DropwizardKind(String sectionName, String typeName, MetricType metricType, Set<String> numericFields,
                   Set<String> textFields) {
        this.sectionName = sectionName;
        this.typeName = typeName;
        this.macro = "{#" + typeName.toUpperCase(Locale.ROOT) + "}";
        this.metricType = metricType;
        this.numericFields = numericFields;
        this.textFields = textFields;
    }

    /** The kind whose section is called {@code name} ({@code "timers"}), or null for any other key. */
    public static DropwizardKind ofSection(String name) {
        return switch (name) {
            case "counters" -> COUNTERS;
            case "gauges" -> GAUGES;
            case "histograms" -> HISTOGRAMS;
            case "meters" -> METERS;
            case "timers" -> TIMERS;
            default -> null;
        };
    }

    /** The document's key for this section: {@code timers}. */
    public String sectionName() {
        return sectionName;
    }

    /** The singular lower-case name: {@code timer}; the value of {@code {#TYPE}} in LLD. */
    public String typeName() {
        return typeName;
    }

    /** The LLD macro naming one metric of this kind: {@code {#TIMER}}. */
    public String macro() {
        return macro;
    }

    public MetricType metricType() {
        return metricType;
    }

    /** Fields read as numbers; gauges have none, their single {@code value} is read on its own. */
    boolean isNumericField(String field) {
        return numericFields.contains(field);
    }

    /** Fields read as text: the unit strings. */
    boolean isTextField(String field) {
        return textFields.contains(field);
    }

    // Field names from metrics-json MetricsModule (HistogramSerializer, MeterSerializer, TimerSerializer).
    private static final class Fields {
        static final Set<String> SNAPSHOT = Set.of("count", "max", "mean", "min", "p50", "p75", "p95", "p98", "p99",
                "p999", "stddev");
        static final Set<String> METER = Set.of("count", "m15_rate", "m1_rate", "m5_rate", "mean_rate");
        static final Set<String> TIMER = Set.of("count", "max", "mean", "min", "p50", "p75", "p95", "p98", "p99",
                "p999", "stddev", "m15_rate", "m1_rate", "m5_rate", "mean_rate");
    }
}
