package dev.concierge.courier.app.send;

import dev.concierge.courier.sinks.zabbix.ZabbixSenderRequest;
import dev.concierge.courier.sinks.zabbix.ZabbixSenderRequest.Row;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes {@code sender data} requests byte for byte as {@link ZabbixSenderRequest#toJson()} writes them
 * (Jackson's UTF-8 generator with its default escapes), without Jackson: {@code courier send} writes a
 * request for every thousand lines, and a generic generator costs it more CPU than reading the lines.
 *
 * <p>Rows are written in the order given (the caller sorts them by time for a timed request). Strings are
 * escaped as Jackson escapes them: {@code \"}, {@code \\}, {@code \b \t \n \f \r}, other control characters
 * and every UTF-16 surrogate as {@code \}{@code uXXXX} (upper-case hex); everything else as UTF-8.
 *
 * <p>Not thread-safe: it keeps one buffer for writing.
 */
final class SenderDataWriter {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] START = ascii("{\"request\":\"sender data\",\"data\":[");
    private static final byte[] HOST = ascii("{\"host\":");
    private static final byte[] KEY = ascii(",\"key\":");
    private static final byte[] VALUE = ascii(",\"value\":");
    private static final byte[] CLOCK = ascii(",\"clock\":");
    private static final byte[] NS = ascii(",\"ns\":");
    private static final byte[] END_DATA = ascii("]");

    private static final int KNOWN_SLOTS = 512;

    private byte[] buffer = new byte[64 * 1024];
    private int length;
    /** Host and key Strings written before, by hash, one per slot, and their JSON. */
    private final String[] knownText = new String[KNOWN_SLOTS];
    private final byte[][] knownJson = new byte[KNOWN_SLOTS][];

    /**
     * The request for {@code rows}, as UTF-8 JSON.
     *
     * @param timed  false: no {@code clock} or {@code ns} anywhere ({@link ZabbixSenderRequest#untimed})
     * @param clock  the top-level {@code clock} of a timed request
     * @param ns     the top-level {@code ns} of a timed request
     */
    byte[] write(List<Row> rows, boolean timed, long clock, int ns) {
        length = 0;
        append(START);
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            if (i > 0) {
                append((byte) ',');
            }
            append(HOST);
            known(row.host());
            append(KEY);
            known(row.key());
            append(VALUE);
            string(row.value());
            if (timed) {
                append(CLOCK);
                number(row.clock());
                append(NS);
                number(row.ns());
            }
            append((byte) '}');
        }
        append(END_DATA);
        if (timed) {
            append(CLOCK);
            number(clock);
            append(NS);
            number(ns);
        }
        append((byte) '}');
        return Arrays.copyOf(buffer, length);
    }

    /**
     * Writes a host or key. The input parser hands over the same String for the same host or key of many
     * lines, so each is escaped once and its JSON copied after that; another String with the same text
     * only misses the cache.
     */
    private void known(String s) {
        int slot = s.hashCode() & (KNOWN_SLOTS - 1);
        if (knownText[slot] == s) {
            append(knownJson[slot]);
            return;
        }
        int start = length;
        string(s);
        knownText[slot] = s;
        knownJson[slot] = Arrays.copyOfRange(buffer, start, length);
    }

    private void string(String s) {
        int n = s.length();
        ensure(2 + 6 * n); // at worst, every char a six-byte escape
        byte[] b = buffer;
        int at = length;
        b[at++] = '"';
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                if (ch >= 0x20 && ch != '"' && ch != '\\') {
                    b[at++] = (byte) ch;
                } else {
                    at = escape(b, at, ch);
                }
            } else if (ch < 0x800) {
                b[at++] = (byte) (0xC0 | (ch >> 6));
                b[at++] = (byte) (0x80 | (ch & 0x3F));
            } else if (Character.isSurrogate(ch)) {
                at = unicodeEscape(b, at, ch);
            } else {
                b[at++] = (byte) (0xE0 | (ch >> 12));
                b[at++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (ch & 0x3F));
            }
        }
        b[at++] = '"';
        length = at;
    }

    private static int escape(byte[] b, int at, char ch) {
        char shortForm = switch (ch) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\f' -> 'f';
            case '\r' -> 'r';
            default -> 0;
        };
        if (shortForm == 0) {
            return unicodeEscape(b, at, ch);
        }
        b[at++] = '\\';
        b[at++] = (byte) shortForm;
        return at;
    }

    private static int unicodeEscape(byte[] b, int at, char ch) {
        b[at++] = '\\';
        b[at++] = 'u';
        b[at++] = HEX[(ch >> 12) & 0xF];
        b[at++] = HEX[(ch >> 8) & 0xF];
        b[at++] = HEX[(ch >> 4) & 0xF];
        b[at++] = HEX[ch & 0xF];
        return at;
    }

    private void number(long v) {
        ensure(20);
        if (v < 0) {
            // Not from a parsed line (clocks and ns are unsigned there); rare enough for the slow way.
            append(ascii(Long.toString(v)));
            return;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int at = length + digits;
        length = at;
        do {
            buffer[--at] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v > 0);
    }

    private void append(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void append(byte b) {
        ensure(1);
        buffer[length++] = b;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
