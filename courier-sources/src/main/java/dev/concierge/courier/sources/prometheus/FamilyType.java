package dev.concierge.courier.sources.prometheus;

import dev.concierge.courier.core.model.MetricType;

/**
 * A family's {@code # TYPE}, with the sample-name suffixes it owns and how its samples map to the model
 * (see {@code package-info.java}). Immutable.
 */
enum FamilyType {
    COUNTER("counter", MetricType.COUNTER, true, false, "", "_total", "_created"),
    GAUGE("gauge", MetricType.GAUGE, false, false, ""),
    HISTOGRAM("histogram", MetricType.HISTOGRAM, true, true, "_bucket", "_sum", "_count", "_created"),
    GAUGEHISTOGRAM("gaugehistogram", MetricType.HISTOGRAM, false, true, "_bucket", "_gsum", "_gcount"),
    /**
     * Text 0.0.4's gauge histogram, {@code gaugehistogram} or Go's {@code gauge_histogram}: Go's parser
     * names its sum and count {@code _sum} and {@code _count}, OpenMetrics {@code _gsum} and {@code _gcount}.
     */
    GAUGEHISTOGRAM_TEXT("gauge_histogram", MetricType.HISTOGRAM, false, true, "_bucket", "_gsum", "_gcount", "_sum",
            "_count"),
    SUMMARY("summary", MetricType.SUMMARY, true, false, "", "_sum", "_count", "_created"),
    UNTYPED("untyped", MetricType.UNTYPED, false, false, ""),
    UNKNOWN("unknown", MetricType.UNTYPED, false, false, ""),
    STATESET("stateset", MetricType.GAUGE, false, false, ""),
    INFO("info", MetricType.GAUGE, false, false, "", "_info");

    private static final FamilyType[] ALL = values(); // values() copies its array on every call

    /** The word after {@code # TYPE <name>}. */
    final String word;
    /** The type of the family's samples. */
    final MetricType type;
    /** Whether the family may have a {@code _created} sample (OpenMetrics). */
    final boolean hasCreated;
    /** Whether the family's {@code _bucket} samples carry an {@code le} bound. */
    final boolean buckets;
    final String[] suffixes;

    FamilyType(String word, MetricType type, boolean hasCreated, boolean buckets, String... suffixes) {
        this.word = word;
        this.type = type;
        this.hasCreated = hasCreated;
        this.buckets = buckets;
        this.suffixes = suffixes;
    }

    /**
     * The type whose word is {@code b[start, end)}, or null. OpenMetrics: its eight words exactly. Text 0.0.4
     * as Go's parser reads it (upper-casing the word, so in any case): its five words, {@code gauge_histogram},
     * and the OpenMetrics words exporters also write there ({@code gaugehistogram}, {@code stateset},
     * {@code info}, {@code unknown}).
     */
    static FamilyType of(byte[] b, int start, int end, boolean openMetrics) {
        for (FamilyType t : ALL) {
            if (openMetrics) {
                if (t != UNTYPED && t != GAUGEHISTOGRAM_TEXT && PrometheusLineScanner.matches(b, start, end, t.word)) {
                    return t;
                }
            } else if (matchesIgnoringCase(b, start, end, t.word)) {
                return t == GAUGEHISTOGRAM ? GAUGEHISTOGRAM_TEXT : t;
            }
        }
        return null;
    }

    private static boolean matchesIgnoringCase(byte[] b, int start, int end, String word) {
        if (end - start != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            int c = b[start + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a sample named {@code sampleName} belongs to a family of this type named {@code family}. */
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
     * values): those become {@link dev.concierge.courier.core.model.SampleValue.Integer} when integral.
     * Everything else stays a {@link dev.concierge.courier.core.model.SampleValue.Decimal}, Prometheus's
     * float64, so one series never changes value type between scrapes (a counter of seconds is {@code 0}
     * one scrape and {@code 0.25} the next).
     */
    boolean countsOnly(String name, String family) {
        return switch (this) {
            case HISTOGRAM, GAUGEHISTOGRAM, GAUGEHISTOGRAM_TEXT -> isSuffixed(name, family, "_bucket") || isSuffixed(name, family, "_count")
                    || isSuffixed(name, family, "_gcount");
            case SUMMARY -> isSuffixed(name, family, "_count");
            case INFO, STATESET -> true;
            default -> false;
        };
    }

    /** Whether {@code name} is {@code family} followed by {@code suffix}. */
    static boolean isSuffixed(String name, String family, String suffix) {
        return name.length() == family.length() + suffix.length() && name.startsWith(family)
                && name.endsWith(suffix);
    }
}
