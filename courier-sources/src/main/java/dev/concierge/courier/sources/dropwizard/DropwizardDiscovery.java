package dev.concierge.courier.sources.dropwizard;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.naming.ZabbixLldMacros;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Zabbix low-level discovery rows (PROTOCOLS.md section 2) for the metrics of a Dropwizard document, written
 * by {@link dev.concierge.courier.core.spi.LldJson}.
 *
 * <ul>
 *   <li>Every kind: one row per metric with its type and name, {@code {"{#TYPE}":"timer","{#NAME}":"app.requests"}},
 *       grouped by type in alphabetical order; a row's group is its section ({@code timers}).</li>
 *   <li>One kind: the rows of that section ({@link #ofKind}), each written with the kind's own macro
 *       ({@link #kindMacros}): {@code {"{#TIMER}":"app.requests"}}.</li>
 *   <li>A Dropwizard 5 key with tags ({@link DropwizardTaggedName}) is listed under its name, with one macro
 *       per tag as {@link ZabbixLldMacros} names them after the name's:
 *       {@code {"{#TYPE}":"timer","{#NAME}":"app.requests","{#METHOD}":"GET"}}; one kind:
 *       {@code {"{#TIMER}":"app.requests","{#METHOD}":"GET"}}.</li>
 *   <li>Names are sorted and unique within a kind (a tagged metric by name, then tags). Macro values are always
 *       strings, the form Zabbix expands in every version.</li>
 * </ul>
 *
 * <p>Made to run as a Zabbix agent UserParameter, which must answer within the agent's Timeout (3 s by
 * default) from a cold JVM: together with {@link DropwizardMetricNames#read} it loads only jackson-core's
 * streaming classes, this package's and courier-core's LLD types, builds no samples and logs nothing. An
 * empty document yields no rows, which as {@code []} tells Zabbix every entity is gone; feed it only complete
 * documents.
 */
public final class DropwizardDiscovery {
    static final String TYPE_MACRO = "{#TYPE}";
    static final String NAME_MACRO = "{#NAME}";

    private DropwizardDiscovery() {
    }

    /** Every metric of {@code names} as a row, every kind, in the order the class comment gives. */
    public static LldRows rows(DropwizardMetricNames names) {
        Objects.requireNonNull(names, "names");
        Map<DropwizardKind, SortedSet<Series>> byKind = new EnumMap<>(DropwizardKind.class);
        for (DropwizardKind kind : DropwizardKind.values()) {
            SortedSet<Series> series = new TreeSet<>();
            for (String key : names.of(kind)) {
                series.add(Series.of(key));
            }
            byKind.put(kind, series);
        }
        return rows(byKind);
    }

    /**
     * The rows of {@code document} as {@code processing} leaves its samples: per kind, the names of the
     * samples it keeps, after its renames, sorted and unique. A metric is listed while {@code processing} keeps
     * one of its samples (a timer whose {@code fields} rule keeps only {@code p99} is listed); one it drops
     * every sample of gives no row. A metric with no usable value this time (a gauge whose value failed) is
     * still listed, as {@link #rows(DropwizardMetricNames)} lists it: as {@code processing} leaves a sample of
     * its kind and name without a field. With {@link UnaryOperator#identity()} the rows are those of
     * {@link #rows(DropwizardMetricNames)} for the document's names.
     *
     * @param host   the host a metric without samples is probed with (the source's)
     * @param source the source name it is probed with
     */
    public static LldRows rows(DropwizardDocument document, String host, String source,
                               UnaryOperator<Sample> processing) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(processing, "processing");
        Map<MetricType, Map<Series, List<Sample>>> samples = new EnumMap<>(MetricType.class);
        for (Sample sample : document.samples()) {
            samples.computeIfAbsent(sample.type(), t -> new HashMap<>())
                    .computeIfAbsent(new Series(sample.name(), sample.labels()), n -> new ArrayList<>()).add(sample);
        }
        Map<DropwizardKind, SortedSet<Series>> byKind = new EnumMap<>(DropwizardKind.class);
        for (DropwizardKind kind : DropwizardKind.values()) {
            SortedSet<Series> kept = new TreeSet<>();
            Map<Series, List<Sample>> ofKind = samples.getOrDefault(kind.metricType(), Map.of());
            for (String key : document.names().of(kind)) {
                Series metric = Series.of(key);
                List<Sample> series = ofKind.get(metric);
                if (series == null) {
                    series = List.of(new Sample(metric.name(), metric.labels(), kind.metricType(), null,
                            SampleValue.of(0L), Instant.EPOCH.getEpochSecond(), 0, host, source));
                }
                for (Sample sample : series) {
                    Sample processed = processing.apply(sample);
                    if (processed != null) {
                        // A Dropwizard 5 metric's tags as the rules leave them; labels a rule adds to an
                        // untagged metric stay out of its row, as they always have.
                        kept.add(new Series(processed.name(), metric.labels().isEmpty() ? Labels.empty()
                                : processed.labels()));
                    }
                }
            }
            byKind.put(kind, kept);
        }
        return rows(byKind);
    }

    private static LldRows rows(Map<DropwizardKind, SortedSet<Series>> byKind) {
        List<LldRow> rows = new ArrayList<>();
        for (DropwizardKind kind : DropwizardKind.values()) {
            for (Series series : byKind.get(kind)) {
                Map<String, String> macros = new LinkedHashMap<>();
                macros.put(TYPE_MACRO, kind.typeName());
                ZabbixLldMacros.ofSeries(series.name(), series.labels())
                        .forEach((macro, value) -> macros.put(unique(macros, macro), value));
                rows.add(new LldRow(kind.sectionName(), macros));
            }
        }
        return LldRows.complete(rows);
    }

    /** {@code macro}, or with {@code _2}, {@code _3}... when {@code macros} has it: a tag called {@code type}. */
    private static String unique(Map<String, String> macros, String macro) {
        String unique = macro;
        for (int n = 2; macros.containsKey(unique); n++) {
            unique = macro.substring(0, macro.length() - 1) + "_" + n + "}";
        }
        return unique;
    }

    /** A metric as discovery lists it: its name and its Dropwizard 5 tags; by name, then tags. */
    private record Series(String name, Labels labels) implements Comparable<Series> {
        static Series of(String key) {
            DropwizardTaggedName tagged = DropwizardTaggedName.parse(key);
            return new Series(tagged.name(), tagged.labels());
        }

        @Override
        public int compareTo(Series other) {
            int byName = name.compareTo(other.name);
            return byName != 0 ? byName : labels.toString().compareTo(other.labels.toString());
        }
    }

    /** Keeps the rows of {@code kind}. */
    public static Predicate<LldRow> ofKind(DropwizardKind kind) {
        return LldRow.inGroups(List.of(kind.sectionName()));
    }

    /**
     * A row of {@code kind} as one kind is listed: its name under the kind's macro, {@code {"{#TIMER}":...}}, then
     * its tags' macros.
     */
    public static Map<String, String> kindMacros(DropwizardKind kind, LldRow row) {
        if (row.macros().size() == 2) {
            return Map.of(kind.macro(), row.macros().get(NAME_MACRO));
        }
        Map<String, String> macros = new LinkedHashMap<>();
        macros.put(kind.macro(), row.macros().get(NAME_MACRO));
        row.macros().forEach((macro, value) -> {
            if (!macro.equals(TYPE_MACRO) && !macro.equals(NAME_MACRO)) {
                macros.put(unique(macros, macro), value);
            }
        });
        return macros;
    }
}
