package dev.concierge.courier.sources.prometheus;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.NameSyntax;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
 * <p>This class holds the grammar of a line and of families; the parts it is built from can be tested and
 * measured alone: {@link PrometheusLineScanner} finds tokens in the bytes, {@link LabelBlockReader} reads a
 * label block, {@link GoFloatParser} reads values into a {@link ParsedNumber} and {@link SampleTimestamp}
 * reads timestamps, {@link ParseProblems} collects what is wrong, and {@link StringInterner},
 * {@link LabelSetCache} and {@link SeriesCache} keep what a scrape can reuse from the previous one.
 *
 * <p>What it accepts (the union of both formats unless stated, because exporters mix them up):
 * <ul>
 *   <li>{@code # HELP}, {@code # TYPE}, {@code # UNIT} (read past; a HELP text is not kept), {@code # EOF}
 *       (OpenMetrics only; required there). Other comments are ignored in 0.0.4 and reported in
 *       OpenMetrics, which forbids them.</li>
 *   <li>Types {@code counter gauge histogram gaugehistogram summary untyped unknown stateset info}; in
 *       0.0.4 in any case and with Go's {@code gauge_histogram} too, as Go's parser reads them; a sample
 *       with no TYPE before it starts an untyped family of its own name.</li>
 *   <li>Sample names are the family name plus the suffixes its type allows: counter {@code _total},
 *       {@code _created}; histogram {@code _bucket}, {@code _sum}, {@code _count}, {@code _created};
 *       gaugehistogram {@code _bucket}, {@code _gsum}, {@code _gcount} (and in 0.0.4 {@code _sum},
 *       {@code _count}); summary {@code _sum}, {@code _count}, {@code _created}; info {@code _info}. In
 *       0.0.4 a sample that the current family does not own joins an earlier typed family that owns it,
 *       so a summary or histogram interleaved with another family stays one family, as in Go's parser.</li>
 *   <li>Names legacy or quoted UTF-8 (Prometheus 3): {@code {"my.metric","a.b"="x"}}, the metric name
 *       as a quoted string anywhere in the braces, once; quoted names in metadata and exemplars.</li>
 *   <li>Labels with {@code \\}, {@code \"} and {@code \n} escapes (in OpenMetrics any other escape is
 *       kept as written); in 0.0.4 runs of spaces and tabs between tokens, a trailing comma in the label
 *       set and a value right after the closing brace. A label with an empty value is dropped:
 *       Prometheus treats it as absent, so {@code x{a=""}} and {@code x} are the same series.</li>
 *   <li>Values in Go float syntax plus {@code NaN}, {@code +Inf}, {@code -Inf}, {@code Inf} and
 *       {@code Infinity} in any case; underscores, hex floats and Java's {@code 1.0d} are refused, as
 *       Prometheus refuses them ({@link GoFloatParser} states the grammar).</li>
 *   <li>Timestamps: 0.0.4 integer milliseconds, OpenMetrics float seconds, both exactly to the
 *       nanosecond; absent means the scrape time.</li>
 *   <li>OpenMetrics exemplars ({@code # {trace_id="a"} 0.5 1.7e9}) are checked and ignored.</li>
 *   <li>OpenMetrics {@code _created} samples become {@link SeriesStart}s unless told to keep them.</li>
 * </ul>
 *
 * <p>What it reports: every line it cannot use (with line, column and reason) is skipped and the rest kept;
 * a line longer than the cap; a label value that is not UTF-8; duplicate label names; a {@code le} or
 * {@code quantile} that is not a number; a second TYPE for a family or a TYPE after its samples. In
 * OpenMetrics also what its ABNF and reference parser refuse: a missing {@code # EOF}, an unterminated last
 * line (a truncated body), anything after {@code # EOF}, blank lines, blanks other than one space between
 * tokens, a trailing comma, metadata repeated or after the samples, a unit the name does not end with,
 * clashing names, and what {@link OpenMetricsFamilyRules} checks. The parser never throws on input.
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
    /** OpenMetrics 1.0: an exemplar's label names and values together hold at most 128 UTF-8 characters. */
    static final int MAX_EXEMPLAR_LABEL_CODE_POINTS = 128;
    /** Typed family names remembered across scrapes (for interleaved 0.0.4 families) before starting again. */
    private static final int MAX_TYPED_FAMILIES_KEPT = 16_384;

    private final int maxLineLength;
    private final boolean keepCreated;
    private final StringInterner strings = new StringInterner();
    private final LabelSetCache labelSets = new LabelSetCache();
    private final SeriesCache seriesCache = new SeriesCache();
    private final ParseProblems problems = new ParseProblems();
    // The labels of a sample line, and of its exemplar, which must not disturb them.
    private final LabelBlockReader labels = new LabelBlockReader(strings, problems);
    private final LabelBlockReader exemplarLabels = new LabelBlockReader(strings, problems);

    // Per sample line: what readValue read. The scratch number and timestamp are for bounds and exemplars.
    private final ParsedNumber lineValue = new ParsedNumber();
    private final SampleTimestamp lineTimestamp = new SampleTimestamp();
    private long lineSecond;
    private int lineNanos;
    private final ParsedNumber scratchNumber = new ParsedNumber();
    private final SampleTimestamp scratchTimestamp = new SampleTimestamp();

    // Per sample line, for the OpenMetrics rules and _created: the value's place, and what followed it.
    private int lineValueStart;
    private int lineValueEnd;
    private boolean lineTimestamped;
    private boolean lineExemplar;
    private final OpenMetricsFamilyRules rules = new OpenMetricsFamilyRules(problems);

    // Per parse: the input and its format, the line being read, and the series of the last good line; text
    // 0.0.4's typed families by name (interleaved lines), OpenMetrics's names taken by families so far.
    private byte[] in;
    private boolean openMetrics;
    private final Map<String, TypedFamily> typedFamilies = new HashMap<>();
    private int parseNumber;
    private final Set<String> claimedNames = new HashSet<>();
    private int lineNumber;
    private int previousSeries = -1;

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
        return parse(body, offset, length, format, scrapeTime, host, source, Integer.MAX_VALUE);
    }

    /**
     * Parses one exposition, stopping at the first sample past {@code sampleLimit}: the result then says it is
     * {@link PrometheusParseResult#overSampleLimit() over the limit} and holds the first {@code sampleLimit}
     * samples only, and nothing more was allocated for the rest of the body.
     *
     * @param scrapeTime  the timestamp of samples that carry none
     * @param host        stamped on every sample
     * @param source      stamped on every sample
     * @param sampleLimit the most samples to read, at least 1
     */
    public PrometheusParseResult parse(byte[] body, int offset, int length, PrometheusFormat format,
                                       Instant scrapeTime, String host, String source, int sampleLimit) {
        Objects.checkFromIndexSize(offset, length, body.length);
        if (sampleLimit < 1) {
            throw new IllegalArgumentException("sampleLimit: " + sampleLimit + " (expected: >= 1)");
        }
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(source, "source");
        boolean openMetrics = format == PrometheusFormat.OPENMETRICS_1_0;
        long defaultSecond = scrapeTime.getEpochSecond();
        int defaultNanos = scrapeTime.getNano();

        in = body;
        this.openMetrics = openMetrics;
        parseNumber++;
        problems.begin();
        lineNumber = 0;
        // Sized for the body's lines, but never beyond the limit: a huge body must not cost its size up front.
        int expected = Math.max(16, Math.min(sampleLimit, length / 64));
        List<Sample> samples = new ArrayList<>(expected);
        List<String> families = new ArrayList<>(expected);
        List<SeriesStart> starts = null; // most expositions have none: no list for them
        boolean overLimit = false;
        Map<String, Integer> typeLines = new HashMap<>();
        Family family = null;
        int skippedCreated = 0;
        boolean eof = false;
        int end = offset + length;
        int next = offset;
        try {
            while (next < end) {
                int lineStart = next;
                lineNumber++;
                problems.onLine(lineNumber, lineStart);
                int newline = PrometheusLineScanner.indexOfNewline(in, lineStart, end);
                boolean terminated = newline >= 0;
                int lineEnd = terminated ? newline : end;
                next = terminated ? newline + 1 : end;
                if (eof) {
                    problems.ofLine("text after # EOF (expected: nothing)");
                    break;
                }
                if (lineEnd - lineStart > maxLineLength) {
                    problems.ofLine("line of " + (lineEnd - lineStart) + " bytes (expected: at most " + maxLineLength + ")");
                    continue;
                }
                if (lineEnd > lineStart && in[lineEnd - 1] == '\r') {
                    if (openMetrics) {
                        problems.at(lineEnd - 1, "carriage return (expected: \\n line endings only)");
                        continue;
                    }
                    lineEnd--; // 0.0.4 parsers tolerate \r\n as trailing whitespace
                }
                int p = PrometheusLineScanner.skipBlanks(in, lineStart, lineEnd);
                if (p == lineEnd) {
                    if (openMetrics) {
                        problems.ofLine("empty line (expected: none in OpenMetrics)");
                    }
                    continue;
                }
                if (openMetrics && p != lineStart) {
                    problems.at(lineStart, "blank at the start of the line (expected: none in OpenMetrics)");
                    continue;
                }
                if (in[p] == '#') {
                    int wordStart = PrometheusLineScanner.skipBlanks(in, p + 1, lineEnd);
                    int wordEnd = PrometheusLineScanner.scanWord(in, wordStart, lineEnd);
                    // OpenMetrics metadata is "# " and the keyword, one space exactly; anything else is a comment.
                    Keyword keyword = openMetrics && wordStart != p + 2 ? null : Keyword.of(in, wordStart, wordEnd, openMetrics);
                    if (keyword == Keyword.EOF) {
                        if (openMetrics ? wordEnd != lineEnd : PrometheusLineScanner.skipBlanks(in, wordEnd, lineEnd) != lineEnd) {
                            problems.at(wordEnd, "text after # EOF on its line (expected: nothing)");
                        }
                        eof = true;
                        continue;
                    }
                    if (keyword == null) {
                        if (openMetrics) {
                            problems.at(p, "comment (expected: # HELP, # TYPE, # UNIT or # EOF)");
                        }
                        continue;
                    }
                    family = metadata(keyword, wordEnd, lineEnd, family, typeLines);
                    continue;
                }
                if (openMetrics && !terminated) {
                    problems.ofLine("last line has no line end: the exposition is truncated (expected: # EOF)");
                    continue;
                }
                // An unchanged exporter writes its series in the same order every scrape: try the series
                // numbered after the previous line's before reading the name and hashing the line.
                int known = seriesCache.after(previousSeries);
                int nameEnd;
                int seriesEnd;
                int seriesHash = 0;
                String name;
                boolean nameInBraces = false;
                if (known >= 0 && seriesCache.isAt(known, in, p, lineEnd)) {
                    nameEnd = p + seriesCache.name(known).length();
                    seriesEnd = p + seriesCache.keyLength(known);
                    seriesHash = seriesCache.hash(known);
                    name = seriesCache.name(known);
                } else if (in[p] == '{') {
                    // Prometheus 3: {"my.metric", ...}, the quoted name inside the braces. Never cached: the
                    // cache finds a name's end by its length, which is not its length in bytes here.
                    known = -1;
                    labels.clear();
                    seriesEnd = labels.read(in, p, lineEnd, openMetrics, true);
                    if (seriesEnd < 0) {
                        continue;
                    }
                    if (labels.metricName() == null) {
                        problems.at(p, "labels without a metric name (expected: a name before the braces or a quoted one in them)");
                        continue;
                    }
                    name = strings.intern(labels.metricName());
                    nameEnd = p;
                    nameInBraces = true;
                } else {
                    nameEnd = PrometheusLineScanner.scanMetricName(in, p, lineEnd);
                    if (nameEnd == p) {
                        problems.at(p, "expected a metric name [a-zA-Z_:][a-zA-Z0-9_:]*");
                        continue;
                    }
                    seriesEnd = PrometheusLineScanner.seriesEnd(in, nameEnd, lineEnd);
                    known = -1;
                    if (seriesEnd >= 0) {
                        seriesHash = PrometheusLineScanner.hash(in, p, seriesEnd);
                        known = seriesCache.find(in, p, seriesEnd, seriesHash);
                    }
                    name = known >= 0 ? seriesCache.name(known) : strings.intern(in, p, nameEnd);
                }
                if (family == null || !(known >= 0 && seriesCache.readIn(known, family.name, family.type))
                        && !family.type.owns(family.name, name)) {
                    family = familyOf(name);
                    if (family == null) {
                        continue; // an OpenMetrics name clash, reported
                    }
                }
                if (known >= 0 && !seriesCache.readIn(known, family.name, family.type)) {
                    known = -1; // the same series under another TYPE: read it again
                }
                Sample sample;
                if (known >= 0) {
                    previousSeries = known;
                    sample = knownSample(known, seriesEnd, lineEnd, family, defaultSecond, defaultNanos, host, source);
                } else {
                    sample = sample(name, p, nameEnd, seriesEnd, seriesHash, lineEnd, family, nameInBraces,
                            defaultSecond, defaultNanos, host, source);
                }
                if (sample == null) {
                    continue;
                }
                if (openMetrics) {
                    OpenMetricsFamilyRules.Verdict verdict = rules.check(name, sample.labels(), lineValue.value(),
                            lineTimestamped, lineSecond, lineNanos, lineExemplar, lineValueStart, lineNumber);
                    if (verdict != OpenMetricsFamilyRules.Verdict.KEEP) {
                        continue; // invalid (reported), or the same series at the same time again (dropped)
                    }
                }
                family.hasSamples = true;
                if (family.type.hasCreated && FamilyType.isSuffixed(name, family.name, "_created")) {
                    if (!keepCreated) {
                        if (starts == null) {
                            starts = new ArrayList<>();
                        }
                        starts.add(start(family.name, sample, samples.size()));
                        skippedCreated++;
                        continue;
                    }
                }
                if (samples.size() == sampleLimit) {
                    overLimit = true;
                    break;
                }
                samples.add(sample);
                families.add(family.name);
            }
            if (overLimit) {
                // The series cache keeps what the next scrape of a sane exposition reuses, not this one's flood.
                seriesCache.fit(0);
                return new PrometheusParseResult(samples, families, problems.kept(), problems.count(), skippedCreated,
                        true, starts == null ? List.of() : starts);
            }
            if (openMetrics) {
                rules.finish();
                if (!eof) {
                    // Of the last line read; of line 1 in an empty body, so that every problem has a line.
                    problems.atLine(Math.max(1, lineNumber),
                            "no # EOF line: the exposition may be truncated (expected: # EOF as the last line)");
                }
            }
            labelSets.fit(samples.size());
            seriesCache.fit(samples.size());
            return new PrometheusParseResult(samples, families, problems.kept(), problems.count(), skippedCreated,
                    false, starts == null ? List.of() : starts);
        } finally {
            in = null;
            rules.finish();
            problems.end();
            previousSeries = -1;
            if (typedFamilies.size() > MAX_TYPED_FAMILIES_KEPT) {
                typedFamilies.clear(); // names that came and went: start again rather than grow
            }
            claimedNames.clear();
        }
    }

    /**
     * The family of a sample that the current family does not own. Text 0.0.4: a family whose TYPE came
     * before and that owns the name, because Go's parser and Prometheus read a summary or histogram whose
     * lines are interleaved with another family's as one family; else a new untyped family. OpenMetrics,
     * which forbids interleaving: a new unknown family, or null (and a problem) when the name is taken.
     */
    private Family familyOf(String name) {
        if (openMetrics) {
            return openFamily(name, FamilyType.UNKNOWN);
        }
        Family typed = typedFamily(name);
        if (typed != null && typed.type.owns(typed.name, name)) {
            return typed;
        }
        int underscore = name.lastIndexOf('_');
        if (underscore > 0) {
            typed = typedFamily(name.substring(0, underscore));
            if (typed != null && typed.type.owns(typed.name, name)) {
                return typed;
            }
        }
        return new Family(name, FamilyType.UNTYPED);
    }

    /** The family that a TYPE line of this parse named {@code name}, or null. */
    private Family typedFamily(String name) {
        TypedFamily entry = typedFamilies.get(name);
        return entry != null && entry.parse == parseNumber ? entry.family : null;
    }

    /**
     * A new family; in OpenMetrics first claims its name and the names of its samples, null (and a problem)
     * when another family has one of them ({@code # TYPE a_created gauge} then {@code # TYPE a counter}).
     */
    private Family openFamily(String name, FamilyType type) {
        if (openMetrics) {
            if (!claim(name, type, true)) {
                return null;
            }
            rules.begin(name, type);
        }
        return new Family(name, type);
    }

    private boolean claim(String name, FamilyType type, boolean withName) {
        if (withName && claimedNames.contains(name)) {
            problems.ofLine("family " + name + " again, or a name another family's samples use (expected: "
                    + "a family's lines together, and unique names)");
            return false;
        }
        for (String suffix : type.suffixes) {
            if (!suffix.isEmpty() && claimedNames.contains(name + suffix)) {
                problems.ofLine("family " + name + " of type " + type.word + " would have samples named "
                        + name + suffix + ", which is another family's name (expected: unique names)");
                return false;
            }
        }
        claimedNames.add(name);
        for (String suffix : type.suffixes) {
            claimedNames.add(name + suffix);
        }
        return true;
    }

    /** The start time that a {@code _created} sample gives its series, exact when its value is written so. */
    private SeriesStart start(String familyName, Sample created, int sampleIndex) {
        double seconds = lineValue.value();
        long second = 0;
        int nanos = 0;
        if (scratchTimestamp.readSeconds(in, lineValueStart, lineValueEnd)) {
            second = scratchTimestamp.second();
            nanos = scratchTimestamp.nanos();
        } else if (Double.isFinite(seconds)) {
            second = (long) Math.floor(seconds);
        }
        return new SeriesStart(familyName, created.labels(), second, nanos, seconds, sampleIndex);
    }

    /** Series kept for the next scrape, for tests of the bound. */
    int cachedSeries() {
        return seriesCache.size();
    }

    /** Slots of the series table, for tests of the bound. */
    int cachedSeriesSlots() {
        return seriesCache.slots();
    }

    /** Bytes held for the series table's keys, for tests of the bound. */
    int cachedSeriesKeyBytes() {
        return seriesCache.keyBytes();
    }

    /** Handles # HELP, # TYPE and # UNIT; returns the family that following samples belong to. */
    private Family metadata(Keyword keyword, int afterKeyword, int lineEnd, Family current,
                            Map<String, Integer> typeLines) {
        int nameStart = PrometheusLineScanner.skipBlanks(in, afterKeyword, lineEnd);
        if (openMetrics && nameStart != afterKeyword + 1) {
            problems.at(afterKeyword, "# " + keyword.word + " without a metric name after one space");
            return current;
        }
        int nameEnd;
        String name;
        if (nameStart < lineEnd && in[nameStart] == '"') {
            nameEnd = labels.readQuoted(in, nameStart + 1, lineEnd, "quoted metric name", openMetrics);
            if (nameEnd < 0) {
                return current;
            }
            name = strings.intern(labels.quotedText());
            if (name.isEmpty()) {
                problems.at(nameStart, "# " + keyword.word + " with an empty metric name");
                return current;
            }
        } else {
            nameEnd = PrometheusLineScanner.scanMetricName(in, nameStart, lineEnd);
            if (nameEnd == nameStart) {
                problems.at(nameStart, "# " + keyword.word + " without a metric name [a-zA-Z_:][a-zA-Z0-9_:]* or \"quoted\"");
                return current;
            }
            name = strings.intern(in, nameStart, nameEnd);
        }
        if (nameEnd < lineEnd && !PrometheusLineScanner.isBlank(in[nameEnd])) {
            problems.at(nameEnd, "# " + keyword.word + " " + name + " followed by " + ParseProblems.quoted(in, nameEnd, lineEnd)
                    + " (expected: a blank)");
            return current;
        }
        if (openMetrics && (nameEnd == lineEnd || in[nameEnd] != ' ')) {
            problems.at(nameEnd, "# " + keyword.word + " " + name + " (expected: one space, then "
                    + (keyword == Keyword.TYPE ? "the type)" : keyword == Keyword.UNIT ? "the unit, which may be empty)" : "the text, which may be empty)"));
            return current;
        }
        Family family = current != null && current.name.equals(name) ? current : null;
        if (keyword == Keyword.HELP || keyword == Keyword.UNIT) {
            if (openMetrics) {
                boolean help = keyword == Keyword.HELP;
                if (family != null && (help ? family.help : family.unit)) {
                    problems.ofLine("second # " + keyword.word + " for " + name + " (expected: at most one)");
                    return current;
                }
                if (family != null && family.hasSamples) {
                    problems.ofLine("# " + keyword.word + " for " + name + " after its samples (expected: before them)");
                    return current;
                }
                if (!help && !unitFits(name, nameEnd + 1, lineEnd, family == null ? null : family.type)) {
                    return current;
                }
                if (family == null) {
                    family = openFamily(name, FamilyType.UNKNOWN);
                    if (family == null) {
                        return current;
                    }
                }
                if (help) {
                    family.help = true;
                } else {
                    family.unit = nameEnd + 1 < lineEnd;
                }
                return family;
            }
            // HELP text is not kept; it only opens the family when it comes first.
            return family != null ? family : new Family(name, FamilyType.UNTYPED);
        }
        int typeStart = PrometheusLineScanner.skipBlanks(in, nameEnd, lineEnd);
        int typeEnd = PrometheusLineScanner.scanWord(in, typeStart, lineEnd);
        FamilyType type = FamilyType.of(in, typeStart, typeEnd, openMetrics);
        if (type == null || (openMetrics ? typeEnd != lineEnd : PrometheusLineScanner.skipBlanks(in, typeEnd, lineEnd) != lineEnd)) {
            problems.at(typeStart, "# TYPE " + name + " " + ParseProblems.quoted(in, typeStart, lineEnd) + (openMetrics
                    ? " (expected: counter, gauge, histogram, gaugehistogram, summary, unknown, stateset or info, and nothing after it)"
                    : " (expected: counter, gauge, histogram, gaugehistogram, summary, untyped, unknown, stateset or info)"));
            return current;
        }
        Integer firstLine = typeLines.putIfAbsent(name, lineNumber);
        if (firstLine != null) {
            problems.at(nameStart, "second # TYPE for " + name + " (expected: one, the first is on line "
                    + firstLine + ")");
            return current;
        }
        if (family != null && family.hasSamples) {
            problems.at(nameStart, "# TYPE for " + name + " after its samples (expected: before them)");
            return current;
        }
        if (openMetrics && family != null) {
            // The family its HELP or UNIT opened: it keeps its name and now claims its samples' names too.
            if (family.unit && (type == FamilyType.INFO || type == FamilyType.STATESET)) {
                problems.ofLine("# TYPE " + name + " " + type.word + " with a unit (expected: none for info and stateset)");
                return current;
            }
            if (!claim(name, type, false)) {
                return current;
            }
            family.type = type;
            rules.retype(type);
            return family;
        }
        Family typed = openFamily(name, type);
        if (typed == null) {
            return current;
        }
        if (!openMetrics) {
            // The entry of a name seen in earlier scrapes is reused: an unchanged exporter costs no allocation.
            TypedFamily entry = typedFamilies.computeIfAbsent(name, n -> new TypedFamily());
            entry.family = typed;
            entry.parse = parseNumber;
        }
        return typed;
    }

    /**
     * OpenMetrics: whether the unit in {@code in[p, lineEnd)} is one for family {@code name} of type
     * {@code type} (null when not known yet): empty, or a word that ends the name after an underscore, and
     * none for info and stateset; false after reporting why not.
     */
    private boolean unitFits(String name, int p, int lineEnd, FamilyType type) {
        int unitEnd = PrometheusLineScanner.scanWord(in, p, lineEnd);
        if (unitEnd != lineEnd) {
            problems.at(unitEnd, "# UNIT " + name + " followed by " + ParseProblems.quoted(in, unitEnd, lineEnd)
                    + " (expected: the unit and nothing after it)");
            return false;
        }
        if (p == lineEnd) {
            return true;
        }
        String unit = new String(in, p, unitEnd - p, StandardCharsets.UTF_8);
        if (!name.endsWith("_" + unit)) {
            problems.at(p, "# UNIT " + name + " " + unit + " (expected: a unit the name ends with, after an underscore)");
            return false;
        }
        if (type == FamilyType.INFO || type == FamilyType.STATESET) {
            problems.at(p, "# UNIT for " + type.word + " " + name + " (expected: none for info and stateset)");
            return false;
        }
        return true;
    }

    /**
     * Reads labels, value, timestamp and exemplar after the name; null (and a problem) when the line is bad.
     * The series of a good line joins the series cache, so that the next scrape reads only its value.
     * {@code labelsRead}: the name stood in the braces, which were read already and end at {@code seriesEnd}.
     */
    private Sample sample(String name, int nameStart, int p, int seriesEnd, int seriesHash, int lineEnd,
                          Family family, boolean labelsRead, long defaultSecond, int defaultNanos, String host,
                          String source) {
        if (labelsRead) {
            p = seriesEnd;
        } else {
            labels.clear();
            // the Go parser allows blanks between name and labels; OpenMetrics does not
            int brace = openMetrics ? p : PrometheusLineScanner.skipBlanks(in, p, lineEnd);
            if (brace < lineEnd && in[brace] == '{') {
                p = labels.read(in, brace, lineEnd, openMetrics, false);
                if (p < 0) {
                    return null;
                }
            }
        }
        int labelsEnd = p;
        if (!readValue(name, p, lineEnd, defaultSecond, defaultNanos)) {
            return null;
        }
        FamilyType type = family.type;
        if (type.buckets && FamilyType.isSuffixed(name, family.name, "_bucket")) {
            if (canonicalBound("le") == null) {
                return null;
            }
        } else if (type == FamilyType.SUMMARY && name.length() == family.name.length()) {
            if (canonicalBound("quantile") == null) {
                return null;
            }
        }
        boolean countsOnly = type.countsOnly(name, family.name);
        Labels set = labelSets.labels(labels.names(), labels.values(), labels.count());
        // What the label block read (name, labels, errors) follows from its bytes alone, so the series is
        // only cached when those bytes are exactly the ones seriesEnd found.
        if (!labelsRead && labelsEnd == seriesEnd) {
            int series = seriesCache.put(seriesHash, in, nameStart, seriesEnd, name, set, family.name, type,
                    countsOnly);
            if (series >= 0) {
                previousSeries = series;
            }
        }
        return new Sample(name, set, type.type, null, sampleValue(countsOnly), lineSecond, lineNanos, host, source,
                NameSyntax.PROMETHEUS);
    }

    /** A line of a series read before in the same family: only its value, timestamp and exemplar are read. */
    private Sample knownSample(int known, int seriesEnd, int lineEnd, Family family, long defaultSecond,
                               int defaultNanos, String host, String source) {
        String name = seriesCache.name(known);
        if (!readValue(name, seriesEnd, lineEnd, defaultSecond, defaultNanos)) {
            return null;
        }
        return new Sample(name, seriesCache.labels(known), family.type.type, null,
                sampleValue(seriesCache.countsOnly(known)), lineSecond, lineNanos, host, source, NameSyntax.PROMETHEUS);
    }

    /**
     * Reads value, timestamp and exemplar from the end of the series part into {@link #lineValue},
     * {@link #lineSecond} and {@link #lineNanos}; false (and a problem) when the line is bad.
     */
    private boolean readValue(String name, int p, int lineEnd, long defaultSecond, int defaultNanos) {
        if (openMetrics) {
            return readOpenMetricsValue(name, p, lineEnd, defaultSecond, defaultNanos);
        }
        int valueStart = PrometheusLineScanner.skipBlanks(in, p, lineEnd);
        // Go's parser reads a value written right after the closing brace ({a="b"}-Inf); a bare name needs the blank.
        if ((valueStart == p && in[p - 1] != '}') || valueStart == lineEnd) {
            problems.at(p, valueStart == lineEnd ? "no value after " + name + " (expected: a number)"
                    : "expected a space between " + name + " and its value");
            return false;
        }
        int valueEnd = PrometheusLineScanner.scanWord(in, valueStart, lineEnd);
        if (!startLine(valueStart, valueEnd, defaultSecond, defaultNanos)) {
            return false;
        }
        p = PrometheusLineScanner.skipBlanks(in, valueEnd, lineEnd);
        if (p < lineEnd && in[p] != '#') {
            int tsEnd = PrometheusLineScanner.scanWord(in, p, lineEnd);
            if (!lineTimestamp.readMillis(in, p, tsEnd)) {
                problems.at(p, "timestamp " + ParseProblems.quoted(in, p, tsEnd)
                        + " (expected: integer milliseconds since the epoch)");
                return false;
            }
            lineSecond = lineTimestamp.second();
            lineNanos = lineTimestamp.nanos();
            lineTimestamped = true;
            p = PrometheusLineScanner.skipBlanks(in, tsEnd, lineEnd);
        }
        if (p < lineEnd) {
            problems.at(p, "unexpected " + ParseProblems.quoted(in, p, lineEnd) + " after the "
                    + (lineTimestamped ? "timestamp" : "value") + " (expected: end of line)");
            return false;
        }
        return true;
    }

    /** Reads the value at {@code valueStart..valueEnd} and resets what the rest of the line may set. */
    private boolean startLine(int valueStart, int valueEnd, long defaultSecond, int defaultNanos) {
        if (!GoFloatParser.parse(in, valueStart, valueEnd, lineValue)) {
            problems.at(valueStart, "value " + ParseProblems.quoted(in, valueStart, valueEnd)
                    + " (expected: a number, NaN, +Inf or -Inf)");
            return false;
        }
        lineValueStart = valueStart;
        lineValueEnd = valueEnd;
        lineSecond = defaultSecond;
        lineNanos = defaultNanos;
        lineTimestamped = false;
        lineExemplar = false;
        return true;
    }

    /**
     * OpenMetrics: {@code " " value [" " timestamp] [" # " exemplar]}, one space exactly between tokens and
     * none at the end, as the ABNF and the reference parser have it.
     */
    private boolean readOpenMetricsValue(String name, int p, int lineEnd, long defaultSecond, int defaultNanos) {
        if (p == lineEnd || in[p] != ' ' || p + 1 == lineEnd || PrometheusLineScanner.isBlank(in[p + 1])) {
            problems.at(p, p == lineEnd || PrometheusLineScanner.skipBlanks(in, p, lineEnd) == lineEnd
                    ? "no value after " + name + " (expected: one space and a number)"
                    : "expected one space between " + name + " and its value");
            return false;
        }
        int valueStart = p + 1;
        int valueEnd = PrometheusLineScanner.scanWord(in, valueStart, lineEnd);
        if (!startLine(valueStart, valueEnd, defaultSecond, defaultNanos)) {
            return false;
        }
        p = valueEnd; // at the line end or a blank
        if (p < lineEnd && (in[p] != ' ' || p + 1 == lineEnd || PrometheusLineScanner.isBlank(in[p + 1]))) {
            problems.at(p, "blank after the value (expected: one space and a timestamp or an exemplar, or the line end)");
            return false;
        }
        if (p < lineEnd && in[p + 1] != '#') {
            int tsStart = p + 1;
            int tsEnd = PrometheusLineScanner.scanWord(in, tsStart, lineEnd);
            if (!lineTimestamp.readSeconds(in, tsStart, tsEnd)) {
                problems.at(tsStart, "timestamp " + ParseProblems.quoted(in, tsStart, tsEnd)
                        + " (expected: seconds since the epoch, such as 1520879607.789, within 64-bit seconds)");
                return false;
            }
            lineSecond = lineTimestamp.second();
            lineNanos = lineTimestamp.nanos();
            lineTimestamped = true;
            p = tsEnd;
        }
        if (p < lineEnd) {
            if (in[p] != ' ' || p + 1 == lineEnd || in[p + 1] != '#' || !skipExemplar(p + 2, lineEnd)) {
                if (!problems.keptOnThisLine()) {
                    problems.at(p, "unexpected " + ParseProblems.quoted(in, p, lineEnd) + " after the "
                            + (lineTimestamped ? "timestamp" : "value")
                            + " (expected: end of line or an exemplar # {...} value)");
                }
                return false;
            }
            lineExemplar = true;
        }
        return true;
    }

    private SampleValue sampleValue(boolean countsOnly) {
        double value = lineValue.value();
        if (countsOnly && Double.isFinite(value)) {
            if (lineValue.isLong()) {
                return SampleValue.of(lineValue.asLong());
            }
            if (value == Math.rint(value) && Math.abs(value) < 0x1p63) {
                return SampleValue.of((long) value);
            }
        }
        return SampleValue.of(value);
    }

    /**
     * Checks that label {@code name} is present and numeric, and rewrites an integer bound in the canonical
     * form ({@code 1} becomes {@code 1.0}) so that one bucket has one key whatever format the exporter
     * chose: Go's 0.0.4 writes {@code le="1"}, OpenMetrics and the other clients {@code le="1.0"}, and
     * Prometheus 3 normalises the same way on ingestion. OpenMetrics also wants an infinite bound written
     * {@code +Inf} or {@code -Inf} and a quantile within [0, 1].
     */
    private String canonicalBound(String name) {
        for (int i = 0; i < labels.count(); i++) {
            if (labels.name(i).equals(name)) {
                String text = labels.value(i);
                byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
                if (!GoFloatParser.parse(bytes, 0, bytes.length, scratchNumber) || Double.isNaN(scratchNumber.value())) {
                    problems.ofLine("label " + name + "=\"" + text + "\" (expected: a number or +Inf)");
                    return null;
                }
                double bound = scratchNumber.value();
                if (openMetrics && Double.isInfinite(bound) && !text.equals("+Inf") && !text.equals("-Inf")) {
                    problems.ofLine("label " + name + "=\"" + text + "\" (expected: an infinity written +Inf or -Inf)");
                    return null;
                }
                if (openMetrics && name.equals("quantile") && !(bound >= 0 && bound <= 1)) {
                    problems.ofLine("label quantile=\"" + text + "\" (expected: a number from 0 to 1)");
                    return null;
                }
                if (scratchNumber.isLong()) {
                    labels.setValue(i, strings.intern(text + ".0"));
                } else if (Double.isInfinite(bound)) {
                    labels.setValue(i, bound > 0 ? "+Inf" : "-Inf");
                }
                return labels.value(i);
            }
        }
        problems.ofLine("no " + name + " label (expected: one on every "
                + ("le".equals(name) ? "_bucket sample" : "summary quantile sample") + ")");
        return null;
    }

    /**
     * Skips an OpenMetrics exemplar from just after its {@code "# "}: {@code {labels} value [timestamp]},
     * one space between tokens, at most 128 code points of label names and values.
     */
    private boolean skipExemplar(int p, int lineEnd) {
        if (p >= lineEnd || in[p] != ' ' || p + 1 == lineEnd || in[p + 1] != '{') {
            return false;
        }
        int q = exemplarLabels.read(in, p + 1, lineEnd, true, false);
        if (q < 0) {
            return false; // the reader reported what was wrong inside the exemplar
        }
        if (exemplarLabels.codePoints() > MAX_EXEMPLAR_LABEL_CODE_POINTS) {
            problems.at(p + 1, "exemplar labels of " + exemplarLabels.codePoints() + " characters (expected: at most "
                    + MAX_EXEMPLAR_LABEL_CODE_POINTS + ")");
            return false;
        }
        if (q == lineEnd || in[q] != ' ' || q + 1 == lineEnd || PrometheusLineScanner.isBlank(in[q + 1])) {
            return false;
        }
        int valueStart = q + 1;
        int valueEnd = PrometheusLineScanner.scanWord(in, valueStart, lineEnd);
        if (!GoFloatParser.parse(in, valueStart, valueEnd, scratchNumber)) {
            return false;
        }
        if (valueEnd == lineEnd) {
            return true;
        }
        if (in[valueEnd] != ' ' || valueEnd + 1 == lineEnd) {
            return false;
        }
        int tsEnd = PrometheusLineScanner.scanWord(in, valueEnd + 1, lineEnd);
        return tsEnd == lineEnd && scratchTimestamp.readSeconds(in, valueEnd + 1, tsEnd);
    }

    /** The family the following samples belong to. */
    private static final class Family {
        final String name;
        FamilyType type; // OpenMetrics: a TYPE after the family's HELP or UNIT sets it
        boolean hasSamples;
        boolean help;
        boolean unit;

        Family(String name, FamilyType type) {
            this.name = name;
            this.type = type;
        }
    }

    /** Text 0.0.4: a family a TYPE line named, in the parse numbered {@code parse}. */
    private static final class TypedFamily {
        Family family;
        int parse;
    }

    /** The word after {@code #} that makes a comment line metadata. */
    private enum Keyword {
        HELP("HELP"), TYPE("TYPE"), UNIT("UNIT"), EOF("EOF");

        private static final Keyword[] ALL = values(); // values() copies its array on every call

        final String word;

        Keyword(String word) {
            this.word = word;
        }

        static Keyword of(byte[] b, int start, int end, boolean openMetrics) {
            for (Keyword k : ALL) {
                if (PrometheusLineScanner.matches(b, start, end, k.word)) {
                    return (k == UNIT || k == EOF) && !openMetrics ? null : k;
                }
            }
            return null;
        }
    }
}
