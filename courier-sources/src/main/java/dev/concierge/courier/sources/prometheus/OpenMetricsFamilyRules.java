package dev.concierge.courier.sources.prometheus;

import dev.concierge.courier.core.model.Labels;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules of OpenMetrics 1.0 that span more than one line of a family, and those on the values a type
 * allows, checked sample by sample as the parser reads them, in the order and with the outcome of the
 * reference parser (client_python's {@code openmetrics/parser.py}):
 * <ul>
 *   <li>values: no NaN in {@code _total}, {@code _sum}, {@code _count}, {@code _bucket}, {@code _gcount},
 *       {@code _gsum}; none of those but {@code _gsum} negative; {@code _count}, {@code _bucket} and
 *       {@code _gcount} integral; an info sample 1, a stateset sample 0 or 1 with a label named after its
 *       family; a quantile not negative;</li>
 *   <li>exemplars only on a counter's {@code _total} and a histogram's or gaugehistogram's {@code _bucket};</li>
 *   <li>groups (the labels less {@code le}, {@code quantile} or the stateset's own label; one group for an
 *       info family) together; within a group all samples timestamped or none, and timestamps not going
 *       backwards (info excepted); a second sample of a series at the timestamp of the first is dropped
 *       without a problem, as the reference parser drops it (a timestamp written below the nanosecond);</li>
 *   <li>histograms and gaugehistograms, per group and timestamp: buckets in increasing {@code le} with
 *       values not decreasing, a {@code +Inf} bucket, {@code _count} equal to it, {@code _count} and
 *       {@code _sum} (or {@code _gcount} and {@code _gsum}) both or neither, no {@code _sum} with negative
 *       buckets and no negative {@code _gsum} without them.</li>
 * </ul>
 * A problem of one sample is reported at it (the caller drops the line); a problem of a histogram group is
 * reported at the last line of the group and drops nothing (see {@link InvalidScrapePolicy}).
 *
 * <p>Not thread-safe: one per parser, used on its thread. Costs a label set without its bound and a set
 * entry per OpenMetrics sample; text 0.0.4 never comes here.
 */
final class OpenMetricsFamilyRules {
    /** What to do with the sample just checked. */
    enum Verdict { KEEP, DUPLICATE, INVALID }

    private final ParseProblems problems;
    private final ParsedNumber boundNumber = new ParsedNumber();

    private String family;
    private FamilyType type;
    private final Set<Labels> seenGroups = new HashSet<>();
    private final Set<List<Object>> groupSeries = new HashSet<>();
    private Labels group;
    private boolean groupTimestamped;
    private long groupSecond;
    private int groupNanos;

    // The histogram group being read: its group, timestamp, and what its samples said.
    private boolean histogramOpen;
    private int histogramLastLine;
    private boolean hasBucket;
    private double lastBound;
    private double lastBucketValue;
    private boolean hasCount;
    private double count;
    private boolean negativeBuckets;
    private boolean hasSum;
    private boolean hasGsum;
    private boolean negativeGsum;

    OpenMetricsFamilyRules(ParseProblems problems) {
        this.problems = problems;
    }

    /** Ends the family being read (reporting what its last histogram group lacks) and starts {@code name}. */
    void begin(String name, FamilyType familyType) {
        finish();
        family = name;
        type = familyType;
    }

    /** The family being read now has this type (its TYPE came after its HELP or UNIT). */
    void retype(FamilyType familyType) {
        type = familyType;
    }

    /** Ends the family being read: reports what its last histogram group lacks. */
    void finish() {
        closeHistogramGroup();
        seenGroups.clear();
        groupSeries.clear();
        group = null;
        family = null;
    }

    /**
     * Checks one sample of the family; reports the problem of an {@link Verdict#INVALID} one at
     * {@code valueAt} (an index of the input) on the current line.
     */
    Verdict check(String name, Labels labels, double value, boolean timestamped, long second, int nanos,
                  boolean exemplar, int valueAt, int line) {
        String suffix = name.substring(family.length());
        String bad = valueProblem(suffix, labels, value, exemplar);
        if (bad != null) {
            problems.at(valueAt, bad);
            return Verdict.INVALID;
        }
        Labels g = groupOf(name, labels);
        boolean sameGroup = group != null && g.equals(group);
        if (group != null && !sameGroup && seenGroups.contains(g)) {
            problems.ofLine("the samples of " + family + g + " are not together (expected: a group's lines in one run)");
            return Verdict.INVALID;
        }
        boolean sameTimestamp = sameGroup && timestamped == groupTimestamped
                && (!timestamped || (second == groupSecond && nanos == groupNanos));
        if (sameGroup) {
            if (timestamped != groupTimestamped) {
                problems.ofLine("some samples of " + family + g + " have a timestamp and some not (expected: all or none)");
                return Verdict.INVALID;
            }
            if (timestamped && type != FamilyType.INFO && (second < groupSecond
                    || (second == groupSecond && nanos < groupNanos))) {
                problems.ofLine("timestamp earlier than the previous sample of " + family + g
                        + " (expected: not going backwards)");
                return Verdict.INVALID;
            }
        }
        if (!sameTimestamp) {
            groupSeries.clear();
        }
        boolean duplicate = !groupSeries.add(List.of(name, labels));
        if (type.buckets) {
            if (!sameTimestamp) {
                closeHistogramGroup();
            }
            if (!duplicate) {
                histogramSample(suffix, labels, value, line);
            }
        }
        group = g;
        groupTimestamped = timestamped;
        groupSecond = second;
        groupNanos = nanos;
        seenGroups.add(g);
        return duplicate ? Verdict.DUPLICATE : Verdict.KEEP;
    }

    private String valueProblem(String suffix, Labels labels, double value, boolean exemplar) {
        if (exemplar && !((type.buckets && suffix.equals("_bucket")) || (type == FamilyType.COUNTER && suffix.equals("_total")))) {
            return "exemplar on " + family + suffix + " (expected: exemplars only on a counter's _total and a histogram's _bucket)";
        }
        boolean counterLike = !suffix.isEmpty() && !suffix.equals("_created") && !suffix.equals("_info");
        if (counterLike && Double.isNaN(value)) {
            return "NaN in " + family + suffix + " (expected: a number)";
        }
        if (counterLike && !suffix.equals("_gsum") && value < 0) {
            return "negative value in " + family + suffix + " (expected: 0 or more)";
        }
        if ((suffix.equals("_count") || suffix.equals("_bucket") || suffix.equals("_gcount"))
                && !(Double.isInfinite(value) || value == Math.rint(value))) {
            return "fraction in " + family + suffix + " (expected: a whole count)";
        }
        if (type == FamilyType.INFO && value != 1) {
            return "info value " + value + " (expected: 1)";
        }
        if (type == FamilyType.STATESET) {
            if (value != 0 && value != 1) {
                return "stateset value " + value + " (expected: 0 or 1)";
            }
            if (labels.get(family) == null) {
                return "stateset sample without the label " + family + " (expected: the state as that label)";
            }
        }
        if (type == FamilyType.SUMMARY && suffix.isEmpty() && value < 0) {
            return "negative quantile value (expected: 0 or more, or NaN)";
        }
        return null;
    }

    private Labels groupOf(String name, Labels labels) {
        if (type == FamilyType.INFO) {
            return Labels.empty();
        }
        if (type == FamilyType.SUMMARY && name.length() == family.length()) {
            return labels.without("quantile");
        }
        if (type == FamilyType.STATESET) {
            return labels.without(family);
        }
        if (type.buckets && name.endsWith("_bucket")) {
            return labels.without("le");
        }
        return labels;
    }

    private void histogramSample(String suffix, Labels labels, double value, int line) {
        if (!histogramOpen) {
            histogramOpen = true;
            hasBucket = false;
            lastBucketValue = 0;
            hasCount = false;
            negativeBuckets = false;
            hasSum = false;
            hasGsum = false;
            negativeGsum = false;
        }
        histogramLastLine = line;
        switch (suffix) {
            case "_bucket" -> {
                double bound = bound(labels.get("le"));
                if (bound < 0) {
                    negativeBuckets = true;
                }
                if (hasBucket && bound <= lastBound) {
                    problems.ofLine("bucket le=" + labels.get("le") + " of " + family
                            + " after a larger one (expected: buckets in increasing le)");
                }
                if (value < lastBucketValue) {
                    problems.ofLine("bucket le=" + labels.get("le") + " of " + family
                            + " counts less than the one before (expected: cumulative counts)");
                }
                hasBucket = true;
                lastBound = bound;
                lastBucketValue = value;
            }
            case "_count", "_gcount" -> {
                hasCount = true;
                count = value;
            }
            case "_sum" -> hasSum = true;
            case "_gsum" -> {
                hasGsum = true;
                negativeGsum |= value < 0;
            }
            default -> {
                // _created: a start time, no part of the buckets' arithmetic
            }
        }
    }

    /** A bound the parser has checked and written canonically ({@code 1.0}, {@code +Inf}); NaN if it is not one. */
    private double bound(String le) {
        if (le == null) {
            return Double.NaN;
        }
        byte[] bytes = le.getBytes(StandardCharsets.ISO_8859_1);
        return GoFloatParser.parse(bytes, 0, bytes.length, boundNumber) ? boundNumber.value() : Double.NaN;
    }

    private void closeHistogramGroup() {
        if (!histogramOpen) {
            return;
        }
        histogramOpen = false;
        String problem = null;
        if (!hasBucket || lastBound != Double.POSITIVE_INFINITY) {
            problem = "no +Inf bucket (expected: one in every group)";
        } else if (hasCount && count != lastBucketValue) {
            problem = "count " + count + " differs from the +Inf bucket's " + lastBucketValue + " (expected: equal)";
        } else if ((hasSum || hasGsum) && !hasCount) {
            problem = "a sum without a count (expected: both or neither)";
        } else if (!(hasSum || hasGsum) && hasCount) {
            problem = "a count without a sum (expected: both or neither)";
        } else if (negativeBuckets && hasSum) {
            problem = "_sum with negative buckets (expected: no _sum, since it is not monotonic)";
        } else if (!negativeBuckets && negativeGsum) {
            problem = "negative _gsum without negative buckets (expected: 0 or more)";
        }
        if (problem != null) {
            problems.atLine(histogramLastLine, family + ": " + problem);
        }
    }
}
