package dev.concierge.courier.sinks.zabbix;

import dev.concierge.courier.sinks.zabbix.ZabbixSenderRequest.Row;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a {@code sender data} request's JSON, byte for byte as Jackson's {@code JsonGenerator} with its
 * defaults writes it: no whitespace; in strings {@code "} and {@code \} escaped, {@code \b \t \n \f \r} as
 * such, other controls as {@code \}{@code u00XX} (upper-case hex), UTF-16 surrogates as {@code \}{@code uXXXX}
 * each, everything else as UTF-8. Hand-written because the request is one fixed shape of short ASCII strings
 * and small integers, rendered for every row the sink sends: a generic generator checks its own state and
 * writes every field name and separator anew for each row.
 *
 * <p>Not thread-safe; one instance writes one request, through a buffer of its own, to {@code out}.
 */
final class ZabbixSenderDataWriter {
    private static final int BUFFER_BYTES = 8192;
    // A string is encoded in chunks of this many chars, each checked once for room at its worst case.
    private static final int CHUNK_CHARS = 1024;
    private static final int MAX_BYTES_PER_CHAR = 6; // a unicode escape
    // For each ASCII char: 0 = written as is, -1 = a six-byte unicode escape, else the letter after the backslash.
    private static final byte[] ESCAPES = new byte[128];
    private static final byte[] HEX = ascii("0123456789ABCDEF");
    private static final byte[] START = ascii("{\"request\":\"sender data\",\"data\":[");
    private static final byte[] FIRST_HOST = ascii("{\"host\":\"");
    private static final byte[] NEXT_HOST = ascii(",{\"host\":\"");
    private static final byte[] KEY = ascii("\",\"key\":\"");
    private static final byte[] VALUE = ascii("\",\"value\":\"");
    private static final byte[] ROW_CLOCK = ascii("\",\"clock\":");
    private static final byte[] NS = ascii(",\"ns\":");
    private static final byte[] END_TIMED_ROW = ascii("}");
    private static final byte[] END_UNTIMED_ROW = ascii("\"}");
    private static final byte[] END_DATA = ascii("]");
    private static final byte[] CLOCK = ascii(",\"clock\":");
    private static final byte[] END = ascii("}");

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
    }

    private final OutputStream out;
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private final char[] chars = new char[CHUNK_CHARS];
    private int position;
    // The digits of the last row's clock and ns: the samples of one scrape share their timestamp, so
    // consecutive rows almost always repeat both.
    private long lastClock;
    private byte[] lastClockBytes = digits(0);
    private long lastNs;
    private byte[] lastNsBytes = digits(0);

    ZabbixSenderDataWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes the request and flushes this writer's buffer to {@code out}, which stays open. */
    void write(List<Row> rows, boolean timed, long clock, int ns) throws IOException {
        constant(START);
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            constant(i == 0 ? FIRST_HOST : NEXT_HOST);
            string(row.host());
            constant(KEY);
            string(row.key());
            constant(VALUE);
            string(row.value());
            if (timed) {
                constant(ROW_CLOCK);
                if (row.clock() != lastClock) {
                    lastClock = row.clock();
                    lastClockBytes = digits(lastClock);
                }
                constant(lastClockBytes);
                constant(NS);
                if (row.ns() != lastNs) {
                    lastNs = row.ns();
                    lastNsBytes = digits(lastNs);
                }
                constant(lastNsBytes);
                constant(END_TIMED_ROW);
            } else {
                constant(END_UNTIMED_ROW);
            }
        }
        constant(END_DATA);
        if (timed) {
            constant(CLOCK);
            constant(digits(clock));
            constant(NS);
            constant(digits(ns));
        }
        constant(END);
        flush();
    }

    private void constant(byte[] bytes) throws IOException {
        if (position + bytes.length > buffer.length) {
            flush();
        }
        System.arraycopy(bytes, 0, buffer, position, bytes.length);
        position += bytes.length;
    }

    /** A string's contents, escaped and encoded as Jackson would. */
    private void string(String s) throws IOException {
        int length = s.length();
        for (int from = 0; from < length; from += CHUNK_CHARS) {
            int n = Math.min(CHUNK_CHARS, length - from);
            // Copied out first, as Jackson does: a loop over a char[] is faster than charAt per char.
            s.getChars(from, from + n, chars, 0);
            if (position + MAX_BYTES_PER_CHAR * n > buffer.length) {
                flush();
            }
            position = encode(chars, n, buffer, position);
        }
    }

    /** Encodes {@code chars[0..n)} at {@code p}, which has room for the worst case; returns the new position. */
    private static int encode(char[] chars, int n, byte[] b, int p) {
        int i = 0;
        while (i < n) {
            // The common case in a loop of its own: ASCII that needs no escape.
            char c;
            while ((c = chars[i]) < 0x80 && ESCAPES[c] == 0) {
                b[p++] = (byte) c;
                if (++i == n) {
                    return p;
                }
            }
            i++;
            if (c < 0x80) {
                byte escape = ESCAPES[c];
                if (escape > 0) {
                    b[p++] = '\\';
                    b[p++] = escape;
                } else {
                    p = unicodeEscape(b, p, c);
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                p = unicodeEscape(b, p, c);
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return p;
    }

    private static int unicodeEscape(byte[] b, int p, char c) {
        b[p++] = '\\';
        b[p++] = 'u';
        b[p++] = HEX[(c >> 12) & 0xF];
        b[p++] = HEX[(c >> 8) & 0xF];
        b[p++] = HEX[(c >> 4) & 0xF];
        b[p++] = HEX[c & 0xF];
        return p;
    }

    private static byte[] digits(long value) {
        return ascii(Long.toString(value));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private void flush() throws IOException {
        if (position > 0) {
            out.write(buffer, 0, position);
            position = 0;
        }
    }
}
