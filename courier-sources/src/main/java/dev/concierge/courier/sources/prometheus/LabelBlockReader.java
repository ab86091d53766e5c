package dev.concierge.courier.sources.prometheus;

import java.nio.charset.StandardCharsets;

/**
 * Reads the label block of a sample line or an exemplar, {@code {name="value",...}}, into names and values
 * in the order written: legacy or quoted UTF-8 names, and a quoted metric name in the braces where allowed
 * (see {@link #read(byte[], int, int, boolean, boolean)}); blanks between tokens and (in 0.0.4) a trailing
 * comma allowed; {@code \\}, {@code \"} and {@code \n} escapes in values, any other escape refused in
 * 0.0.4 and kept as written in OpenMetrics; values strict UTF-8; a label with an empty value
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
    // What quoted read; the metric name of the block, if it held one; the format of the block being read.
    private String pendingValue;
    private String metricName;
    private boolean openMetrics;

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
     * Reads the block that opens with the brace at {@code in[p]} with the rules of text 0.0.4, where no
     * metric name may stand inside the braces; see {@link #read(byte[], int, int, boolean, boolean)}.
     */
    int read(byte[] in, int p, int lineEnd) {
        return read(in, p, lineEnd, false, false);
    }

    /**
     * Reads the block that opens with the brace at {@code in[p]}; returns the index after its closing brace,
     * or -1 after reporting what was wrong (the labels read so far are then of no use).
     *
     * <p>Label names are legacy ({@code [a-zA-Z_][a-zA-Z0-9_]*}) or quoted UTF-8 strings, with the escapes of
     * values (Prometheus 3, text 1.0.0 and OpenMetrics with {@code escaping=allow-utf-8}). A quoted string
     * followed by {@code ,} or {@code }} rather than {@code =} is the metric name, in any place but only once
     * and only where {@code nameAllowed} (no name before the braces); it is then {@link #metricName()}. In
     * OpenMetrics a trailing comma is refused and an escape other than {@code \\}, {@code \"} and
     * {@code \n} is kept as written, as the specification and its reference parser read it; text 0.0.4
     * allows the comma and refuses the escape, as Go's parser does.
     */
    int read(byte[] in, int p, int lineEnd, boolean openMetrics, boolean nameAllowed) {
        count = 0;
        metricName = null;
        this.openMetrics = openMetrics;
        p++;
        boolean afterComma = false;
        while (true) {
            p = PrometheusLineScanner.skipBlanks(in, p, lineEnd);
            if (p == lineEnd) {
                problems.at(p, "label set not closed (expected: })");
                return -1;
            }
            if (in[p] == '}') {
                if (afterComma && openMetrics) {
                    problems.at(p, "} after a comma (expected: another label; OpenMetrics allows no trailing comma)");
                    return -1;
                }
                return p + 1;
            }
            int nameStart = p;
            String labelName;
            if (in[p] == '"') {
                p = quoted(in, p + 1, lineEnd, "quoted name");
                if (p < 0) {
                    return -1;
                }
                String text = pendingValue;
                int q = PrometheusLineScanner.skipBlanks(in, p, lineEnd);
                if (q < lineEnd && (in[q] == ',' || in[q] == '}')) {
                    if (!nameAllowed || metricName != null) {
                        problems.at(nameStart, "metric name " + ParseProblems.quoted(in, nameStart, p)
                                + " (expected: one metric name, before the braces or as the first quoted string in them)");
                        return -1;
                    }
                    if (text.isEmpty()) {
                        problems.at(nameStart, "empty metric name (expected: at least one character)");
                        return -1;
                    }
                    metricName = text;
                    p = q;
                    if (in[p] == ',') {
                        p++;
                        afterComma = true;
                    }
                    continue;
                }
                if (text.isEmpty()) {
                    problems.at(nameStart, "empty label name (expected: at least one character)");
                    return -1;
                }
                labelName = strings.intern(text);
            } else {
                int nameEnd = PrometheusLineScanner.scanLabelName(in, p, lineEnd);
                if (nameEnd == nameStart) {
                    problems.at(p, "expected a label name [a-zA-Z_][a-zA-Z0-9_]*, found "
                            + ParseProblems.quoted(in, p, Math.min(p + 1, lineEnd)));
                    return -1;
                }
                labelName = strings.intern(in, nameStart, nameEnd);
                p = nameEnd;
            }
            int nameEnd = p;
            p = PrometheusLineScanner.skipBlanks(in, p, lineEnd);
            if (p == lineEnd || in[p] != '=') {
                problems.at(p, "expected = after label name " + ParseProblems.quoted(in, nameStart, nameEnd));
                return -1;
            }
            p = PrometheusLineScanner.skipBlanks(in, p + 1, lineEnd);
            if (p == lineEnd || in[p] != '"') {
                problems.at(p, "expected \" to open the value of label " + ParseProblems.quoted(in, nameStart, nameEnd));
                return -1;
            }
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
            afterComma = false;
            if (p < lineEnd && in[p] == ',') {
                p++;
                afterComma = true;
            } else if (p == lineEnd || in[p] != '}') {
                problems.at(p, "expected , or } after the value of label " + labelName);
                return -1;
            }
        }
    }

    /** The metric name the block held as a quoted string, or null; meaningful after a successful {@link #read}. */
    String metricName() {
        return metricName;
    }

    /** Code points in the names and values read, for OpenMetrics's limit of 128 on an exemplar's labels. */
    int codePoints() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            n += names[i].codePointCount(0, names[i].length()) + values[i].codePointCount(0, values[i].length());
        }
        return n;
    }

    /**
     * Reads a quoted string outside a label block (a quoted name in {@code # HELP}, {@code # TYPE} or
     * {@code # UNIT}) from just after its opening quote, with the escapes of {@code openMetrics}'s format;
     * returns the index after the closing quote, and the text is {@link #quotedText()}, or -1 (with a problem).
     */
    int readQuoted(byte[] in, int p, int lineEnd, String what, boolean openMetrics) {
        this.openMetrics = openMetrics;
        return quoted(in, p, lineEnd, what);
    }

    /** The text of the last {@link #readQuoted}. */
    String quotedText() {
        return pendingValue;
    }

    private int labelValue(byte[] in, int p, int lineEnd, String labelName) {
        return quoted(in, p, lineEnd, "value of label " + labelName);
    }

    /**
     * Reads a quoted string from just after its opening quote; stores it in {@link #pendingValue} and
     * returns the index after the closing quote, or -1 (with a problem naming {@code what}).
     */
    private int quoted(byte[] in, int p, int lineEnd, String what) {
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
            problems.at(start - 1, what + " not closed (expected: \")");
            return -1;
        }
        int end = p;
        if (!escaped) {
            if (!ascii && !isUtf8(in, start, end)) {
                problems.at(start, what + " is not valid UTF-8");
                return -1;
            }
            pendingValue = end - start <= StringInterner.MAX_LENGTH && ascii ? strings.intern(in, start, end)
                    : new String(in, start, end - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
            return end + 1;
        }
        if (unescaped.length < 2 * (end - start)) {
            unescaped = new byte[Math.max(2 * (end - start), 2 * unescaped.length)];
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
                        if (!openMetrics) {
                            problems.at(i - 1, "escape \\" + ParseProblems.quotedChar(e) + " in the " + what
                                    + " (expected: \\\\, \\\" or \\n)");
                            return -1;
                        }
                        // OpenMetrics: any other escape stands for itself, backslash included.
                        unescaped[n++] = '\\';
                        unescaped[n++] = e;
                    }
                }
            } else {
                unescaped[n++] = b;
            }
        }
        if (!ascii && !isUtf8(unescaped, 0, n)) {
            problems.at(start, what + " is not valid UTF-8");
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
