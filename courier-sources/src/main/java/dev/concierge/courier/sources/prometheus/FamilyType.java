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

    /** The type whose word is {@code b[start, end)}, or null. */
    static FamilyType of(byte[] b, int start, int end) {
        for (FamilyType t : ALL) {
            if (PrometheusLineScanner.matches(b, start, end, t.word)) {
                return t;
            }
        }
        return null;
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
            case HISTOGRAM, GAUGEHISTOGRAM -> isSuffixed(name, family, "_bucket") || isSuffixed(name, family, "_count")
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
