package dev.concierge.courier.core.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable set of label names and values, kept sorted by name so that equal sets render equally.
 * Names are unique; a later {@link #with} for the same name replaces the value.
 */
public final class Labels {
    private static final Labels EMPTY = new Labels(new String[0]);

    // names and values interleaved: [n0, v0, n1, v1, ...], sorted by name.
    private final String[] pairs;
    // Computed once: byte budgets ask for it on every sample taken and released, and sources that keep one
    // set per series (the Prometheus parser) share a set across many samples.
    private final int estimatedBytes;

    private Labels(String[] pairs) {
        this.pairs = pairs;
        int bytes = 16 + 8 * pairs.length;
        for (String s : pairs) {
            bytes += 40 + s.length();
        }
        this.estimatedBytes = bytes;
    }

    public static Labels empty() {
        return EMPTY;
    }

    /** Labels from alternating names and values: {@code Labels.of("cpu", "0", "mode", "idle")}. */
    public static Labels of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("namesAndValues: " + namesAndValues.length
                    + " strings (expected: an even number, name then value)");
        }
        return sorted(namesAndValues.clone());
    }

    /**
     * Labels from the first {@code count} entries of {@code names} and {@code values}, which are copied, not
     * kept: one array for the whole set, however many labels, as a parser building one set per sample needs.
     * A name given twice keeps its later value.
     */
    public static Labels of(String[] names, String[] values, int count) {
        Objects.checkFromIndexSize(0, count, Math.min(names.length, values.length));
        if (count == 0) {
            return EMPTY;
        }
        String[] pairs = new String[2 * count];
        for (int i = 0; i < count; i++) {
            pairs[2 * i] = names[i];
            pairs[2 * i + 1] = values[i];
        }
        return sorted(pairs);
    }

    /**
     * Sorts {@code pairs} by name in place and takes it as the labels' array; a later pair with the same
     * name replaces the earlier one, as {@link #with} would. Insertion sort: label sets are small and
     * usually sorted already, as exporters write them.
     */
    private static Labels sorted(String[] pairs) {
        int n = pairs.length / 2;
        if (n == 0) {
            return EMPTY;
        }
        for (int i = 0; i < n; i++) {
            Objects.requireNonNull(pairs[2 * i], "name");
            Objects.requireNonNull(pairs[2 * i + 1], "value");
        }
        boolean duplicates = false;
        for (int i = 1; i < n; i++) {
            String name = pairs[2 * i];
            String value = pairs[2 * i + 1];
            int j = i - 1;
            int cmp = 0;
            // Stable: an equal name stays after the earlier one, so the later value wins below.
            while (j >= 0 && (cmp = pairs[2 * j].compareTo(name)) > 0) {
                pairs[2 * j + 2] = pairs[2 * j];
                pairs[2 * j + 3] = pairs[2 * j + 1];
                j--;
            }
            duplicates |= j >= 0 && cmp == 0;
            pairs[2 * j + 2] = name;
            pairs[2 * j + 3] = value;
        }
        if (!duplicates) {
            return new Labels(pairs);
        }
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (i + 1 < n && pairs[2 * i].equals(pairs[2 * i + 2])) {
                continue;
            }
            pairs[2 * kept] = pairs[2 * i];
            pairs[2 * kept + 1] = pairs[2 * i + 1];
            kept++;
        }
        return new Labels(Arrays.copyOf(pairs, 2 * kept));
    }

    public static Labels of(Map<String, String> map) {
        Labels labels = EMPTY;
        for (Map.Entry<String, String> e : map.entrySet()) {
            labels = labels.with(e.getKey(), e.getValue());
        }
        return labels;
    }

    /** A copy with {@code name} set to {@code value}. */
    public Labels with(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        int index = indexOf(name);
        if (index >= 0) {
            String[] copy = pairs.clone();
            copy[2 * index + 1] = value;
            return new Labels(copy);
        }
        int insertAt = -index - 1;
        String[] copy = new String[pairs.length + 2];
        System.arraycopy(pairs, 0, copy, 0, 2 * insertAt);
        copy[2 * insertAt] = name;
        copy[2 * insertAt + 1] = value;
        System.arraycopy(pairs, 2 * insertAt, copy, 2 * insertAt + 2, pairs.length - 2 * insertAt);
        return new Labels(copy);
    }

    /** A copy without {@code name}; these labels when they do not have it. */
    public Labels without(String name) {
        int index = indexOf(name);
        if (index < 0) {
            return this;
        }
        if (pairs.length == 2) {
            return EMPTY;
        }
        String[] copy = new String[pairs.length - 2];
        System.arraycopy(pairs, 0, copy, 0, 2 * index);
        System.arraycopy(pairs, 2 * index + 2, copy, 2 * index, pairs.length - 2 * index - 2);
        return new Labels(copy);
    }

    public int size() {
        return pairs.length / 2;
    }

    public boolean isEmpty() {
        return pairs.length == 0;
    }

    public String name(int index) {
        return pairs[2 * index];
    }

    public String value(int index) {
        return pairs[2 * index + 1];
    }

    /** The value for {@code name}, or null when absent. */
    public String get(String name) {
        int index = indexOf(name);
        return index >= 0 ? pairs[2 * index + 1] : null;
    }

    public List<String> names() {
        List<String> names = new ArrayList<>(size());
        for (int i = 0; i < pairs.length; i += 2) {
            names.add(pairs[i]);
        }
        return Collections.unmodifiableList(names);
    }

    /** Rough heap cost, for the ring's and backlogs' byte budgets. */
    int estimatedBytes() {
        return estimatedBytes;
    }

    // Binary search over names; returns -(insertion point) - 1 when absent.
    private int indexOf(String name) {
        int low = 0;
        int high = size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int cmp = pairs[2 * mid].compareTo(name);
            if (cmp < 0) {
                low = mid + 1;
            } else if (cmp > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -(low + 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels other && Arrays.equals(pairs, other.pairs);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(pairs);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < pairs.length; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(pairs[i]).append('=').append(pairs[i + 1]);
        }
        return sb.append('}').toString();
    }
}
