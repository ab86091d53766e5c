package dev.concierge.courier.sources.prometheus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the tokens of an exposition in its bytes, without copying them: line ends, runs of blanks, words,
 * metric and label names, and the series part of a sample line (its name and label block). Every method
 * takes the bytes and a range and returns an index into them; none reads past the end it is given, none
 * allocates, none reports a problem (what a token means, and what is wrong with it, is the caller's).
 *
 * <p>Stateless and thread-safe.
 */
final class PrometheusLineScanner {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private PrometheusLineScanner() {
    }

    /**
     * The first {@code \n} in {@code b[from, end)}, or -1. Eight bytes at a time: a byte-by-byte loop with an
     * early exit is not vectorised by the JIT, and finding line ends was a fifth of a known line's time.
     */
    static int indexOfNewline(byte[] b, int from, int end) {
        int i = from;
        for (; i <= end - Long.BYTES; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ 0x0A0A0A0A0A0A0A0AL; // a newline becomes a zero byte
            // The lowest set bit marks the first zero byte (a borrow can only mark bytes after it).
            long zeros = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (zeros != 0) {
                return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** A blank between tokens: a space or a tab. */
    static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    /** The first index in {@code [p, end)} that is not a blank, or {@code end}. */
    static int skipBlanks(byte[] b, int p, int end) {
        while (p < end && isBlank(b[p])) {
            p++;
        }
        return p;
    }

    /** The first blank in {@code [p, end)}, or {@code end}: the end of the word at {@code p}. */
    static int scanWord(byte[] b, int p, int end) {
        while (p < end && !isBlank(b[p])) {
            p++;
        }
        return p;
    }

    /** The end of the metric name {@code [a-zA-Z_:][a-zA-Z0-9_:]*} at {@code p}; {@code p} when there is none. */
    static int scanMetricName(byte[] b, int p, int end) {
        int start = p;
        while (p < end) {
            byte c = b[p];
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
            if (!letter && !(p > start && c >= '0' && c <= '9')) {
                break;
            }
            p++;
        }
        return p;
    }

    /** A byte that may continue a metric name. */
    static boolean isNameByte(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b == ':' || (b >= '0' && b <= '9');
    }

    /** The end of the label name {@code [a-zA-Z_][a-zA-Z0-9_]*} at {@code p}; {@code p} when there is none. */
    static int scanLabelName(byte[] b, int p, int end) {
        int start = p;
        while (p < end) {
            byte c = b[p];
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (!letter && !(p > start && c >= '0' && c <= '9')) {
                break;
            }
            p++;
        }
        return p;
    }

    /**
     * The end of a sample line's series part, its name and label block, given the name's end: the index after
     * the closing brace, or the name's end when no brace follows (after blanks); -1 when the block is not
     * closed. Reads quotes and backslashes as {@link LabelBlockReader} does, so that for a label block that
     * reads without a problem the end is the same; for one that does not, it is only a guess.
     */
    static int seriesEnd(byte[] b, int nameEnd, int lineEnd) {
        int p = skipBlanks(b, nameEnd, lineEnd);
        if (p == lineEnd || b[p] != '{') {
            return nameEnd;
        }
        boolean quoted = false;
        for (p++; p < lineEnd; p++) {
            byte c = b[p];
            if (quoted) {
                if (c == '\\') {
                    p++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '}') {
                break;
            }
        }
        return p >= lineEnd ? -1 : p + 1;
    }

    /**
     * A hash of {@code b[start, end)} eight bytes at a time: one multiply per word instead of one per byte,
     * whose chain of multiplies was a third of a known line's time (and of interning a family name). Every
     * input bit reaches both the high bits (which {@link SeriesCache} uses) and the
     * low bits (which {@link StringInterner} uses).
     */
    static int hash(byte[] b, int start, int end) {
        long h = end - start;
        int i = start;
        for (; i <= end - Long.BYTES; i += Long.BYTES) {
            h = (h ^ (long) LONGS.get(b, i)) * 0x9E3779B97F4A7C15L;
        }
        if (i < end) {
            long last = 0;
            if (end - start >= Long.BYTES) {
                last = (long) LONGS.get(b, end - Long.BYTES); // overlaps the last word: still a function of the bytes
            } else {
                for (; i < end; i++) {
                    last = (last << 8) | (b[i] & 0xFF);
                }
            }
            h = (h ^ last) * 0x9E3779B97F4A7C15L;
        }
        // The low bits of a product depend only on the low bits of its factors: fold, multiply once more and
        // keep the top half, which every input bit reaches.
        h ^= h >>> 32;
        return (int) ((h * 0x9E3779B97F4A7C15L) >>> 32);
    }

    /** Whether {@code b[start, end)} is the ASCII {@code word}. */
    static boolean matches(byte[] b, int start, int end, String word) {
        if (end - start != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (b[start + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
