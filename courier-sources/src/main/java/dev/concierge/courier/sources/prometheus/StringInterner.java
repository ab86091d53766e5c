package dev.concierge.courier.sources.prometheus;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interns short ASCII strings (metric names, label names, short label values) by their bytes, so that a
 * scrape of the same exporter reuses the strings of the previous one: a direct-mapped table, so a hit costs
 * one hash and one comparison, a miss one String (which takes the slot), and the table never grows. Bytes
 * are read as ISO-8859-1; callers pass ASCII. A string longer than {@link #MAX_LENGTH} is never interned.
 *
 * <p>Not thread-safe: one per parser.
 */
final class StringInterner {
    static final int MAX_LENGTH = 64;
    private static final int SIZE = 4096;
    private final String[] table = new String[SIZE];
    // Each slot's string as bytes, compared with one vectorised Arrays.equals rather than char by char.
    private final byte[][] keys = new byte[SIZE][];

    /** The string of {@code b[start, end)}: the one returned last time for these bytes while it keeps its slot. */
    String intern(byte[] b, int start, int end) {
        int length = end - start;
        if (length > MAX_LENGTH) {
            return new String(b, start, length, StandardCharsets.ISO_8859_1);
        }
        int h = PrometheusLineScanner.hash(b, start, end);
        int slot = (h ^ (h >>> 12)) & (SIZE - 1);
        byte[] key = keys[slot];
        if (key != null && Arrays.equals(key, 0, key.length, b, start, end)) {
            return table[slot];
        }
        String s = new String(b, start, length, StandardCharsets.ISO_8859_1);
        table[slot] = s;
        keys[slot] = Arrays.copyOfRange(b, start, end);
        return s;
    }

    /**
     * {@link #intern(byte[], int, int)} of the ISO-8859-1 bytes of {@code s}; {@code s} itself when it holds a
     * character beyond ASCII (a quoted UTF-8 name), which the table, keyed by bytes read as Latin-1, cannot hold.
     */
    String intern(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s;
            }
        }
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        return intern(bytes, 0, bytes.length);
    }
}
