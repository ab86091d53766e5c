package dev.concierge.courier.sources.dropwizard;

import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Zabbix low-level discovery rows (PROTOCOLS.md section 2) for the metrics of a Dropwizard document, written
 * by {@link dev.concierge.courier.core.spi.LldJson}.
 *
 * <ul>
 *   <li>Every kind: one row per metric with its type and name, {@code {"{#TYPE}":"timer","{#NAME}":"app.requests"}},
 *       grouped by type in alphabetical order; a row's group is its section ({@code timers}).</li>
 *   <li>One kind: the rows of that section ({@link #ofKind}), each written with the kind's own macro
 *       ({@link #kindMacros}): {@code {"{#TIMER}":"app.requests"}}.</li>
 *   <li>Names are sorted and unique within a kind. Macro values are always strings, the form Zabbix
 *       expands in every version.</li>
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
        List<LldRow> rows = new ArrayList<>();
        for (DropwizardKind kind : DropwizardKind.values()) {
            for (String name : names.of(kind)) {
                Map<String, String> macros = new LinkedHashMap<>();
                macros.put(TYPE_MACRO, kind.typeName());
                macros.put(NAME_MACRO, name);
                rows.add(new LldRow(kind.sectionName(), macros));
            }
        }
        return LldRows.complete(rows);
    }

    /** Keeps the rows of {@code kind}. */
    public static Predicate<LldRow> ofKind(DropwizardKind kind) {
        return LldRow.inGroups(List.of(kind.sectionName()));
    }

    /** A row of {@code kind} as one kind is listed: its name under the kind's macro, {@code {"{#TIMER}":...}}. */
    public static Map<String, String> kindMacros(DropwizardKind kind, LldRow row) {
        return Map.of(kind.macro(), row.macros().get(NAME_MACRO));
    }
}
