package dev.concierge.courier.sinks.zabbix;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.naming.ZabbixKeys;

/**
 * The item keys of recently sent series, found by the identity of the sample's name, labels and field: a
 * source that keeps one {@link Labels} per series across scrapes (the Prometheus parser does) and one string
 * per name (both parsers do) then has each key rendered once, not once for every value sent. A key is a
 * function of type, name, field and labels alone ({@link ZabbixKeys#render}), so a hit is always the right
 * key; a sample whose parts are equal but not the same objects only misses.
 *
 * <p>Direct-mapped: a miss renders the key and takes the slot. The table starts small and doubles, up to a
 * bound, whenever a batch misses on more than half its samples, so it follows the number of series sent.
 *
 * <p>Not thread-safe: used by {@link ZabbixSink#send}, which is never called concurrently.
 */
final class ZabbixKeyCache {
    static final int MIN_SLOTS = 1024;
    static final int MAX_SLOTS = 1 << 16;

    private record Entry(String name, Labels labels, MetricType type, String field, String key) {
    }

    private Entry[] table = new Entry[MIN_SLOTS];
    private int lookups;
    private int misses;

    /** The key of {@code sample}, as {@link ZabbixKeys#render} gives it. */
    String key(Sample sample) {
        String name = sample.name();
        Labels labels = sample.labels();
        MetricType type = sample.type();
        String field = sample.field();
        int h = System.identityHashCode(name) * 31 + System.identityHashCode(labels);
        h = h * 31 + (field == null ? 0 : System.identityHashCode(field));
        int slot = (h * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(table.length));
        lookups++;
        Entry entry = table[slot];
        if (entry != null && entry.name == name && entry.labels == labels && entry.type == type
                && entry.field == field) {
            return entry.key;
        }
        misses++;
        String key = ZabbixKeys.render(sample);
        table[slot] = new Entry(name, labels, type, field, key);
        return key;
    }

    /** Ends a batch: doubles the table when more than half of its lookups missed. */
    void endBatch() {
        if (misses > lookups / 2 && lookups >= table.length / 4 && table.length < MAX_SLOTS) {
            table = new Entry[table.length * 2];
        }
        lookups = 0;
        misses = 0;
    }

    /** Slots in the table now; for tests. */
    int slots() {
        return table.length;
    }
}
