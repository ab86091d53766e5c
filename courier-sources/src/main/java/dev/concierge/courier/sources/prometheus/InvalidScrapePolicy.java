package dev.concierge.courier.sources.prometheus;

import java.util.List;

/**
 * What a Prometheus source does with a scrape the parser found problems in (config {@code on_invalid}).
 * Immutable.
 *
 * <p>Problems of a line (a bad label, value or timestamp; a value OpenMetrics forbids, such as a negative
 * counter; a sample that breaks its family's grouping or ordering, or whose name another family has) cost
 * that line. Problems of the exposition as a whole cost no line: OpenMetrics without {@code # EOF} (its
 * complete lines are kept), and a histogram group found inconsistent when it ends (no {@code +Inf} bucket,
 * a {@code _count} that differs from it, a sum without a count), reported at the group's last line with its
 * samples kept, because each of them is, alone, a well-formed reading of the exporter. Text after
 * {@code # EOF} is reported once and not read. Every problem is counted, and under {@link #FAIL} any one
 * refuses the scrape.
 */
public enum InvalidScrapePolicy {
    /** The bad line is dropped and counted, the rest of the scrape is kept (the default). */
    DROP_LINE("drop_line"),
    /** The whole scrape is refused and counted: nothing of it is offered. */
    FAIL("fail");

    /** The words the config accepts, in the order the documentation lists them. */
    public static final List<String> WORDS = List.of(DROP_LINE.word, FAIL.word);

    private final String word;

    InvalidScrapePolicy(String word) {
        this.word = word;
    }

    /** The config word: {@code drop_line} or {@code fail}. */
    public String word() {
        return word;
    }

    /** The policy of the config word {@code word}, one of {@link #WORDS}. */
    public static InvalidScrapePolicy of(String word) {
        for (InvalidScrapePolicy p : values()) {
            if (p.word.equals(word)) {
                return p;
            }
        }
        throw new IllegalArgumentException("on_invalid: " + word + " (expected: one of " + WORDS + ")");
    }

    @Override
    public String toString() {
        return word;
    }
}
