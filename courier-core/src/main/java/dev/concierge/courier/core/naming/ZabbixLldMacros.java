package dev.concierge.courier.core.naming;

import dev.concierge.courier.core.model.Labels;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The LLD macros (PROTOCOLS.md section 2) a labelled series is discovered with, shared by the
 * {@code discover} command and the Zabbix sink's automatic discovery, so that an item prototype such as
 * {@code counter[{#NAME},cpu={#CPU},mode={#MODE}]} expands to exactly the key the Zabbix client's
 * {@code ZabbixKeys.render} gives the series' samples (courier-sinks' {@code ZabbixKeysTest} checks it). It is in
 * core because the two sides are a source (the Prometheus source's
 * {@link dev.concierge.courier.core.spi.LldRow}s) and a sink, which share nothing else:
 *
 * <pre>
 *   node_cpu_seconds_total{cpu="0",mode="idle"} -&gt; {"{#NAME}":"node_cpu_seconds_total","{#CPU}":"0","{#MODE}":"idle"}
 * </pre>
 *
 * <ul>
 *   <li>A label's macro is its name upper-cased, with characters outside {@code A-Z0-9_.} replaced by
 *       {@code _} (Zabbix macros allow no lower case). A label called {@code name} becomes
 *       {@code {#LABEL.NAME}}, because {@code {#NAME}} is the sample name.</li>
 *   <li>Two labels of one series that still map to the same macro (only {@code cpu} and {@code CPU} can)
 *       get {@code _2}, {@code _3}... in label-name order.</li>
 * </ul>
 */
public final class ZabbixLldMacros {
    /** The macro holding the series' sample name. */
    public static final String NAME_MACRO = "{#NAME}";

    private ZabbixLldMacros() {
    }

    /** The macro for a label name: {@code cpu} -> {@code {#CPU}}, {@code name} -> {@code {#LABEL.NAME}}. */
    public static String ofLabel(String labelName) {
        StringBuilder macro = new StringBuilder(labelName.length() + 3).append("{#");
        String upper = labelName.toUpperCase(Locale.ROOT);
        if (upper.equals("NAME")) {
            macro.append("LABEL.");
        }
        for (int i = 0; i < upper.length(); i++) {
            char c = upper.charAt(i);
            boolean allowed = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
            macro.append(allowed ? c : '_');
        }
        return macro.append('}').toString();
    }

    /** {@code {#NAME}} first, then one macro per label in label-name order; a new, modifiable map. */
    public static Map<String, String> ofSeries(String name, Labels labels) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put(NAME_MACRO, name);
        for (int i = 0; i < labels.size(); i++) {
            String macro = ofLabel(labels.name(i));
            String unique = macro;
            for (int n = 2; row.containsKey(unique); n++) {
                unique = macro.substring(0, macro.length() - 1) + "_" + n + "}";
            }
            row.put(unique, labels.value(i));
        }
        return row;
    }
}
