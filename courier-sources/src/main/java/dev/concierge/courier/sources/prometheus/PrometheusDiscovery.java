package dev.concierge.courier.sources.prometheus;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.naming.ZabbixLldMacros;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Zabbix low-level discovery JSON (PROTOCOLS.md section 2) for the series of a Prometheus exposition: one
 * object per series, with the sample name as {@code {#NAME}} and every label as a macro of its own, so that
 * one item prototype covers a whole family:
 *
 * <pre>
 *   node_cpu_seconds_total{cpu="0",mode="idle"} 1234.5
 *   -&gt; {"{#NAME}":"node_cpu_seconds_total","{#CPU}":"0","{#MODE}":"idle"}
 *   item prototype key: counter[{#NAME},cpu={#CPU},mode={#MODE}]
 * </pre>
 *
 * <ul>
 *   <li>A label's macro is its name upper-cased, with characters outside {@code A-Z0-9_.} replaced by
 *       {@code _} (Zabbix macros allow no lower case). A label called {@code name} becomes
 *       {@code {#LABEL.NAME}}, because {@code {#NAME}} is the sample name. Two labels of one series that
 *       still map to the same macro (only {@code cpu} and {@code CPU} can) get {@code _2}, {@code _3}...
 *       in label-name order.</li>
 *   <li>Rows are sorted by sample name, then label values, and unique, so an unchanged exposition yields
 *       byte-identical JSON (Zabbix re-processes every LLD value it gets; send it when it changed).</li>
 *   <li>A family filter keeps the series whose family name or sample name equals it: for a histogram {@code http_duration_seconds} gives its {@code _bucket}, {@code _sum} and
 *       {@code _count} series, {@code http_duration_seconds_bucket} only the buckets.</li>
 *   <li>Series whose value is NaN or infinite are listed too: they exist, and their items may get values
 *       later.</li>
 *   <li>An empty result is {@code []}, which tells Zabbix every entity is gone: build it only from a
 *       complete exposition.</li>
 * </ul>
 */
public final class PrometheusDiscovery {
    static final String NAME_MACRO = "{#NAME}";
    private static final JsonFactory JSON = new JsonFactory();

    /** The LLD envelope. */
    public enum Format {
        /** {@code [...]}: Zabbix 4.2 and later. */
        ARRAY,
        /** {@code {"data":[...]}}: also understood by servers before 4.2; deprecated by newer ones. */
        DATA_OBJECT
    }

    private PrometheusDiscovery() {
    }

    /**
     * One series as LLD sees it.
     *
     * @param family the family the series belongs to ({@code http_duration_seconds} for its {@code _bucket})
     * @param row    the LLD row: {@code {#NAME}} first, then one macro per label, in label order
     */
    public record Series(String family, Map<String, String> row) {
        public Series {
            Objects.requireNonNull(family, "family");
            row = Collections.unmodifiableMap(new LinkedHashMap<>(row));
        }

        /** Whether a family filter keeps this series: {@code filter} is its family or its sample name. */
        public boolean matches(String filter) {
            return filter == null || filter.equals(family) || filter.equals(row.get(NAME_MACRO));
        }
    }

    /**
     * The LLD rows of {@code parsed}, each an ordered map from macro to value.
     *
     * @param family the family or sample name to keep, or null for every series
     */
    public static List<Map<String, String>> rows(PrometheusParseResult parsed, String family) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (Series each : series(parsed)) {
            if (each.matches(family)) {
                rows.add(each.row());
            }
        }
        return rows;
    }

    /** Every series of {@code parsed} with its family, sorted and unique as the class comment says. */
    public static List<Series> series(PrometheusParseResult parsed) {
        Objects.requireNonNull(parsed, "parsed");
        TreeMap<Sample, String> series = new TreeMap<>(SERIES_ORDER);
        for (int i = 0; i < parsed.samples().size(); i++) {
            series.putIfAbsent(parsed.samples().get(i), parsed.families().get(i));
        }
        List<Series> all = new ArrayList<>(series.size());
        for (Map.Entry<Sample, String> entry : series.entrySet()) {
            Sample sample = entry.getKey();
            Map<String, String> row = ZabbixLldMacros.ofSeries(sample.name(), sample.labels());
            all.add(new Series(entry.getValue(), row));
        }
        return all;
    }

    /** The macro for a label name: {@code cpu} -> {@code {#CPU}}, {@code name} -> {@code {#LABEL.NAME}}. */
    public static String macroOf(String labelName) {
        return ZabbixLldMacros.ofLabel(labelName);
    }

    /** Writes the LLD JSON of {@link #rows} as UTF-8 to {@code out}, which is flushed and left open. */
    public static void write(PrometheusParseResult parsed, String family, Format format, OutputStream out)
            throws IOException {
        Objects.requireNonNull(format, "format");
        List<Map<String, String>> rows = rows(parsed, family);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (format == Format.DATA_OBJECT) {
                json.writeStartObject();
                json.writeFieldName("data");
            }
            json.writeStartArray();
            for (Map<String, String> row : rows) {
                json.writeStartObject();
                for (Map.Entry<String, String> macro : row.entrySet()) {
                    json.writeStringField(macro.getKey(), macro.getValue());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            if (format == Format.DATA_OBJECT) {
                json.writeEndObject();
            }
        }
    }

    /** {@link #write} into a string, e.g. for a trapper LLD value. */
    public static String toJson(PrometheusParseResult parsed, String family, Format format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            write(parsed, family, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toString(StandardCharsets.UTF_8);
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
