package dev.concierge.courier.sources.prometheus;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parses the Prometheus text exposition 0.0.4 and OpenMetrics 1.0 (PROTOCOLS.md section 4) straight from
 * the bytes of a response, line by line, with a hand-written scanner: no regular expressions, no line
 * strings, no splitting. Names and short label values are interned in a small table that lives as long as
 * the parser, so a scrape of the same exporter reuses the strings of the previous one; and the parser keeps
 * the series it has read by the bytes of their name and label block, as Prometheus's scrape cache does, so
 * that a line of a series it knows, in the same family, costs the comparison of those bytes and the reading
 * of its value (which is never kept). What a line yields, problems included, is the same either way.
 *
 * <p>Not thread-safe: one instance per source, used on that source's collect thread.
 *
 * <p>What it accepts (the union of both formats unless stated, because exporters mix them up):
 * <ul>
 *   <li>{@code # HELP}, {@code # TYPE}, {@code # UNIT} (read past; a HELP text is not kept), {@code # EOF}
 *       (OpenMetrics only; required there). Other comments are ignored in 0.0.4 and reported in
 *       OpenMetrics, which forbids them.</li>
 *   <li>Types {@code counter gauge histogram gaugehistogram summary untyped unknown stateset info}; a
 *       sample with no TYPE before it starts an untyped family of its own name.</li>
 *   <li>Sample names are the family name plus the suffixes its type allows: counter {@code _total},
 *       {@code _created}; histogram {@code _bucket}, {@code _sum}, {@code _count}, {@code _created};
 *       gaugehistogram {@code _bucket}, {@code _gsum}, {@code _gcount}; summary {@code _sum},
 *       {@code _count}, {@code _created}; info {@code _info}.</li>
 *   <li>Labels with {@code \\}, {@code \"} and {@code \n} escapes; runs of spaces and tabs between
 *       tokens; a trailing comma in the label set. A label with an empty value is dropped: Prometheus
 *       treats it as absent, so {@code x{a=""}} and {@code x} are the same series.</li>
 *   <li>Values in Go float syntax plus {@code NaN}, {@code +Inf}, {@code -Inf}, {@code Inf} and
 *       {@code Infinity} in any case; Java-only forms ({@code 1.0d}, hex floats) are refused.</li>
 *   <li>Timestamps: 0.0.4 integer milliseconds, OpenMetrics float seconds, both exactly to the
 *       nanosecond; absent means the scrape time.</li>
 *   <li>OpenMetrics exemplars ({@code # {trace_id="a"} 0.5 1.7e9}) are checked and ignored.</li>
 * </ul>
 *
 * <p>What it reports: every line it cannot use (with line, column and reason) is skipped and the rest kept;
 * a line longer than the cap; a label value that is not UTF-8; duplicate label names; a {@code le} or
 * {@code quantile} that is not a number; a second TYPE for a family or a TYPE after its samples; in
 * OpenMetrics a missing {@code # EOF}, an unterminated last line (a truncated body) and anything after
 * {@code # EOF}. The parser never throws on input.
 */
public final class PrometheusTextParser {
    /** The default cap on one line: long enough for any real series, short enough to bound the work. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 64 * 1024;
    /** Problems kept in a result; later ones are only counted. */
    public static final int MAX_PROBLEMS_KEPT = 100;
    /**
     * Labels one series may carry. The formats set no limit; Prometheus has the per-scrape
     * {@code label_limit}. This bound keeps a hostile line from costing quadratic work.
     */
    public static final int MAX_LABELS = 256;

    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22};
    private static final long TWO_TO_53 = 1L << 53;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final int maxLineLength;
    private final boolean keepCreated;
    private final StringTable strings = new StringTable();
    private final LabelSetTable labelSets = new LabelSetTable();
    private final SeriesTable seriesTable = new SeriesTable();

    // Per line: the labels read so far (name, value), and a buffer for unescaping label values.
    private final String[] labelNames = new String[MAX_LABELS];
    private final String[] labelValues = new String[MAX_LABELS];
    private int labelCount;
    private byte[] unescaped = new byte[256];

    // Per parse: the input, and the problems found.
    private byte[] in;
    private int lineNumber;
    private int lineStart;
    private List<PrometheusParseProblem> problems;
    private int problemCount;

    // Per line: the hash of the series part that seriesEnd found. Per parse: the series of the last good line.
    private int seriesHash;
    private int previousSeries = -1;

    // Per number: what parseNumber read.
    private double number;
    private boolean numberIsLong;
    private long numberAsLong;

    /** A parser with the default line cap that leaves OpenMetrics {@code _created} samples out. */
    public PrometheusTextParser() {
        this(DEFAULT_MAX_LINE_LENGTH, false);
    }

    /**
     * @param maxLineLength the longest line accepted, in bytes; longer lines are reported and skipped
     * @param keepCreated   whether {@code _created} samples of counters, histograms and summaries become
     *                      samples (their value is a creation time in seconds, not a measurement)
     */
    public PrometheusTextParser(int maxLineLength, boolean keepCreated) {
        if (maxLineLength < 16) {
            throw new IllegalArgumentException("maxLineLength: " + maxLineLength + " (expected: >= 16)");
        }
        this.maxLineLength = maxLineLength;
        this.keepCreated = keepCreated;
    }

    /** Parses all of {@code body}; see {@link #parse(byte[], int, int, PrometheusFormat, Instant, String, String)}. */
    public PrometheusParseResult parse(byte[] body, PrometheusFormat format, Instant scrapeTime, String host,
                                       String source) {
        return parse(body, 0, body.length, format, scrapeTime, host, source);
    }

    /**
     * Parses one exposition.
     *
     * @param scrapeTime the timestamp of samples that carry none
     * @param host       stamped on every sample
     * @param source     stamped on every sample
     */
    public PrometheusParseResult parse(byte[] body, int offset, int length, PrometheusFormat format,
                                       Instant scrapeTime, String host, String source) {
        Objects.checkFromIndexSize(offset, length, body.length);
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(source, "source");
        boolean openMetrics = format == PrometheusFormat.OPENMETRICS_1_0;
        long defaultSecond = scrapeTime.getEpochSecond();
        int defaultNanos = scrapeTime.getNano();

        in = body;
        problems = new ArrayList<>();
        problemCount = 0;
        lineNumber = 0;
        List<Sample> samples = new ArrayList<>(Math.max(16, length / 64));
        List<String> families = new ArrayList<>(Math.max(16, length / 64));
        Map<String, Integer> typeLines = new HashMap<>();
        Family family = null;
        int skippedCreated = 0;
        boolean eof = false;
        int end = offset + length;
        int next = offset;
        try {
            while (next < end) {
                lineStart = next;
                lineNumber++;
                int newline = indexOfNewline(lineStart, end);
                boolean terminated = newline >= 0;
                int lineEnd = terminated ? newline : end;
                next = terminated ? newline + 1 : end;
                if (eof) {
                    problem("text after # EOF (expected: nothing)");
                    break;
                }
                if (lineEnd - lineStart > maxLineLength) {
                    problem("line of " + (lineEnd - lineStart) + " bytes (expected: at most " + maxLineLength + ")");
                    continue;
                }
                if (lineEnd > lineStart && in[lineEnd - 1] == '\r') {
                    if (openMetrics) {
                        problemAt(lineEnd - 1, "carriage return (expected: \\n line endings only)");
                        continue;
                    }
                    lineEnd--; // 0.0.4 parsers tolerate \r\n as trailing whitespace
                }
                int p = skipBlanks(lineStart, lineEnd);
                if (p == lineEnd) {
                    continue;
                }
                if (in[p] == '#') {
                    int wordStart = skipBlanks(p + 1, lineEnd);
                    int wordEnd = scanWord(wordStart, lineEnd);
                    Keyword keyword = Keyword.of(in, wordStart, wordEnd, openMetrics);
                    if (keyword == Keyword.EOF) {
                        if (skipBlanks(wordEnd, lineEnd) != lineEnd) {
                            problemAt(wordEnd, "text after # EOF on its line (expected: nothing)");
                        }
                        eof = true;
                        continue;
                    }
                    if (keyword == null) {
                        if (openMetrics) {
                            problemAt(p, "comment (expected: # HELP, # TYPE, # UNIT or # EOF)");
                        }
                        continue;
                    }
                    family = metadata(keyword, wordEnd, lineEnd, family, typeLines, openMetrics);
                    continue;
                }
                if (openMetrics && !terminated) {
                    problem("last line has no line end: the exposition is truncated (expected: # EOF)");
                    continue;
                }
                // An unchanged exporter writes its series in the same order every scrape: try the series
                // numbered after the previous line's before reading the name and hashing the line.
                int known = seriesTable.after(previousSeries);
                int nameEnd;
                int seriesEnd;
                if (known >= 0 && seriesTable.isAt(known, in, p, lineEnd)) {
                    nameEnd = p + seriesTable.name(known).length();
                    seriesEnd = p + seriesTable.keyLength(known);
                    seriesHash = seriesTable.hash(known);
                } else {
                    nameEnd = scanMetricName(p, lineEnd);
                    if (nameEnd == p) {
                        problemAt(p, "expected a metric name [a-zA-Z_:][a-zA-Z0-9_:]*");
                        continue;
                    }
                    seriesEnd = seriesEnd(p, nameEnd, lineEnd);
                    known = seriesEnd < 0 ? -1 : seriesTable.find(in, p, seriesEnd, seriesHash);
                }
                String name = known >= 0 ? seriesTable.name(known) : strings.intern(in, p, nameEnd);
                if (family == null
                        || !(known >= 0 && seriesTable.readIn(known, family)) && !family.kind.owns(family.name, name)) {
                    family = new Family(name, Kind.UNTYPED);
                }
                if (known >= 0 && !seriesTable.readIn(known, family)) {
                    known = -1; // the same series under another TYPE: read it again
                }
                Sample sample;
                if (known >= 0) {
                    previousSeries = known;
                    sample = knownSample(known, seriesEnd, lineEnd, family, openMetrics, defaultSecond, defaultNanos,
                            host, source);
                } else {
                    sample = sample(name, p, nameEnd, seriesEnd, lineEnd, family, openMetrics, defaultSecond,
                            defaultNanos, host, source);
                }
                if (sample == null) {
                    continue;
                }
                family.hasSamples = true;
                if (!keepCreated && family.kind.hasCreated && isSuffixed(name, family.name, "_created")) {
                    skippedCreated++;
                    continue;
                }
                samples.add(sample);
                families.add(family.name);
            }
            if (openMetrics && !eof) {
                problem("no # EOF line: the exposition may be truncated (expected: # EOF as the last line)");
            }
            labelSets.fit(samples.size());
            seriesTable.fit(samples.size());
            return new PrometheusParseResult(samples, families, problems, problemCount, skippedCreated);
        } finally {
            in = null;
            problems = null;
            previousSeries = -1;
        }
    }

    /** Series kept for the next scrape, for tests of the bound. */
    int cachedSeries() {
        return seriesTable.size();
    }

    /** Slots of the series table, for tests of the bound. */
    int cachedSeriesSlots() {
        return seriesTable.slots();
    }

    /** Bytes held for the series table's keys, for tests of the bound. */
    int cachedSeriesKeyBytes() {
        return seriesTable.keyBytes();
    }

    /** Handles # HELP, # TYPE and # UNIT; returns the family that following samples belong to. */
    private Family metadata(Keyword keyword, int afterKeyword, int lineEnd, Family current,
                            Map<String, Integer> typeLines, boolean openMetrics) {
        int nameStart = skipBlanks(afterKeyword, lineEnd);
        int nameEnd = scanMetricName(nameStart, lineEnd);
        if (nameEnd == nameStart || (nameEnd < lineEnd && !isBlank(in[nameEnd]))) {
            problemAt(nameStart, "# " + keyword.word + " without a metric name [a-zA-Z_:][a-zA-Z0-9_:]*");
            return current;
        }
        String name = strings.intern(in, nameStart, nameEnd);
        Family family = current != null && current.name.equals(name) ? current : null;
        if (keyword != Keyword.TYPE) {
            // HELP text and UNIT are not kept; they only open the family when they come first.
            return family != null ? family : new Family(name, Kind.UNTYPED);
        }
        int typeStart = skipBlanks(nameEnd, lineEnd);
        int typeEnd = scanWord(typeStart, lineEnd);
        Kind kind = Kind.of(in, typeStart, typeEnd);
        if (kind == null || skipBlanks(typeEnd, lineEnd) != lineEnd) {
            problemAt(typeStart, "# TYPE " + name + " " + quoted(typeStart, lineEnd)
                    + " (expected: counter, gauge, histogram, gaugehistogram, summary, untyped, unknown, stateset or info)");
            return current;
        }
        Integer firstLine = typeLines.putIfAbsent(name, lineNumber);
        if (firstLine != null) {
            problemAt(nameStart, "second # TYPE for " + name + " (expected: one, the first is on line "
                    + firstLine + ")");
            return current;
        }
        if (family != null && family.hasSamples) {
            problemAt(nameStart, "# TYPE for " + name + " after its samples (expected: before them)");
            return current;
        }
        return new Family(name, kind);
    }

    /**
     * Reads labels, value, timestamp and exemplar after the name; null (and a problem) when the line is bad.
     * The series of a good line joins the series table, so that the next scrape reads only its value.
     */
    private Sample sample(String name, int nameStart, int p, int seriesEnd, int lineEnd, Family family,
                          boolean openMetrics, long defaultSecond, int defaultNanos, String host, String source) {
        labelCount = 0;
        int brace = skipBlanks(p, lineEnd); // the Go parser allows blanks between name and labels
        if (brace < lineEnd && in[brace] == '{') {
            p = parseLabels(brace, lineEnd);
            if (p < 0) {
                return null;
            }
        }
        int labelsEnd = p;
        if (!value(name, p, lineEnd, openMetrics, defaultSecond, defaultNanos)) {
            return null;
        }
        Kind kind = family.kind;
        if (kind.buckets && isSuffixed(name, family.name, "_bucket")) {
            if (canonicalBound("le", lineEnd) == null) {
                return null;
            }
        } else if (kind == Kind.SUMMARY && name.length() == family.name.length()) {
            if (canonicalBound("quantile", lineEnd) == null) {
                return null;
            }
        }
        boolean countsOnly = kind.countsOnly(name, family.name);
        Labels labels = labelSets.labels(labelNames, labelValues, labelCount);
        // What the label block read (name, labels, errors) follows from its bytes alone, so the series is
        // only cached when those bytes are exactly the ones seriesEnd found.
        if (labelsEnd == seriesEnd) {
            int series = seriesTable.put(seriesHash, in, nameStart, seriesEnd, name, labels, family.name, kind,
                    countsOnly);
            if (series >= 0) {
                previousSeries = series;
            }
        }
        return new Sample(name, labels, kind.type, null, sampleValue(countsOnly), lineSecond, lineNanos, host, source);
    }

    /** A line of a series read before in the same family: only its value, timestamp and exemplar are read. */
    private Sample knownSample(int known, int seriesEnd, int lineEnd, Family family, boolean openMetrics,
                               long defaultSecond, int defaultNanos, String host, String source) {
        String name = seriesTable.name(known);
        if (!value(name, seriesEnd, lineEnd, openMetrics, defaultSecond, defaultNanos)) {
            return null;
        }
        return new Sample(name, seriesTable.labels(known), family.kind.type, null,
                sampleValue(seriesTable.countsOnly(known)), lineSecond, lineNanos, host, source);
    }

    // Per sample line: what value() read.
    private double lineValue;
    private boolean lineValueIsLong;
    private long lineValueAsLong;
    private long lineSecond;
    private int lineNanos;

    /**
     * Reads value, timestamp and exemplar from the end of the series part into the line fields; false (and a
     * problem) when the line is bad.
     */
    private boolean value(String name, int p, int lineEnd, boolean openMetrics, long defaultSecond, int defaultNanos) {
        int valueStart = skipBlanks(p, lineEnd);
        if (valueStart == p || valueStart == lineEnd) {
            problemAt(p, valueStart == lineEnd ? "no value after " + name + " (expected: a number)"
                    : "expected a space between " + name + " and its value");
            return false;
        }
        int valueEnd = scanWord(valueStart, lineEnd);
        if (!parseNumber(valueStart, valueEnd)) {
            problemAt(valueStart, "value " + quoted(valueStart, valueEnd) + " (expected: a number, NaN, +Inf or -Inf)");
            return false;
        }
        lineValue = number;
        lineValueIsLong = numberIsLong;
        lineValueAsLong = numberAsLong;

        lineSecond = defaultSecond;
        lineNanos = defaultNanos;
        boolean timestamped = false;
        p = skipBlanks(valueEnd, lineEnd);
        if (p < lineEnd && in[p] != '#') {
            int tsEnd = scanWord(p, lineEnd);
            if (openMetrics ? !parseSecondsTimestamp(p, tsEnd) : !parseMillisTimestamp(p, tsEnd)) {
                problemAt(p, "timestamp " + quoted(p, tsEnd) + (openMetrics
                        ? " (expected: seconds since the epoch, such as 1520879607.789)"
                        : " (expected: integer milliseconds since the epoch)"));
                return false;
            }
            lineSecond = parsedSecond;
            lineNanos = parsedNanos;
            timestamped = true;
            p = skipBlanks(tsEnd, lineEnd);
        }
        if (p < lineEnd) {
            if (!openMetrics || in[p] != '#' || !skipExemplar(p + 1, lineEnd)) {
                if (problemCount == 0 || lastProblemLine() != lineNumber) {
                    problemAt(p, "unexpected " + quoted(p, lineEnd) + " after the "
                            + (timestamped ? "timestamp" : "value")
                            + (openMetrics ? " (expected: end of line or an exemplar # {...} value)" : " (expected: end of line)"));
                }
                return false;
            }
        }
        return true;
    }

    private SampleValue sampleValue(boolean countsOnly) {
        if (countsOnly && Double.isFinite(lineValue)) {
            if (lineValueIsLong) {
                return SampleValue.of(lineValueAsLong);
            }
            if (lineValue == Math.rint(lineValue) && Math.abs(lineValue) < 0x1p63) {
                return SampleValue.of((long) lineValue);
            }
        }
        return SampleValue.of(lineValue);
    }

    /**
     * Checks that label {@code name} is present and numeric, and rewrites an integer bound in the canonical
     * form ({@code 1} becomes {@code 1.0}) so that one bucket has one key whatever format the exporter
     * chose: Go's 0.0.4 writes {@code le="1"}, OpenMetrics and the other clients {@code le="1.0"}, and
     * Prometheus 3 normalises the same way on ingestion.
     */
    private String canonicalBound(String name, int lineEnd) {
        for (int i = 0; i < labelCount; i++) {
            if (labelNames[i].equals(name)) {
                String text = labelValues[i];
                byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
                if (!parseNumber(bytes, 0, bytes.length) || Double.isNaN(number)) {
                    problem("label " + name + "=\"" + text + "\" (expected: a number or +Inf)");
                    return null;
                }
                if (numberIsLong) {
                    labelValues[i] = strings.intern(text + ".0");
                } else if (Double.isInfinite(number)) {
                    labelValues[i] = number > 0 ? "+Inf" : "-Inf";
                }
                return labelValues[i];
            }
        }
        problem("no " + name + " label (expected: one on every "
                + ("le".equals(name) ? "_bucket sample" : "summary quantile sample") + ")");
        return null;
    }

    /** Parses {@code {name="value",...}} starting at the brace; returns the index after it, or -1. */
    private int parseLabels(int p, int lineEnd) {
        p++;
        while (true) {
            p = skipBlanks(p, lineEnd);
            if (p == lineEnd) {
                problemAt(p, "label set not closed (expected: })");
                return -1;
            }
            if (in[p] == '}') {
                return p + 1;
            }
            int nameStart = p;
            int nameEnd = scanLabelName(p, lineEnd);
            if (nameEnd == nameStart) {
                problemAt(p, "expected a label name [a-zA-Z_][a-zA-Z0-9_]*, found " + quoted(p, Math.min(p + 1, lineEnd)));
                return -1;
            }
            p = skipBlanks(nameEnd, lineEnd);
            if (p == lineEnd || in[p] != '=') {
                problemAt(p, "expected = after label name " + quoted(nameStart, nameEnd));
                return -1;
            }
            p = skipBlanks(p + 1, lineEnd);
            if (p == lineEnd || in[p] != '"') {
                problemAt(p, "expected \" to open the value of label " + quoted(nameStart, nameEnd));
                return -1;
            }
            String labelName = strings.intern(in, nameStart, nameEnd);
            p = labelValue(p + 1, lineEnd, labelName);
            if (p < 0) {
                return -1;
            }
            if (labelName.equals("__name__")) {
                problemAt(nameStart, "label __name__ (expected: the name before the braces)");
                return -1;
            }
            for (int i = 0; i < labelCount; i++) {
                if (labelNames[i].equals(labelName)) {
                    problemAt(nameStart, "label " + labelName + " appears twice (expected: once)");
                    return -1;
                }
            }
            if (labelCount == MAX_LABELS) {
                problemAt(nameStart, "more than " + MAX_LABELS + " labels (expected: at most " + MAX_LABELS + ")");
                return -1;
            }
            if (!pendingValue.isEmpty()) { // an empty value is an absent label
                labelNames[labelCount] = labelName;
                labelValues[labelCount] = pendingValue;
                labelCount++;
            }
            p = skipBlanks(p, lineEnd);
            if (p < lineEnd && in[p] == ',') {
                p++;
            } else if (p == lineEnd || in[p] != '}') {
                problemAt(p, "expected , or } after the value of label " + labelName);
                return -1;
            }
        }
    }

    private String pendingValue;

    /**
     * Reads a quoted label value from just after its opening quote; stores it in {@link #pendingValue} and
     * returns the index after the closing quote, or -1 (with a problem).
     */
    private int labelValue(int p, int lineEnd, String labelName) {
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
            problemAt(start - 1, "value of label " + labelName + " not closed (expected: \")");
            return -1;
        }
        int end = p;
        if (!escaped) {
            if (!ascii && !isUtf8(in, start, end)) {
                problemAt(start, "value of label " + labelName + " is not valid UTF-8");
                return -1;
            }
            pendingValue = end - start <= StringTable.MAX_LENGTH && ascii ? strings.intern(in, start, end)
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
                        problemAt(i - 1, "escape \\" + quotedChar(e) + " in the value of label " + labelName
                                + " (expected: \\\\, \\\" or \\n)");
                        return -1;
                    }
                }
            } else {
                unescaped[n++] = b;
            }
        }
        if (!ascii && !isUtf8(unescaped, 0, n)) {
            problemAt(start, "value of label " + labelName + " is not valid UTF-8");
            return -1;
        }
        pendingValue = new String(unescaped, 0, n, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        return end + 1;
    }

    /** Skips an OpenMetrics exemplar from just after its {@code #}: {@code {labels} value [timestamp]}. */
    private boolean skipExemplar(int p, int lineEnd) {
        int saved = labelCount;
        String[] keptNames = labelCount == 0 ? null : Arrays.copyOf(labelNames, labelCount);
        String[] keptValues = labelCount == 0 ? null : Arrays.copyOf(labelValues, labelCount);
        try {
            int q = skipBlanks(p, lineEnd);
            if (q == p || q == lineEnd || in[q] != '{') {
                return false;
            }
            labelCount = 0;
            q = parseLabels(q, lineEnd);
            if (q < 0) {
                return false; // parseLabels reported what was wrong inside the exemplar
            }
            int valueStart = skipBlanks(q, lineEnd);
            int valueEnd = scanWord(valueStart, lineEnd);
            if (valueStart == q || !parseNumber(valueStart, valueEnd)) {
                return false;
            }
            int tsStart = skipBlanks(valueEnd, lineEnd);
            if (tsStart == lineEnd) {
                return true;
            }
            int tsEnd = scanWord(tsStart, lineEnd);
            return tsStart > valueEnd && parseSecondsTimestamp(tsStart, tsEnd) && skipBlanks(tsEnd, lineEnd) == lineEnd;
        } finally {
            labelCount = saved;
            if (saved > 0) {
                System.arraycopy(keptNames, 0, labelNames, 0, saved);
                System.arraycopy(keptValues, 0, labelValues, 0, saved);
            }
        }
    }

    private int lastProblemLine() {
        return problems.isEmpty() ? -1 : problems.get(problems.size() - 1).line();
    }

    // ---- numbers --------------------------------------------------------------------------------------

    private boolean parseNumber(int start, int end) {
        return parseNumber(in, start, end);
    }

    /**
     * Parses Go float syntax (what both formats allow) into {@link #number}; for a plain integer literal
     * that fits a long also {@link #numberIsLong}/{@link #numberAsLong}, so counts above 2^53 stay exact.
     */
    private boolean parseNumber(byte[] b, int start, int end) {
        numberIsLong = false;
        if (start >= end) {
            return false;
        }
        int p = start;
        boolean negative = false;
        if (b[p] == '+' || b[p] == '-') {
            negative = b[p] == '-';
            p++;
        }
        if (p < end && (b[p] | 0x20) >= 'a' && (b[p] | 0x20) <= 'z') {
            return parseSpecial(b, start, p, end, negative);
        }
        long mantissa = 0;
        int digits = 0;
        int significant = 0;
        int fractionDigits = 0;
        boolean point = false;
        boolean exponent = false;
        boolean exact = true;
        for (; p < end; p++) {
            byte c = b[p];
            if (c >= '0' && c <= '9') {
                digits++;
                if (mantissa == 0 && c == '0') {
                    if (point) {
                        fractionDigits++;
                    }
                    continue;
                }
                if (significant < 18) {
                    mantissa = mantissa * 10 + (c - '0');
                    significant++;
                    if (point) {
                        fractionDigits++;
                    }
                } else {
                    exact = false;
                    if (!point) {
                        // an integer digit beyond 18 significant ones: only the slow path is exact
                        fractionDigits--;
                    }
                }
            } else if (c == '.' && !point) {
                point = true;
            } else if ((c == 'e' || c == 'E') && digits > 0) {
                exponent = true;
                break;
            } else {
                return false;
            }
        }
        if (digits == 0) {
            return false;
        }
        int exponentValue = 0;
        if (exponent) {
            int q = p + 1;
            boolean negativeExponent = q < end && b[q] == '-';
            if (q < end && (b[q] == '+' || b[q] == '-')) {
                q++;
            }
            if (q == end) {
                return false;
            }
            for (; q < end; q++) {
                if (b[q] < '0' || b[q] > '9') {
                    return false;
                }
                if (exponentValue < 10_000) { // far outside the fast path already; no overflow
                    exponentValue = exponentValue * 10 + (b[q] - '0');
                }
            }
            if (negativeExponent) {
                exponentValue = -exponentValue;
            }
        }
        if (!point && !exponent && exact) {
            numberIsLong = true;
            numberAsLong = negative ? -mantissa : mantissa;
            number = numberAsLong;
            return true;
        }
        int scale = exponentValue - fractionDigits; // the number is mantissa * 10^scale
        if (exact && mantissa < TWO_TO_53 && scale > -POWERS_OF_TEN.length && scale < POWERS_OF_TEN.length) {
            // Both operands are exact doubles, so one IEEE multiplication or division rounds correctly
            // (Clinger's fast path). Go writes large and small floats with an exponent (1.445737e+06), which
            // was a fifth of the values of the node exporter and went through Double.parseDouble.
            double v = scale >= 0 ? mantissa * POWERS_OF_TEN[scale] : mantissa / POWERS_OF_TEN[-scale];
            number = negative ? -v : v;
            return true;
        }
        try {
            number = Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private boolean parseSpecial(byte[] b, int start, int p, int end, boolean negative) {
        boolean signed = p > start;
        if (!signed && equalsIgnoreCase(b, p, end, "nan")) {
            number = Double.NaN;
            return true;
        }
        if (equalsIgnoreCase(b, p, end, "inf") || equalsIgnoreCase(b, p, end, "infinity")) {
            number = negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            return true;
        }
        return false;
    }

    private long parsedSecond;
    private int parsedNanos;

    /** 0.0.4: an int64 count of milliseconds, possibly negative. */
    private boolean parseMillisTimestamp(int start, int end) {
        if (!parseNumber(start, end) || !numberIsLong) {
            return false;
        }
        parsedSecond = Math.floorDiv(numberAsLong, 1000L);
        parsedNanos = (int) Math.floorMod(numberAsLong, 1000L) * 1_000_000;
        return true;
    }

    /** OpenMetrics: seconds as a decimal number; converted without a double so nanoseconds stay exact. */
    private boolean parseSecondsTimestamp(int start, int end) {
        if (!parseNumber(start, end) || !Double.isFinite(number)) {
            return false;
        }
        if (numberIsLong) {
            parsedSecond = numberAsLong;
            parsedNanos = 0;
            return true;
        }
        try {
            BigDecimal seconds = new BigDecimal(new String(in, start, end - start, StandardCharsets.ISO_8859_1));
            BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
            parsedSecond = whole.longValueExact();
            parsedNanos = seconds.subtract(whole).movePointRight(9).setScale(0, RoundingMode.DOWN).intValueExact();
            return true;
        } catch (ArithmeticException | NumberFormatException e) {
            return false;
        }
    }

    // ---- scanning -------------------------------------------------------------------------------------

    /**
     * The first {@code \n} in {@code in[from, end)}, or -1. Eight bytes at a time: a byte-by-byte loop with an
     * early exit is not vectorised by the JIT, and finding line ends was a fifth of a known line's time.
     */
    private int indexOfNewline(int from, int end) {
        int i = from;
        for (; i <= end - Long.BYTES; i += Long.BYTES) {
            long x = (long) LONGS.get(in, i) ^ 0x0A0A0A0A0A0A0A0AL; // a newline becomes a zero byte
            // The lowest set bit marks the first zero byte (a borrow can only mark bytes after it).
            long zeros = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (zeros != 0) {
                return i + (Long.numberOfTrailingZeros(zeros) >>> 3);
            }
        }
        for (; i < end; i++) {
            if (in[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The end of a sample line's series part, its name and label block, given the name's end: the index after
     * the closing brace, or the name's end when no brace follows; -1 when the block is not closed. Reads
     * quotes and backslashes as {@link #labelValue} does, so that for a label block that parses the end is
     * the same. Leaves the part's hash in {@link #seriesHash}.
     */
    private int seriesEnd(int start, int nameEnd, int lineEnd) {
        int end = nameEnd;
        int p = skipBlanks(nameEnd, lineEnd);
        if (p < lineEnd && in[p] == '{') {
            boolean quoted = false;
            for (p++; p < lineEnd; p++) {
                byte b = in[p];
                if (quoted) {
                    if (b == '\\') {
                        p++;
                    } else if (b == '"') {
                        quoted = false;
                    }
                } else if (b == '"') {
                    quoted = true;
                } else if (b == '}') {
                    break;
                }
            }
            if (p >= lineEnd) {
                return -1;
            }
            end = p + 1;
        }
        seriesHash = hash(in, start, end);
        return end;
    }

    /**
     * A hash of {@code b[start, end)} eight bytes at a time: one multiply per word instead of one per byte,
     * whose chain of multiplies was a third of a known line's time (and of interning a family name).
     */
    private static int hash(byte[] b, int start, int end) {
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
        // keep the top half, which every input bit reaches (the string table uses the low bits).
        h ^= h >>> 32;
        return (int) ((h * 0x9E3779B97F4A7C15L) >>> 32);
    }

    private static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    private int skipBlanks(int p, int end) {
        while (p < end && isBlank(in[p])) {
            p++;
        }
        return p;
    }

    private int scanWord(int p, int end) {
        while (p < end && !isBlank(in[p])) {
            p++;
        }
        return p;
    }

    private int scanMetricName(int p, int end) {
        int start = p;
        while (p < end) {
            byte b = in[p];
            boolean letter = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b == ':';
            if (!letter && !(p > start && b >= '0' && b <= '9')) {
                break;
            }
            p++;
        }
        return p;
    }

    /** A byte that may continue a metric name. */
    private static boolean isNameByte(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b == ':' || (b >= '0' && b <= '9');
    }

    private int scanLabelName(int p, int end) {
        int start = p;
        while (p < end) {
            byte b = in[p];
            boolean letter = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_';
            if (!letter && !(p > start && b >= '0' && b <= '9')) {
                break;
            }
            p++;
        }
        return p;
    }

    private static boolean isSuffixed(String name, String family, String suffix) {
        return name.length() == family.length() + suffix.length() && name.startsWith(family)
                && name.endsWith(suffix);
    }

    private static boolean equalsIgnoreCase(byte[] b, int start, int end, String lowerCase) {
        if (end - start != lowerCase.length()) {
            return false;
        }
        for (int i = 0; i < lowerCase.length(); i++) {
            if ((b[start + i] | 0x20) != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
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

    // ---- problems -------------------------------------------------------------------------------------

    /** A problem of the whole line (column 0). */
    private void problem(String reason) {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS_KEPT) {
            problems.add(new PrometheusParseProblem(lineNumber, 0, reason));
        }
    }

    /** A problem at index {@code p} of the input. */
    private void problemAt(int p, String reason) {
        problemCount++;
        if (problems.size() < MAX_PROBLEMS_KEPT) {
            problems.add(new PrometheusParseProblem(lineNumber, p - lineStart + 1, reason));
        }
    }

    /** At most 40 characters of the input, quoted, for a problem message; never more than the line. */
    private String quoted(int start, int end) {
        int shown = Math.min(end, start + 40);
        String text = new String(in, start, shown - start, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(text.length() + 8).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '\uFFFD') {
                sb.append(c == '\uFFFD' ? "\\ufffd" : String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(shown < end ? "...\"" : "\"").toString();
    }

    private static String quotedChar(byte b) {
        return b >= 0x21 && b < 0x7F ? String.valueOf((char) b) : String.format("x%02x", b & 0xFF);
    }

    // ---- families -------------------------------------------------------------------------------------

    /** The family the following samples belong to. */
    private static final class Family {
        final String name;
        final Kind kind;
        boolean hasSamples;

        Family(String name, Kind kind) {
            this.name = name;
            this.kind = kind;
        }
    }

    private enum Keyword {
        HELP("HELP"), TYPE("TYPE"), UNIT("UNIT"), EOF("EOF");

        private static final Keyword[] ALL = values(); // values() copies its array on every call

        final String word;

        Keyword(String word) {
            this.word = word;
        }

        static Keyword of(byte[] b, int start, int end, boolean openMetrics) {
            for (Keyword k : ALL) {
                if (matches(b, start, end, k.word)) {
                    return (k == UNIT || k == EOF) && !openMetrics ? null : k;
                }
            }
            return null;
        }
    }

    /** A TYPE, with the sample-name suffixes it owns and how its samples map to the model. */
    private enum Kind {
        COUNTER("counter", MetricType.COUNTER, true, false, "", "_total", "_created"),
        GAUGE("gauge", MetricType.GAUGE, false, false, ""),
        HISTOGRAM("histogram", MetricType.HISTOGRAM, true, true, "_bucket", "_sum", "_count", "_created"),
        GAUGEHISTOGRAM("gaugehistogram", MetricType.HISTOGRAM, false, true, "_bucket", "_gsum", "_gcount"),
        SUMMARY("summary", MetricType.SUMMARY, true, false, "", "_sum", "_count", "_created"),
        UNTYPED("untyped", MetricType.UNTYPED, false, false, ""),
        UNKNOWN("unknown", MetricType.UNTYPED, false, false, ""),
        STATESET("stateset", MetricType.GAUGE, false, false, ""),
        INFO("info", MetricType.GAUGE, false, false, "", "_info");

        private static final Kind[] ALL = values(); // values() copies its array on every call

        final String word;
        final MetricType type;
        final boolean hasCreated;
        final boolean buckets;
        final String[] suffixes;

        Kind(String word, MetricType type, boolean hasCreated, boolean buckets, String... suffixes) {
            this.word = word;
            this.type = type;
            this.hasCreated = hasCreated;
            this.buckets = buckets;
            this.suffixes = suffixes;
        }

        static Kind of(byte[] b, int start, int end) {
            for (Kind k : ALL) {
                if (matches(b, start, end, k.word)) {
                    return k;
                }
            }
            return null;
        }

        boolean owns(String family, String sampleName) {
            if (!sampleName.startsWith(family)) {
                return false;
            }
            for (String suffix : suffixes) {
                if (sampleName.length() == family.length() + suffix.length() && sampleName.endsWith(suffix)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Whether the sample is a count by definition (bucket counts, observation counts, info and stateset
         * values): those become {@link SampleValue.Integer} when integral. Everything else stays a
         * {@link SampleValue.Decimal}, Prometheus's float64, so one series never changes value type
         * between scrapes (a counter of seconds is {@code 0} one scrape and {@code 0.25} the next).
         */
        boolean countsOnly(String name, String family) {
            return switch (this) {
                case HISTOGRAM, GAUGEHISTOGRAM -> isSuffixed(name, family, "_bucket") || isSuffixed(name, family, "_count")
                        || isSuffixed(name, family, "_gcount");
                case SUMMARY -> isSuffixed(name, family, "_count");
                case INFO, STATESET -> true;
                default -> false;
            };
        }
    }

    private static boolean matches(byte[] b, int start, int end, String word) {
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

    /**
     * Label sets already built, so that a series keeps one {@link Labels} across scrapes: samples of an
     * unchanged exporter then cost no label array, and the samples of one series that the ring and the
     * backlogs hold share one set. Direct-mapped by the set's hash (a miss builds a new set and takes the
     * slot), with about twice as many slots as the last exposition had samples, up to a bound.
     */
    private static final class LabelSetTable {
        private static final int MIN_SLOTS = 1024;
        private static final int MAX_SLOTS = 1 << 17; // 512 KiB of references at most
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

    /**
     * Series already read, as Prometheus's scrape cache keeps them: by the bytes of a sample line's series
     * part (name and label block, as on the line), with what those bytes read as (name, {@link Labels}) and
     * the family they were read in, which decides the sample's type and value kind and whether its {@code le}
     * or {@code quantile} was checked. Nothing of a value is kept.
     *
     * <p>Series are numbered in the order they are first read, and kept in arrays by number with their keys
     * one after the other in one byte array: an unchanged exporter writes its series in the same order every
     * scrape, so the next line's series is usually the next number, checked with one comparison of bytes
     * that sit next to the previous ones in memory; other lines are found by a hash of their bytes, in an
     * open-addressing table with linear probing (a direct-mapped one would lose every series that shares a
     * slot, on every scrape). The table grows while an exposition fills it, up to a bound, and is forgotten
     * when full at the bound, when its keys pass their byte budget, or when it holds more than twice the
     * series of the last exposition (an exporter whose series change).
     */
    private static final class SeriesTable {
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
        private Kind[] kinds;
        private boolean[] countsOnly;
        private byte[] keys = new byte[16 * 1024];
        private int count;

        SeriesTable() {
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
            if (q < lineEnd && isNameByte(in[q])) {
                return false;
            }
            while (q < lineEnd && isBlank(in[q])) {
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

        /** Whether {@code family} is the one series {@code i} was read in, so what was derived from it holds. */
        boolean readIn(int i, Family family) {
            return family.kind == kinds[i] && (family.name == familyNames[i] || family.name.equals(familyNames[i]));
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
        int put(int hash, byte[] b, int start, int end, String name, Labels set, String familyName, Kind kind,
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
            kinds[i] = kind;
            countsOnly[i] = counts;
            return i;
        }

        /** Called after each exposition of {@code samples} samples. */
        void fit(int samples) {
            if (count > 2 * Math.max(samples, MIN_SLOTS / 2)) {
                reset(Math.min(MAX_SLOTS, Math.max(MIN_SLOTS, Integer.highestOneBit(Math.max(1, samples)) << 2)));
            }
        }

        int size() {
            return count;
        }

        int slots() {
            return slots.length;
        }

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
            kinds = Arrays.copyOf(kinds, capacity);
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
            kinds = new Kind[capacity];
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

    /**
     * Interns short ASCII strings by their bytes: a direct-mapped table, so a hit costs one hash and one
     * comparison, a miss one String, and the table never grows.
     */
    private static final class StringTable {
        static final int MAX_LENGTH = 64;
        private static final int SIZE = 4096;
        private final String[] table = new String[SIZE];
        // Each slot's string as bytes, compared with one vectorised Arrays.equals rather than char by char.
        private final byte[][] keys = new byte[SIZE][];

        String intern(byte[] b, int start, int end) {
            int length = end - start;
            if (length > MAX_LENGTH) {
                return new String(b, start, length, StandardCharsets.ISO_8859_1);
            }
            int h = hash(b, start, end);
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

        String intern(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
            return intern(bytes, 0, bytes.length);
        }
    }
}
