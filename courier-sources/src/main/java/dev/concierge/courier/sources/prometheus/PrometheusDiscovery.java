package dev.concierge.courier.sources.prometheus;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.naming.ZabbixLldMacros;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Zabbix low-level discovery rows (PROTOCOLS.md section 2) for the series of a Prometheus exposition,
 * written by {@link dev.concierge.courier.core.spi.LldJson}: one row per series, with the sample name as
 * {@code {#NAME}} and every label as a macro of its own, so that one item prototype covers a whole family:
 *
 * <pre>
 *   node_cpu_seconds_total{cpu="0",mode="idle"} 1234.5
 *   -&gt; {"{#NAME}":"node_cpu_seconds_total","{#CPU}":"0","{#MODE}":"idle"}
 *   item prototype key: counter[{#NAME},cpu={#CPU},mode={#MODE}]
 * </pre>
 *
 * <ul>
 *   <li>Macros follow {@link ZabbixLldMacros}. A row's group is the series' family.</li>
 *   <li>Rows are sorted by sample name, then label values, and unique, so an unchanged exposition yields
 *       byte-identical JSON (Zabbix re-processes every LLD value it gets; send it when it changed).</li>
 *   <li>A family filter ({@link #inFamily}) keeps the series whose family name or sample name equals it: for
 *       a histogram {@code http_duration_seconds} gives its {@code _bucket}, {@code _sum} and {@code _count}
 *       series, {@code http_duration_seconds_bucket} only the buckets.</li>
 *   <li>Series whose value is NaN or infinite are listed too: they exist, and their items may get values
 *       later.</li>
 *   <li>An exposition with malformed lines gives no rows, only the reason ({@link LldRows#incomplete}): an
 *       empty or partial list tells Zabbix the missing entities are gone.</li>
 * </ul>
 */
public final class PrometheusDiscovery {
    static final String NAME_MACRO = ZabbixLldMacros.NAME_MACRO;

    private PrometheusDiscovery() {
    }

    /**
     * Every series of {@code parsed} as a row, sorted and unique as the class comment says; incomplete when
     * {@code parsed} had problems.
     */
    public static LldRows rows(PrometheusParseResult parsed) {
        return rows(parsed, UnaryOperator.identity());
    }

    /**
     * As {@link #rows(PrometheusParseResult)}, each series as {@code processing} leaves it: its name and labels
     * after the rules, in the group of the family it was parsed in; a series {@code processing} drops (null)
     * gives no row. Sorted and unique after processing, so two series renamed into one give one row.
     */
    public static LldRows rows(PrometheusParseResult parsed, UnaryOperator<Sample> processing) {
        Objects.requireNonNull(parsed, "parsed");
        Objects.requireNonNull(processing, "processing");
        if (parsed.hasProblems()) {
            return LldRows.incomplete(parsed.problemCount() + " malformed lines in the last exposition, first: "
                    + parsed.problems().get(0));
        }
        TreeMap<Sample, String> series = new TreeMap<>(SERIES_ORDER);
        for (int i = 0; i < parsed.samples().size(); i++) {
            Sample processed = processing.apply(parsed.samples().get(i));
            if (processed != null) {
                series.putIfAbsent(processed, parsed.families().get(i));
            }
        }
        List<LldRow> rows = new ArrayList<>(series.size());
        for (Map.Entry<Sample, String> entry : series.entrySet()) {
            Sample sample = entry.getKey();
            rows.add(new LldRow(entry.getValue(), ZabbixLldMacros.ofSeries(sample.name(), sample.labels())));
        }
        return LldRows.complete(rows);
    }

    /** Keeps the series of {@code family}: a row whose family or sample name equals it. */
    public static Predicate<LldRow> inFamily(String family) {
        Objects.requireNonNull(family, "family");
        return row -> family.equals(row.group()) || family.equals(row.macros().get(NAME_MACRO));
    }

    /** The macro for a label name: {@code cpu} -> {@code {#CPU}}, {@code name} -> {@code {#LABEL.NAME}}. */
    public static String macroOf(String labelName) {
        return ZabbixLldMacros.ofLabel(labelName);
    }

    private static final Comparator<Sample> SERIES_ORDER = (a, b) -> {
        int byName = a.name().compareTo(b.name());
        if (byName != 0) {
            return byName;
        }
        Labels x = a.labels();
        Labels y = b.labels();
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            int c = x.name(i).compareTo(y.name(i));
            if (c == 0) {
                c = x.value(i).compareTo(y.value(i));
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    };
}
