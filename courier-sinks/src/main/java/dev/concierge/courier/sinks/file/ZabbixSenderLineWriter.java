package dev.concierge.courier.sinks.file;

import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.sinks.zabbix.client.ZabbixKeys;

/**
 * Writes samples as {@code zabbix_sender -T -N -i} input lines (PROTOCOLS.md §1.7):
 * {@code <host> <key> <clock> <ns> <value>\n}, one line per sample.
 *
 * <p><b>Quoting.</b> A field is written as is unless {@code get_string} would read it differently: a field
 * that is empty, starts with {@code "}, or contains a space, a tab, a newline or a carriage return is
 * quoted, and inside the quotes {@code \} becomes {@code \\}, {@code "} becomes {@code \"} and a newline
 * becomes {@code \n}. Tabs and carriage returns stay literal inside quotes: the parser keeps them, and the
 * quotes protect a trailing {@code \r} from the reader's {@code \r\n} trimming. The host is always written
 * out, never as {@code -}; the key comes from {@link ZabbixKeys#render}; the value from
 * {@link SampleValue#render}.
 *
 * <p><b>Lines it refuses.</b> {@code zabbix_sender} 6.0+ stops at the first line it cannot parse, so one bad
 * line would cost every line after it. A sample that cannot be written exactly is therefore skipped and
 * reported by the returned {@link Line}, and nothing is appended for it:
 * <ul>
 *   <li>a non-finite decimal: Zabbix has no representation for NaN or infinities;</li>
 *   <li>a clock outside 1..2147483647: {@code -T} reads a positive uint31 (checked against
 *       {@code zabbix_sender} 6.0.14, which also refuses 0);</li>
 *   <li>a host or key that is empty, longer than 2047 UTF-8 bytes (the parser's {@code MAX_STRING_LEN}
 *       buffers less the terminating NUL; Zabbix host names are at most 128 characters and keys 2048, so no
 *       row the server would take is lost), or a host that is exactly {@code -}, which the reader replaces
 *       with its {@code -s} host even when quoted;</li>
 *   <li>any field holding a NUL character (the C reader ends the line there) or an unpaired UTF-16
 *       surrogate (it has no UTF-8 encoding).</li>
 * </ul>
 *
 * <p>Instances are immutable and may be shared between threads. {@link #append} allocates only the key and
 * the rendered value.
 */
public final class ZabbixSenderLineWriter {

    /** The most UTF-8 bytes of a host or key: {@code MAX_STRING_LEN} (2048) less the terminating NUL. */
    static final int MAX_HOST_OR_KEY_BYTES = 2047;
    /** {@code -T}: the clock is a uint31, and {@code zabbix_sender} refuses 0. */
    static final long MAX_CLOCK = Integer.MAX_VALUE;

    /** What {@link #append} did with one sample. */
    public enum Line {
        WRITTEN("written"),
        NON_FINITE("non-finite value"),
        CLOCK_OUT_OF_RANGE("clock outside 1..2147483647"),
        UNWRITABLE_HOST("host empty, \"-\", over 2047 bytes, or with NUL or unpaired surrogate"),
        UNWRITABLE_KEY("key empty, over 2047 bytes, or with NUL or unpaired surrogate"),
        UNWRITABLE_VALUE("value with NUL or unpaired surrogate");

        private final String reason;

        Line(String reason) {
            this.reason = reason;
        }

        /** Why the line was skipped, for logs and outcome details; "written" for {@link #WRITTEN}. */
        public String reason() {
            return reason;
        }
    }

    private final String host;
    private final NameEscaping nameEscaping;

    /** A writer with the default name escaping. @param host the host to write every line for; null means each sample's own host */
    public ZabbixSenderLineWriter(String host) {
        this(host, NameEscaping.DEFAULT);
    }

    /**
     * @param host         the host to write every line for; null means each sample's own host
     * @param nameEscaping how a sample's Prometheus names are escaped before its key is rendered
     */
    public ZabbixSenderLineWriter(String host, NameEscaping nameEscaping) {
        this.host = host;
        this.nameEscaping = nameEscaping;
    }

    /**
     * Appends the line for {@code sample}, ending with {@code \n}, or nothing when it cannot be written
     * exactly; {@code out} is then left as it was.
     */
    public Line append(StringBuilder out, Sample sample) {
        if (sample.value() instanceof SampleValue.Decimal d && !d.isFinite()) {
            return Line.NON_FINITE;
        }
        return appendLine(out, host != null ? host : sample.host(), ZabbixKeys.render(nameEscaping.apply(sample)), sample.epochSecond(),
                sample.nanos(), sample.value().render());
    }

    /** One line from its fields; the rules of {@link #append} apply. {@code ns} must be 0..999999999. */
    static Line appendLine(StringBuilder out, String host, String key, long clock, int ns, String value) {
        if (clock < 1 || clock > MAX_CLOCK) {
            return Line.CLOCK_OUT_OF_RANGE;
        }
        if (host.equals("-")) {
            return Line.UNWRITABLE_HOST;
        }
        int start = out.length();
        if (!appendField(out, host, true)) {
            out.setLength(start);
            return Line.UNWRITABLE_HOST;
        }
        out.append(' ');
        if (!appendField(out, key, true)) {
            out.setLength(start);
            return Line.UNWRITABLE_KEY;
        }
        out.append(' ').append(clock).append(' ').append(ns).append(' ');
        if (!appendField(out, value, false)) {
            out.setLength(start);
            return Line.UNWRITABLE_VALUE;
        }
        out.append('\n');
        return Line.WRITTEN;
    }

    /**
     * Appends one field, quoted when {@code get_string} needs it; false, with {@code out} partly written,
     * when the field cannot be written exactly.
     *
     * @param bounded whether the field is read into a {@code MAX_STRING_LEN} buffer (host, key), which also
     *                must not be empty
     */
    private static boolean appendField(StringBuilder out, String field, boolean bounded) {
        if (field.isEmpty()) {
            if (bounded) {
                return false;
            }
            out.append("\"\"");
            return true;
        }
        boolean quote = field.charAt(0) == '"';
        long utf8Bytes = 0;
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\0') {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == field.length() || !Character.isLowSurrogate(field.charAt(i + 1))) {
                    return false;
                }
                i++;
                utf8Bytes += 4;
                continue;
            }
            if (Character.isLowSurrogate(c)) {
                return false;
            }
            utf8Bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            quote |= c == ' ' || c == '\t' || c == '\n' || c == '\r';
        }
        if (bounded && utf8Bytes > MAX_HOST_OR_KEY_BYTES) {
            return false;
        }
        if (!quote) {
            // Unquoted, get_string takes the text verbatim: backslashes and inner quotes stay as they are.
            out.append(field);
            return true;
        }
        out.append('"');
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        out.append('"');
        return true;
    }
}
