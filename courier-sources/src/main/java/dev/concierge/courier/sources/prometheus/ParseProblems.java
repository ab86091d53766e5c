package dev.concierge.courier.sources.prometheus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The problems of one parse, each with the line it is on and a column counted from 1 (0 for the whole
 * line): the first {@link PrometheusTextParser#MAX_PROBLEMS_KEPT} are kept, every one is counted. The
 * parser says which line it is reading ({@link #onLine}); whoever finds a problem on it reports it here.
 *
 * <p>Reused: {@link #begin()} starts a parse with a new list, which the parse result then owns. Not
 * thread-safe: one per parser.
 */
final class ParseProblems {
    private List<PrometheusParseProblem> kept;
    private int count;
    private int line;
    private int lineStart;

    /** Starts a parse: no problems, before the first line. */
    void begin() {
        kept = new ArrayList<>();
        count = 0;
        line = 0;
        lineStart = 0;
    }

    /** Ends a parse: the list belongs to its result from now on. */
    void end() {
        kept = null;
    }

    /** The following problems are on line {@code number} (from 1), which starts at index {@code start} of the input. */
    void onLine(int number, int start) {
        line = number;
        lineStart = start;
    }

    /** A problem of the whole line (column 0). */
    void ofLine(String reason) {
        count++;
        if (kept.size() < PrometheusTextParser.MAX_PROBLEMS_KEPT) {
            kept.add(new PrometheusParseProblem(line, 0, reason));
        }
    }

    /** A problem of a whole line read before, {@code number} (a histogram group found incomplete later). */
    void atLine(int number, String reason) {
        count++;
        if (kept.size() < PrometheusTextParser.MAX_PROBLEMS_KEPT) {
            kept.add(new PrometheusParseProblem(number, 0, reason));
        }
    }

    /** A problem at index {@code p} of the input. */
    void at(int p, String reason) {
        count++;
        if (kept.size() < PrometheusTextParser.MAX_PROBLEMS_KEPT) {
            kept.add(new PrometheusParseProblem(line, p - lineStart + 1, reason));
        }
    }

    /** The problems kept so far, in order. */
    List<PrometheusParseProblem> kept() {
        return kept;
    }

    /** Every problem so far, kept or not. */
    int count() {
        return count;
    }

    /** Whether a problem was kept for the current line. */
    boolean keptOnThisLine() {
        return !kept.isEmpty() && kept.get(kept.size() - 1).line() == line;
    }

    /** At most 40 characters of {@code in[start, end)}, quoted, for a problem message; never more than that range. */
    static String quoted(byte[] in, int start, int end) {
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

    /** One byte for a problem message: itself when printable ASCII, else {@code xNN}. */
    static String quotedChar(byte b) {
        return b >= 0x21 && b < 0x7F ? String.valueOf((char) b) : String.format("x%02x", b & 0xFF);
    }
}
