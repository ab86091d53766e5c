package dev.concierge.courier.core.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What a source discovered at one moment: every entity as an {@link LldRow}, and whether that is the complete
 * list. Immutable.
 *
 * <p>A Zabbix LLD value replaces the previous one, and an entity missing from it starts its lost-resource
 * timer (PROTOCOLS.md section 2.3), so whoever turns rows into an LLD value must refuse an incomplete list
 * rather than send part of one: {@link #incomplete} says why the whole list is unusable, and {@link #groups}
 * says which groups answered separately are not current.
 *
 * @param rows       every entity, in output order
 * @param incomplete null when {@code rows} is the complete list; otherwise why it is not (a Prometheus
 *                   exposition with malformed lines), and then no rows may be used
 * @param groups     for a source whose groups are answered one by one (Consul: one query per watched
 *                   service), every group it knows, in order, with whether its latest answer is current; a
 *                   group that is not current may miss rows. Empty when the rows come from one answer.
 */
public record LldRows(List<LldRow> rows, String incomplete, Map<String, Boolean> groups) {
    public LldRows {
        rows = List.copyOf(rows);
        groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
    }

    /** The complete list {@code rows}, from one answer. */
    public static LldRows complete(List<LldRow> rows) {
        return new LldRows(rows, null, Map.of());
    }

    /** No usable list, because of {@code reason}. */
    public static LldRows incomplete(String reason) {
        return new LldRows(List.of(), Objects.requireNonNull(reason, "reason"), Map.of());
    }

    /** Rows answered group by group: {@code groups} maps every known group to whether its answer is current. */
    public static LldRows byGroup(Map<String, Boolean> groups, List<LldRow> rows) {
        return new LldRows(rows, null, groups);
    }

    /** The rows {@code filter} keeps, in order. */
    public List<LldRow> select(Predicate<? super LldRow> filter) {
        List<LldRow> kept = new ArrayList<>();
        for (LldRow row : rows) {
            if (filter.test(row)) {
                kept.add(row);
            }
        }
        return kept;
    }
}
