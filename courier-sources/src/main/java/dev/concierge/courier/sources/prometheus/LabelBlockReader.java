package dev.concierge.courier.sources.prometheus;

import java.nio.charset.StandardCharsets;

/**
 * Reads the label block of a sample line or an exemplar, {@code {name="value",...}}, into names and values
 * in the order written: blanks between tokens and a trailing comma allowed; {@code \\}, {@code \"} and
 * {@code \n} escapes in values, any other escape refused; values strict UTF-8; a label with an empty value
 * dropped (Prometheus treats it as absent). Refused, each with one problem at its column: a block not
 * closed, a bad name, a missing {@code =} or quote, {@code __name__}, a name twice, more than
 * {@link PrometheusTextParser#MAX_LABELS} labels.
 *
 * <p>Names, and ASCII values of up to {@link StringInterner#MAX_LENGTH} bytes without escapes, come from
 * the parser's {@link StringInterner}, so an unchanged series costs no new strings. What was read stays
 * until the next {@link #read} or {@link #clear}. Not thread-safe: one per purpose, on the parser's thread.
 */
final class LabelBlockReader {
    private final StringInterner strings;
    private final ParseProblems problems;
    private final String[] names = new String[PrometheusTextParser.MAX_LABELS];
    private final String[] values = new String[PrometheusTextParser.MAX_LABELS];
    private int count;
    private byte[] unescaped = new byte[256];
    // What labelValue read.
    private String pendingValue;

    LabelBlockReader(StringInterner strings, ParseProblems problems) {
        this.strings = strings;
        this.problems = problems;
    }

    /** Forgets the labels read: a line without a label block has none. */
    void clear() {
        count = 0;
    }

    /** Labels read (empty values not counted). */
    int count() {
        return count;
    }

    String name(int i) {
        return names[i];
    }

    String value(int i) {
        return values[i];
    }

    /** Replaces the value of label {@code i} (a bound rewritten in its canonical form). */
    void setValue(int i, String value) {
        values[i] = value;
    }

    /** The names read, in the first {@link #count()} elements; the caller may reorder them with {@link #values()}. */
    String[] names() {
        return names;
    }

    /** The values read, parallel to {@link #names()}. */
    String[] values() {
        return values;
    }

    /**
     * Reads the block that opens with the brace at {@code in[p]}; returns the index after its closing brace,
     * or -1 after reporting what was wrong (the labels read so far are then of no use).
     */
    int read(byte[] in, int p, int lineEnd) {
        count = 0;
        p++;
        while (true) {
            p = PrometheusLineScanner.skipBlanks(in, p, lineEnd);
            if (p == lineEnd) {
                problems.at(p, "label set not closed (expected: })");
                return -1;
            }
            if (in[p] == '}') {
                return p + 1;
            }
            int nameStart = p;
            int nameEnd = PrometheusLineScanner.scanLabelName(in, p, lineEnd);
            if (nameEnd == nameStart) {
                problems.at(p, "expected a label name [a-zA-Z_][a-zA-Z0-9_]*, found "
                        + ParseProblems.quoted(in, p, Math.min(p + 1, lineEnd)));
                return -1;
            }
            p = PrometheusLineScanner.skipBlanks(in, nameEnd, lineEnd);
            if (p == lineEnd || in[p] != '=') {
                problems.at(p, "expected = after label name " + ParseProblems.quoted(in, nameStart, nameEnd));
                return -1;
            }
            p = PrometheusLineScanner.skipBlanks(in, p + 1, lineEnd);
            if (p == lineEnd || in[p] != '"') {
                problems.at(p, "expected \" to open the value of label " + ParseProblems.quoted(in, nameStart, nameEnd));
                return -1;
            }
            String labelName = strings.intern(in, nameStart, nameEnd);
            p = labelValue(in, p + 1, lineEnd, labelName);
            if (p < 0) {
                return -1;
            }
            if (labelName.equals("__name__")) {
                problems.at(nameStart, "label __name__ (expected: the name before the braces)");
                return -1;
            }
            for (int i = 0; i < count; i++) {
                if (names[i].equals(labelName)) {
                    problems.at(nameStart, "label " + labelName + " appears twice (expected: once)");
                    return -1;
                }
            }
            if (count == PrometheusTextParser.MAX_LABELS) {
                problems.at(nameStart, "more than " + PrometheusTextParser.MAX_LABELS + " labels (expected: at most "
                        + PrometheusTextParser.MAX_LABELS + ")");
                return -1;
            }
            if (!pendingValue.isEmpty()) { // an empty value is an absent label
                names[count] = labelName;
                values[count] = pendingValue;
                count++;
            }
            p = PrometheusLineScanner.skipBlanks(in, p, lineEnd);
            if (p < lineEnd && in[p] == ',') {
                p++;
            } else if (p == lineEnd || in[p] != '}') {
                problems.at(p, "expected , or } after the value of label " + labelName);
                return -1;
            }
        }
    }

    /**
     * Reads a quoted label value from just after its opening quote; stores it in {@link #pendingValue} and
     * returns the index after the closing quote, or -1 (with a problem).
     */
    private int labelValue(byte[] in, int p, int lineEnd, String labelName) {
        int start = p;
        boolean escaped = false;
        boolean ascii = true;
        while (p < lineEnd) {
            byte b = in[p];
            if (b == '"') {
                break;
            }
            if (b == '\\') {
                escaped = true;
                p += 2;
                continue;
            }
            if (b < 0) {
                ascii = false;
            }
            p++;
        }
        if (p >= lineEnd) {
            problems.at(start - 1, "value of label " + labelName + " not closed (expected: \")");
            return -1;
        }
        int end = p;
        if (!escaped) {
            if (!ascii && !isUtf8(in, start, end)) {
                problems.at(start, "value of label " + labelName + " is not valid UTF-8");
                return -1;
            }
            pendingValue = end - start <= StringInterner.MAX_LENGTH && ascii ? strings.intern(in, start, end)
                    : new String(in, start, end - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            return end + 1;
        }
        if (unescaped.length < end - start) {
            unescaped = new byte[Math.max(end - start, 2 * unescaped.length)];
        }
        int n = 0;
        for (int i = start; i < end; i++) {
            byte b = in[i];
            if (b == '\\') {
                byte e = in[++i];
                switch (e) {
                    case '\\' -> unescaped[n++] = '\\';
                    case '"' -> unescaped[n++] = '"';
                    case 'n' -> unescaped[n++] = '\n';
                    default -> {
                        problems.at(i - 1, "escape \\" + ParseProblems.quotedChar(e) + " in the value of label "
                                + labelName + " (expected: \\\\, \\\" or \\n)");
                        return -1;
                    }
                }
            } else {
                unescaped[n++] = b;
            }
        }
        if (!ascii && !isUtf8(unescaped, 0, n)) {
            problems.at(start, "value of label " + labelName + " is not valid UTF-8");
            return -1;
        }
        pendingValue = new String(unescaped, 0, n, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        return end + 1;
    }

    /** Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
    static boolean isUtf8(byte[] b, int start, int end) {
        int i = start;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int n;
            int min;
            if (c >= 0xC2 && c <= 0xDF) {
                n = 1;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                n = 2;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                n = 3;
                min = 0x10000;
            } else {
                return false;
            }
            if (i + n >= end) {
                return false;
            }
            int cp = c & (0x3F >> n);
            for (int k = 1; k <= n; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                return false;
            }
            i += n + 1;
        }
        return true;
    }
}
