package dev.concierge.courier.app.send;

import java.util.Objects;

/**
 * Reads one line of {@code zabbix_sender -i} input (PROTOCOLS.md §1.7), with the grammar and the messages
 * of the 6.0 reader ({@code zabbix_sender.c}: {@code main} and {@code get_string}, checked against
 * {@code zabbix_sender} 6.0.14):
 * <pre>
 * &lt;host&gt; &lt;key&gt; [&lt;clock&gt; [&lt;ns&gt;]] &lt;value&gt;
 * </pre>
 * <ul>
 *   <li>Trailing {@code \r} and {@code \n} characters are trimmed; fields are separated by blanks (space or
 *       tab); leading blanks are skipped.</li>
 *   <li>A field that starts with {@code "} is quoted: it ends at the next unescaped {@code "}, which must
 *       be followed by a blank or the end of the line. Inside, {@code \"} is {@code "}, {@code \\} is
 *       {@code \} and {@code \n} is a newline; any other backslash stays. Unquoted fields take no escapes.</li>
 *   <li>An unquoted value is the rest of the line verbatim, trailing blanks included. A quoted value must
 *       be the last field. An empty value is written {@code ""}; an empty host or key is an error.</li>
 *   <li>{@code -} as host (quoted or not) means the default host ({@code -s} or the agent configuration's
 *       {@code Hostname}).</li>
 *   <li>With timestamps the clock is a uint31 in ASCII digits (0 is accepted, as 6.0.14 does); with
 *       nanoseconds the ns is 0..999999999.</li>
 * </ul>
 * A line that breaks a rule gives a {@link Malformed} whose message is the one {@code zabbix_sender}
 * logs, such as {@code [line 3] 'Key value' required}; {@code zabbix_sender} 6.0+ stops reading there.
 * Two of them it logs only with {@code -v} (level warning): an invalid timestamp or nanoseconds value.
 *
 * <p>Differences, all beyond what a Zabbix server accepts: the C reader silently truncates a host longer
 * than 2047 bytes and a clock or ns field longer than 31 characters; this parser keeps them whole, so such
 * a host reaches the server (which refuses it) and such a number is reported invalid.
 *
 * <p>Not thread-safe: it remembers the host and key texts of recent lines (see {@link #known}).
 */
final class ZabbixSenderInputParser {

    /** What one line holds. */
    public sealed interface Result permits Value, Malformed {
    }

    /**
     * A well-formed line.
     *
     * @param host  the host, the default host already put in for {@code -}
     * @param key   the item key
     * @param value the value text
     * @param clock Unix seconds, or -1 when the parser reads no timestamps
     * @param ns    nanoseconds 0..999999999, or -1 when the parser reads no nanoseconds
     */
    public record Value(String host, String key, String value, long clock, int ns) implements Result {
    }

    /**
     * A line that {@code zabbix_sender} refuses; it stops reading there.
     *
     * @param line    the 1-based line number
     * @param warning true when {@code zabbix_sender} logs the message at warning level, i.e. only with
     *                {@code -v}; false for its error level, which it always prints
     * @param message the message as {@code zabbix_sender} words it, with its {@code [line N]} prefix
     */
    public record Malformed(long line, boolean warning, String message) implements Result {
    }

    private static final int KNOWN_SLOTS = 1024;

    private final String defaultHost;
    private final boolean withTimestamps;
    private final boolean withNs;
    /** Host and key texts seen, by hash, one per slot; a new text takes the slot over. */
    private final String[] known = new String[KNOWN_SLOTS];

    /**
     * @param defaultHost    the host for {@code -}; null when there is none, which makes {@code -} an error
     * @param withTimestamps {@code -T}: a clock field follows the key
     * @param withNs         {@code -N}: an ns field follows the clock; needs {@code withTimestamps}
     */
    public ZabbixSenderInputParser(String defaultHost, boolean withTimestamps, boolean withNs) {
        if (withNs && !withTimestamps) {
            throw new IllegalArgumentException("withNs: true without withTimestamps (expected: -N only with -T)");
        }
        this.defaultHost = defaultHost;
        this.withTimestamps = withTimestamps;
        this.withNs = withNs;
    }

    /** True when lines carry a clock ({@code -T}). */
    public boolean withTimestamps() {
        return withTimestamps;
    }

    /** True when lines carry nanoseconds ({@code -N}). */
    public boolean withNs() {
        return withNs;
    }

    /**
     * Parses one line.
     *
     * @param line       the line, with or without its {@code \n} / {@code \r\n} ending
     * @param lineNumber its 1-based number, for the message of a malformed line
     */
    public Result parse(String line, long lineNumber) {
        Objects.requireNonNull(line, "line");
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\r' || line.charAt(end - 1) == '\n')) {
            end--;
        }
        Cursor c = new Cursor(line, end);

        if (c.atEnd() || !c.next() || c.empty()) {
            return error(lineNumber, "'Hostname' required");
        }
        String host;
        if (c.is('-')) {
            if (defaultHost == null) {
                return error(lineNumber, "'-' encountered as 'Hostname', but no default hostname was specified");
            }
            host = defaultHost;
        } else {
            host = known(c);
        }
        if (c.atEnd() || !c.next() || c.empty()) {
            return error(lineNumber, "'Key' required");
        }
        String key = known(c);
        long clock = -1;
        int ns = -1;
        if (withTimestamps) {
            if (c.atEnd() || !c.next() || c.empty()) {
                return error(lineNumber, "'Timestamp' required");
            }
            clock = c.unsigned(Integer.MAX_VALUE);
            if (clock < 0) {
                return warning(lineNumber, "invalid 'Timestamp' value detected");
            }
            if (withNs) {
                if (c.atEnd() || !c.next() || c.empty()) {
                    return error(lineNumber, "'Nanoseconds' required");
                }
                ns = (int) c.unsigned(999_999_999);
                if (ns < 0) {
                    return warning(lineNumber, "invalid 'Nanoseconds' value detected");
                }
            }
        }
        if (c.atEnd()) {
            return error(lineNumber, "'Key value' required");
        }
        String value;
        if (c.peek() != '"') {
            // Unquoted: the rest of the line verbatim, blanks included.
            value = line.substring(c.pos, end);
        } else {
            if (!c.next()) {
                return error(lineNumber, "'Key value' required");
            }
            value = c.text();
            if (!c.atEnd()) {
                return error(lineNumber, "too many parameters");
            }
        }
        return new Value(host, key, value, clock, ns);
    }

    /**
     * The field's text, the same String as for an earlier line with the same unquoted text where the cache
     * still holds it: a large input names few hosts and keys many times over, and each String kept for a
     * value sent later costs memory and garbage collection time.
     */
    private String known(Cursor c) {
        if (c.quoted != null) {
            return c.quoted;
        }
        int h = 0;
        for (int i = c.from; i < c.to; i++) {
            h = 31 * h + c.s.charAt(i);
        }
        int slot = (h ^ (h >>> 16)) & (KNOWN_SLOTS - 1);
        String cached = known[slot];
        int length = c.to - c.from;
        if (cached != null && cached.length() == length && c.s.regionMatches(c.from, cached, 0, length)) {
            return cached;
        }
        String text = c.s.substring(c.from, c.to);
        known[slot] = text;
        return text;
    }

    private static Malformed error(long lineNumber, String what) {
        return new Malformed(lineNumber, false, "[line " + lineNumber + "] " + what);
    }

    private static Malformed warning(long lineNumber, String what) {
        return new Malformed(lineNumber, true, "[line " + lineNumber + "] " + what);
    }

    /** {@code get_string} over one line. */
    /**
     * {@code text[from, to)} as ASCII digits only, at most {@code max}; -1 otherwise, as zabbix_sender reads
     * its numbers ({@code zbx_is_uint_n_range}). An empty range is 0: callers that need a digit check first.
     */
    public static long unsigned(String text, int from, int to, long max) {
        long v = 0;
        for (int i = from; i < to; i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + (ch - '0');
            if (v > max) {
                return -1;
            }
        }
        return v;
    }

    private static final class Cursor {
        private final String s;
        private final int end;
        private int pos;
        /** The last field read, when unquoted: {@code s[from, to)}. */
        private int from;
        private int to;
        /** The last field read, unescaped, when quoted; null when unquoted. */
        private String quoted;

        Cursor(String s, int end) {
            this.s = s;
            this.end = end;
            skipBlanks();
        }

        boolean atEnd() {
            return pos >= end;
        }

        char peek() {
            return s.charAt(pos);
        }

        private void skipBlanks() {
            while (pos < end && isBlank(s.charAt(pos))) {
                pos++;
            }
        }

        /** True when the last field is empty. */
        boolean empty() {
            return quoted != null ? quoted.isEmpty() : from == to;
        }

        /** True when the last field is the one character {@code ch}. */
        boolean is(char ch) {
            return quoted != null ? quoted.length() == 1 && quoted.charAt(0) == ch
                    : to - from == 1 && s.charAt(from) == ch;
        }

        String text() {
            return quoted != null ? quoted : s.substring(from, to);
        }

        /** The last field as ASCII digits only, at most {@code max}; -1 otherwise ({@code zbx_is_uint_n_range}). */
        long unsigned(long max) {
            return quoted != null ? ZabbixSenderInputParser.unsigned(quoted, 0, quoted.length(), max)
                    : ZabbixSenderInputParser.unsigned(s, from, to, max);
        }

        /**
         * Reads the next field and skips the blanks after it; false for a quoted field that is not closed, or
         * whose closing quote is followed by something other than a blank.
         */
        boolean next() {
            quoted = null;
            if (s.charAt(pos) != '"') {
                from = pos;
                while (pos < end && !isBlank(s.charAt(pos))) {
                    pos++;
                }
                to = pos;
                skipBlanks();
                return true;
            }
            StringBuilder out = new StringBuilder();
            for (pos++; pos < end; pos++) {
                char ch = s.charAt(pos);
                char next = pos + 1 < end ? s.charAt(pos + 1) : '\0';
                if (ch == '"') {
                    if (next != '\0' && !isBlank(next)) {
                        return false;
                    }
                    pos++;
                    skipBlanks();
                    quoted = out.toString();
                    return true;
                } else if (ch == '\\' && (next == '"' || next == '\\')) {
                    out.append(next);
                    pos++;
                } else if (ch == '\\' && next == 'n') {
                    out.append('\n');
                    pos++;
                } else {
                    out.append(ch);
                }
            }
            return false; // missing terminating quote
        }

        private static boolean isBlank(char ch) {
            return ch == ' ' || ch == '\t';
        }
    }
}
