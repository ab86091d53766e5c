package dev.concierge.courier.core.spi;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One entity a source discovered, as one Zabbix low-level discovery row (PROTOCOLS.md section 2): its LLD
 * macros, keyed by {@code {#MACRO}} names such as {@link dev.concierge.courier.core.naming.ZabbixLldMacros}
 * gives, every value a string, in the order they are written. Immutable.
 *
 * <pre>
 *   group "timers", {"{#TYPE}":"timer","{#NAME}":"app.requests"}
 * </pre>
 *
 * @param group  what a filter selects the row by, within its source: the Dropwizard section
 *               ({@code timers}), the Prometheus family, the Consul service; never written into LLD JSON
 * @param macros macro to value, in output order; copied
 */
public record LldRow(String group, Map<String, String> macros) {
    public LldRow {
        Objects.requireNonNull(group, "group");
        Map<String, String> copy = new LinkedHashMap<>(macros);
        copy.forEach((macro, value) -> {
            Objects.requireNonNull(macro, "macro");
            Objects.requireNonNull(value, () -> "value of " + macro);
        });
        macros = Collections.unmodifiableMap(copy);
    }

    /** Keeps the rows whose {@link #group} is one of {@code groups}; every row when {@code groups} is empty. */
    public static Predicate<LldRow> inGroups(Collection<String> groups) {
        if (groups.isEmpty()) {
            return row -> true;
        }
        Set<String> wanted = Set.copyOf(groups);
        return row -> wanted.contains(row.group);
    }
}
