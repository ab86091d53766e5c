package dev.concierge.courier.sinks.graphite;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;

/**
 * Writes one sample as one carbon plaintext line, {@code <series> <value> <timestamp>\n} (PROTOCOLS.md §5.1),
 * or says why it cannot. Stateless and thread-safe; the caller owns the builder it passes.
 *
 * <ul>
 *   <li>The series is rendered by the {@link GraphitePathTemplate}: only printable ASCII, no spaces, so the
 *       line's length in bytes is its length in characters.</li>
 *   <li>The value: integers in decimal, decimals in Java's shortest round-trip form ({@code 0.25},
 *       {@code 1.0E20}), both of which Python's {@code float()} reads.</li>
 *   <li>The timestamp: the sample's whole Unix seconds; carbon stores nothing finer.</li>
 * </ul>
 */
public final class GraphiteLineEncoder {
    /**
     * The longest line carbon reads, without its newline: Twisted {@code LineOnlyReceiver.MAX_LENGTH}. A longer
     * line makes carbon drop the connection, losing whatever followed it (PROTOCOLS.md §5.1).
     */
    public static final int MAX_LINE_BYTES = 16384;

    /** What became of one sample. */
    public enum Verdict {
        /** A line was appended. */
        LINE("written"),
        /** Text: Graphite stores numbers only. */
        TEXT("text (Graphite stores numbers only)"),
        /** NaN or an infinity: carbon drops NaN silently and whisper cannot graph infinities. */
        NON_FINITE("non-finite"),
        /** The line would exceed {@link #MAX_LINE_BYTES}. */
        TOO_LONG("longer than " + MAX_LINE_BYTES + " bytes"),
        /** The template rendered an empty path. */
        EMPTY_PATH("with an empty path");

        private final String reason;

        Verdict(String reason) {
            this.reason = reason;
        }

        /** Why a sample was skipped, as the sink's outcome detail and {@code courier test} say it. */
        public String reason() {
            return reason;
        }
    }

    private final GraphitePathTemplate template;

    public GraphiteLineEncoder(GraphitePathTemplate template) {
        this.template = template;
    }

    /**
     * Appends the line for {@code sample}, newline included, to {@code out}; on any verdict but
     * {@link Verdict#LINE} leaves {@code out} as it was.
     */
    public Verdict encode(Sample sample, StringBuilder out) {
        SampleValue value = sample.value();
        if (value instanceof SampleValue.Text) {
            return Verdict.TEXT;
        }
        if (value instanceof SampleValue.Decimal d && !d.isFinite()) {
            return Verdict.NON_FINITE;
        }
        int start = out.length();
        template.appendSeries(sample, out);
        if (out.length() == start) {
            return Verdict.EMPTY_PATH;
        }
        out.append(' ').append(value.render()).append(' ').append(sample.epochSecond());
        if (out.length() - start > MAX_LINE_BYTES) {
            out.setLength(start);
            return Verdict.TOO_LONG;
        }
        out.append('\n');
        return Verdict.LINE;
    }

    /** The line for {@code sample}, newline included, or null with any verdict but {@link Verdict#LINE}. */
    public String encode(Sample sample) {
        StringBuilder out = new StringBuilder(128);
        return encode(sample, out) == Verdict.LINE ? out.toString() : null;
    }
}
