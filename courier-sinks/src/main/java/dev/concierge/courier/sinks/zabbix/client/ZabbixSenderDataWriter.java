package dev.concierge.courier.sinks.zabbix.client;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a {@code sender data} request's JSON, byte for byte as Jackson's {@code JsonGenerator} with its
 * defaults writes it: no whitespace; in strings {@code "} and {@code \} escaped, {@code \b \t \n \f \r} as
 * such, other controls as {@code \}{@code u00XX} (upper-case hex), UTF-16 surrogates as {@code \}{@code uXXXX}
 * each, everything else as UTF-8. Hand-written because the request is one fixed shape of short ASCII strings
 * and small integers, rendered for every row the sink sends: a generic generator checks its own state and
 * writes every field name and separator anew for each row.
 *
 * <p>Two uses: the sink's, one writer per request streaming through a buffer of its own to an
 * {@code OutputStream}; and {@code courier send}'s, one writer for the whole run, each request written into a
 * {@code byte[]} of its own ({@link #toJson}), with the JSON of host and key Strings it has seen before
 * copied instead of encoded again (its input parser hands out one String per host and per key, so the same
 * few come back on every line). The sink's rows are made {@link Row#of} samples: their keys are written from
 * the sample's parts by {@link ZabbixKeys#writeJson} and their numbers as digits, with no String between.
 *
 * <p>Not thread-safe.
 */
public final class ZabbixSenderDataWriter {
    private static final int BUFFER_BYTES = 8192;
    // Hosts and keys up to this long are kept in the cache of a toJson writer, by hash, one per slot.
    private static final int KNOWN_SLOTS = 512;
    private static final int KNOWN_MAX_CHARS = 512;
    // A string is encoded in chunks of this many chars, each checked once for room at its worst case.
    private static final int CHUNK_CHARS = 1024;
    private static final int MAX_BYTES_PER_CHAR = JsonStringBytes.MAX_BYTES_PER_CHAR;
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

    // Null for a toJson writer, whose buffer grows to hold a whole request.
    private final OutputStream out;
    private byte[] buffer = new byte[BUFFER_BYTES];
    private final char[] chars = new char[CHUNK_CHARS];
    private int position;
    private final String[] knownText;
    private final byte[][] knownJson;
    // The digits of the last row's clock and ns: the samples of one scrape share their timestamp, so
    // consecutive rows almost always repeat both.
    private long lastClock;
    private final byte[] lastClockDigits = new byte[20];
    private int lastClockLength = digits(0, lastClockDigits);
    private long lastNs;
    private final byte[] lastNsDigits = new byte[20];
    private int lastNsLength = digits(0, lastNsDigits);

    /** A writer of one request to {@code out}, by {@link #write}. */
    ZabbixSenderDataWriter(OutputStream out) {
        this.out = out;
        this.knownText = null;
        this.knownJson = null;
    }

    /** A writer of any number of requests, each by {@link #toJson}, that keeps the JSON of hosts and keys. */
    public ZabbixSenderDataWriter() {
        this.out = null;
        this.knownText = new String[KNOWN_SLOTS];
        this.knownJson = new byte[KNOWN_SLOTS][];
    }

    /**
     * The request for {@code rows}, in the order given, as UTF-8 JSON, for a writer made without a stream.
     *
     * @param timed false: no {@code clock} or {@code ns} anywhere ({@link ZabbixSenderRequest#untimed})
     * @param clock the top-level {@code clock} of a timed request
     * @param ns    the top-level {@code ns} of a timed request
     */
    public byte[] toJson(List<Row> rows, boolean timed, long clock, int ns) {
        if (out != null) {
            throw new IllegalStateException("out: a stream (expected: none, a writer made by the public constructor)");
        }
        position = 0;
        try {
            write(rows, timed, clock, ns);
        } catch (IOException e) {
            throw new AssertionError("no stream to fail", e);
        }
        return Arrays.copyOf(buffer, position);
    }

    /** Writes the request and, for a writer made with a stream, flushes its buffer to it; it stays open. */
    void write(List<Row> rows, boolean timed, long clock, int ns) throws IOException {
        constant(START);
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            constant(i == 0 ? FIRST_HOST : NEXT_HOST);
            known(row.host());
            constant(KEY);
            Sample sample = row.sample();
            // A key too long for the stream's buffer at its worst case, for a Zabbix item anyway, as text.
            if (sample != null && (out == null || MAX_BYTES_PER_CHAR * row.keyLength() <= BUFFER_BYTES)) {
                room(MAX_BYTES_PER_CHAR * row.keyLength());
                position = ZabbixKeys.writeJson(sample, buffer, position);
            } else {
                known(row.key());
            }
            constant(VALUE);
            if (sample != null) {
                value(sample.value());
            } else {
                string(row.value());
            }
            if (timed) {
                constant(ROW_CLOCK);
                if (row.clock() != lastClock) {
                    lastClock = row.clock();
                    lastClockLength = digits(lastClock, lastClockDigits);
                }
                constant(lastClockDigits, lastClockLength);
                constant(NS);
                if (row.ns() != lastNs) {
                    lastNs = row.ns();
                    lastNsLength = digits(lastNs, lastNsDigits);
                }
                constant(lastNsDigits, lastNsLength);
                constant(END_TIMED_ROW);
            } else {
                constant(END_UNTIMED_ROW);
            }
        }
        constant(END_DATA);
        if (timed) {
            byte[] digits = new byte[20];
            constant(CLOCK);
            constant(digits, digits(clock, digits));
            constant(NS);
            constant(digits, digits(ns, digits));
        }
        constant(END);
        flush();
    }

    /**
     * A sample's value as {@link SampleValue#render()} has it: an integer's digits, and a decimal's when it
     * {@linkplain SampleValue.Decimal#rendersAsInteger renders as one}, written in place; other decimals and
     * text through their text.
     */
    private void value(SampleValue value) throws IOException {
        if (value instanceof SampleValue.Integer i) {
            number(i.value());
        } else if (value instanceof SampleValue.Decimal d && d.rendersAsInteger()) {
            number((long) d.value());
        } else {
            string(value.render());
        }
    }

    private void number(long value) throws IOException {
        room(20);
        position += digits(value, buffer, position);
    }

    /**
     * A host or key: from the cache of a toJson writer when it is the same String as the one in its slot;
     * another String with the same text only misses.
     */
    private void known(String s) throws IOException {
        if (knownText == null || s.length() > KNOWN_MAX_CHARS) {
            string(s);
            return;
        }
        int slot = s.hashCode() & (KNOWN_SLOTS - 1);
        if (knownText[slot] == s) {
            constant(knownJson[slot]);
            return;
        }
        room(MAX_BYTES_PER_CHAR * s.length()); // all of it in the buffer at once, to be copied from there
        int start = position;
        string(s);
        knownText[slot] = s;
        knownJson[slot] = Arrays.copyOfRange(buffer, start, position);
    }

    private void constant(byte[] bytes) throws IOException {
        constant(bytes, bytes.length);
    }

    private void constant(byte[] bytes, int length) throws IOException {
        room(length);
        System.arraycopy(bytes, 0, buffer, position, length);
        position += length;
    }

    /** Makes room for {@code bytes} more (at most the buffer's size when writing to a stream). */
    private void room(int bytes) throws IOException {
        if (position + bytes > buffer.length) {
            if (out != null) {
                flush();
            } else {
                buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, position + bytes));
            }
        }
    }

    /** A string's contents, escaped and encoded as Jackson would. */
    private void string(String s) throws IOException {
        int length = s.length();
        for (int from = 0; from < length; from += CHUNK_CHARS) {
            int n = Math.min(CHUNK_CHARS, length - from);
            // Copied out first, as Jackson does: a loop over a char[] is faster than charAt per char.
            s.getChars(from, from + n, chars, 0);
            room(MAX_BYTES_PER_CHAR * n);
            position = encode(chars, n, buffer, position);
        }
    }

    /** Encodes {@code chars[0..n)} at {@code p}, which has room for the worst case; returns the new position. */
    private static int encode(char[] chars, int n, byte[] b, int p) {
        int i = 0;
        while (i < n) {
            // The common case in a loop of its own: ASCII that needs no escape.
            char c;
            while (JsonStringBytes.plain(c = chars[i])) {
                b[p++] = (byte) c;
                if (++i == n) {
                    return p;
                }
            }
            i++;
            p = JsonStringBytes.write(c, b, p);
        }
        return p;
    }

    /** Writes {@code value}'s decimal digits at the start of {@code into} (20 bytes); returns how many. */
    private static int digits(long value, byte[] into) {
        return digits(value, into, 0);
    }

    /** Writes {@code value}'s decimal digits at {@code into[from]} (20 bytes from there); returns how many. */
    private static int digits(long value, byte[] into, int from) {
        if (value < 0) {
            // A clock or ns is never negative, a sample's value seldom: rare enough for the slow way.
            byte[] text = ascii(Long.toString(value));
            System.arraycopy(text, 0, into, from, text.length);
            return text.length;
        }
        int length = 1;
        for (long rest = value; rest >= 10; rest /= 10) {
            length++;
        }
        int at = from + length;
        do {
            into[--at] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value > 0);
        return length;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private void flush() throws IOException {
        if (out != null && position > 0) {
            out.write(buffer, 0, position);
            position = 0;
        }
    }
}
