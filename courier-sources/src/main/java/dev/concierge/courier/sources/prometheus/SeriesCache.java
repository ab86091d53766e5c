package dev.concierge.courier.sources.prometheus;

import dev.concierge.courier.core.model.Labels;
import java.util.Arrays;

/**
 * Series already read, as Prometheus's scrape cache keeps them: by the bytes of a sample line's series
 * part (name and label block, as on the line), with what those bytes read as (name, {@link Labels}) and
 * the family they were read in, which decides the sample's type and value kind and whether its {@code le}
 * or {@code quantile} was checked. Nothing of a value is kept.
 *
 * <p>Series are numbered in the order they are first read, and kept in arrays by number with their keys
 * one after the other in one byte array: an unchanged exporter writes its series in the same order every
 * scrape, so the next line's series is usually the next number ({@link #after}), checked with one
 * comparison of bytes that sit next to the previous ones in memory ({@link #isAt}); other lines are found
 * by a hash of their bytes ({@link #find}), in an open-addressing table with linear probing (a
 * direct-mapped one would lose every series that shares a slot, on every scrape). The table grows while an
 * exposition fills it, up to a bound, and is forgotten when full at the bound, when its keys pass their
 * byte budget, or when it holds more than twice the series of the last exposition (an exporter whose
 * series change). A series number is valid until the next {@link #put} or {@link #fit}.
 *
 * <p>The caller computes each key's hash, with {@link PrometheusLineScanner#hash}, and passes the same hash
 * for the same bytes. Not thread-safe: one per parser.
 */
final class SeriesCache {
    /** A series part longer than this is read every time: its key would cost more than it saves. */
    static final int MAX_KEY_LENGTH = 1024;
    static final int MIN_SLOTS = 1024;
    /** At a load of at most 3/4: 49,152 series. */
    static final int MAX_SLOTS = 1 << 16;
    /** Bytes of keys held at most; the 20,000 series of the end-to-end benchmark take about 1 MB. */
    static final int MAX_KEY_BYTES = 4 << 20;

    // Slot -> series number + 1; 0 is an empty slot.
    private int[] slots;
    // By series number.
    private int[] hashes;
    private int[] keyStarts; // series i's key is keys[keyStarts[i], keyStarts[i + 1])
    private String[] names;
    private Labels[] labels;
    private String[] familyNames;
    private FamilyType[] types;
    private boolean[] countsOnly;
    private byte[] keys = new byte[16 * 1024];
    private int count;

    SeriesCache() {
        reset(MIN_SLOTS);
    }

    /** The series numbered after {@code previous} (the first when -1), or -1: only a guess to check. */
    int after(int previous) {
        return previous + 1 < count ? previous + 1 : -1;
    }

    /**
     * Whether the sample line whose name starts at {@code in[p]} has series {@code i}'s series part: its
     * bytes, and when that part has no label block, no more name and no label block after them.
     */
    boolean isAt(int i, byte[] in, int p, int lineEnd) {
        int start = keyStarts[i];
        int length = keyStarts[i + 1] - start;
        if (lineEnd - p < length || !Arrays.equals(keys, start, start + length, in, p, p + length)) {
            return false;
        }
        if (length > names[i].length()) {
            return true; // the part ends with its closing brace
        }
        int q = p + length;
        if (q < lineEnd && PrometheusLineScanner.isNameByte(in[q])) {
            return false;
        }
        while (q < lineEnd && PrometheusLineScanner.isBlank(in[q])) {
            q++;
        }
        return q == lineEnd || in[q] != '{';
    }

    /** The series whose key is {@code b[start, end)}, or -1. */
    int find(byte[] b, int start, int end, int hash) {
        int mask = slots.length - 1;
        for (int slot = spread(hash, slots.length); ; slot = (slot + 1) & mask) {
            int i = slots[slot] - 1;
            if (i < 0) {
                return -1;
            }
            if (hashes[i] == hash && Arrays.equals(keys, keyStarts[i], keyStarts[i + 1], b, start, end)) {
                return i;
            }
        }
    }

    /**
     * Whether the family named {@code familyName} of type {@code type} is the one series {@code i} was read
     * in, so what was derived from it holds.
     */
    boolean readIn(int i, String familyName, FamilyType type) {
        return type == types[i] && (familyName == familyNames[i] || familyName.equals(familyNames[i]));
    }

    String name(int i) {
        return names[i];
    }

    Labels labels(int i) {
        return labels[i];
    }

    boolean countsOnly(int i) {
        return countsOnly[i];
    }

    int keyLength(int i) {
        return keyStarts[i + 1] - keyStarts[i];
    }

    int hash(int i) {
        return hashes[i];
    }

    /**
     * Adds the series whose key is {@code b[start, end)}, or replaces what the series with that key was
     * read as (in another family); returns its number, or -1 when the key is too long to keep.
     */
    int put(int hash, byte[] b, int start, int end, String name, Labels set, String familyName, FamilyType type,
            boolean counts) {
        int length = end - start;
        if (length > MAX_KEY_LENGTH) {
            return -1;
        }
        int i = find(b, start, end, hash);
        if (i < 0) {
            if (keyStarts[count] + length > MAX_KEY_BYTES || (count == names.length && slots.length == MAX_SLOTS)) {
                reset(slots.length);
            } else if (count == names.length) {
                grow();
            }
            int keyStart = keyStarts[count];
            if (keyStart + length > keys.length) {
                keys = Arrays.copyOf(keys, Math.min(MAX_KEY_BYTES, Math.max(2 * keys.length, keyStart + length)));
            }
            System.arraycopy(b, start, keys, keyStart, length);
            i = count++;
            keyStarts[count] = keyStart + length;
            hashes[i] = hash;
            int mask = slots.length - 1;
            int slot = spread(hash, slots.length);
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = i + 1;
        }
        names[i] = name;
        labels[i] = set;
        familyNames[i] = familyName;
        types[i] = type;
        countsOnly[i] = counts;
        return i;
    }

    /** Called after each exposition of {@code samples} samples. */
    void fit(int samples) {
        if (count > 2 * Math.max(samples, MIN_SLOTS / 2)) {
            reset(Math.min(MAX_SLOTS, Math.max(MIN_SLOTS, Integer.highestOneBit(Math.max(1, samples)) << 2)));
        }
    }

    /** Series kept. */
    int size() {
        return count;
    }

    /** Slots of the table. */
    int slots() {
        return slots.length;
    }

    /** Bytes held for keys. */
    int keyBytes() {
        return keys.length;
    }

    /** Doubles the slots and the room for series, keeping every series. */
    private void grow() {
        int[] bigger = new int[slots.length * 2];
        int mask = bigger.length - 1;
        for (int i = 0; i < count; i++) {
            int slot = spread(hashes[i], bigger.length);
            while (bigger[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            bigger[slot] = i + 1;
        }
        slots = bigger;
        int capacity = capacity(bigger.length);
        hashes = Arrays.copyOf(hashes, capacity);
        keyStarts = Arrays.copyOf(keyStarts, capacity + 1);
        names = Arrays.copyOf(names, capacity);
        labels = Arrays.copyOf(labels, capacity);
        familyNames = Arrays.copyOf(familyNames, capacity);
        types = Arrays.copyOf(types, capacity);
        countsOnly = Arrays.copyOf(countsOnly, capacity);
    }

    /** Forgets every series, keeping {@code slotCount} slots. */
    private void reset(int slotCount) {
        int capacity = capacity(slotCount);
        slots = new int[slotCount];
        hashes = new int[capacity];
        keyStarts = new int[capacity + 1];
        names = new String[capacity];
        labels = new Labels[capacity];
        familyNames = new String[capacity];
        types = new FamilyType[capacity];
        countsOnly = new boolean[capacity];
        if (keys.length > MIN_SLOTS * 16) {
            keys = new byte[MIN_SLOTS * 16];
        }
        count = 0;
    }

    private static int capacity(int slotCount) {
        return slotCount - (slotCount >> 2); // a load of 3/4 at most
    }

    /** The first slot to probe: Fibonacci hashing, the top bits of the product. */
    private static int spread(int hash, int slotCount) {
        return (hash * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(slotCount));
    }
}
