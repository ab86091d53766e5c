package dev.concierge.courier.sources.prometheus;

import dev.concierge.courier.core.model.Labels;

/**
 * Label sets already built, so that a series keeps one {@link Labels} across scrapes: samples of an
 * unchanged exporter then cost no label array, and the samples of one series that the ring and the
 * backlogs hold share one set. Direct-mapped by the set's hash (a miss builds a new set and takes the
 * slot), with about twice as many slots as the last exposition had samples, up to a bound.
 *
 * <p>What it returns is always equal to {@code Labels.of} of the same names and values; whether it is the
 * same instance as before is only an economy. Not thread-safe: one per parser.
 */
final class LabelSetCache {
    static final int MIN_SLOTS = 1024;
    static final int MAX_SLOTS = 1 << 17; // 512 KiB of references at most
    private Labels[] table = new Labels[MIN_SLOTS];

    /** The set of the first {@code count} names and values, which are sorted by name here, in place. */
    Labels labels(String[] names, String[] values, int count) {
        if (count == 0) {
            return Labels.empty();
        }
        sortByName(names, values, count);
        int h = 1;
        for (int i = 0; i < count; i++) {
            h = 31 * (31 * h + names[i].hashCode()) + values[i].hashCode();
        }
        // Fibonacci hashing: the top bits of the product, because String hashes differ mostly in low bits.
        int slot = (h * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(table.length));
        Labels cached = table[slot];
        if (cached != null && sameSet(cached, names, values, count)) {
            return cached;
        }
        Labels labels = Labels.of(names, values, count);
        table[slot] = labels;
        return labels;
    }

    /** Makes room for an exposition of {@code samples} samples; what the table held is forgotten on growth. */
    void fit(int samples) {
        int wanted = Math.min(MAX_SLOTS, Math.max(MIN_SLOTS, Integer.highestOneBit(Math.max(1, samples)) << 2));
        if (wanted > table.length) {
            table = new Labels[wanted];
        }
    }

    /** Slots of the table, for tests of the bound. */
    int slots() {
        return table.length;
    }

    private static boolean sameSet(Labels labels, String[] names, String[] values, int count) {
        if (labels.size() != count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            String name = labels.name(i);
            String value = labels.value(i);
            if ((name != names[i] && !name.equals(names[i])) || (value != values[i] && !value.equals(values[i]))) {
                return false;
            }
        }
        return true;
    }

    // Insertion sort: a handful of labels, usually in order already.
    private static void sortByName(String[] names, String[] values, int count) {
        for (int i = 1; i < count; i++) {
            String name = names[i];
            String value = values[i];
            int j = i - 1;
            while (j >= 0 && names[j].compareTo(name) > 0) {
                names[j + 1] = names[j];
                values[j + 1] = values[j];
                j--;
            }
            names[j + 1] = name;
            values[j + 1] = value;
        }
    }
}
