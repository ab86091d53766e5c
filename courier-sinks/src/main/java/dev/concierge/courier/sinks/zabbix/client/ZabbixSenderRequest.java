package dev.concierge.courier.sinks.zabbix.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.concierge.courier.core.model.Sample;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A {@code sender data} request (PROTOCOLS.md §1.4), immutable:
 * <pre>
 * {"request":"sender data","data":[{"host":..,"key":..,"value":"..","clock":s,"ns":n},...],"clock":s,"ns":n}
 * </pre>
 * Values are always JSON strings, as zabbix_sender writes them. Every row carries {@code clock} and
 * {@code ns}: without {@code ns} the server numbers rows by position, so the same item and second in two
 * requests collide on the history key and the second value is silently dropped (PEERS.md, "Always send ns").
 * The one exception is an {@link #untimed} request, which carries no timestamps at all.
 */
public final class ZabbixSenderRequest {
    private static final JsonFactory JSON = new JsonFactory();
    /** Rows by {@code clock}, then {@code ns}: the order of a request's rows. */
    public static final Comparator<Row> BY_TIME = Comparator.comparingLong(Row::clock).thenComparingInt(Row::ns);

    /**
     * One value for one item: {@code host}, {@code key}, {@code value}, {@code clock} (Unix seconds) and
     * {@code ns} (nanoseconds within the second, 0..999,999,999). Immutable and equal by those five, however
     * it was made.
     *
     * <p>A row {@link #of} a sample keeps the sample instead of its key and value text: the writer writes
     * both straight into the frame ({@link ZabbixKeys#writeJson}), so a row waiting for its connection
     * holds no Strings of its own. {@link #key()} and {@link #value()} render them on demand; the key is
     * kept once rendered, for discovery, which looks it up more than once.
     */
    public static final class Row {
        private final String host;
        private final long clock;
        private final int ns;
        private final Sample sample; // null: key and value given as text
        private final int keyLength;
        private final String value; // null for a row of a sample
        // Rendered on first use for a row of a sample. A racy single check, as String.hash: a String is
        // safely published, and two threads rendering it at once render the same text.
        private String key;

        /**
         * A row of the given text.
         *
         * @param host  the technical host name
         * @param key   the item key, exactly as configured
         * @param value the value as text; the server converts it to the item's type
         * @param clock Unix seconds
         * @param ns    nanoseconds within the second, 0..999,999,999
         */
        public Row(String host, String key, String value, long clock, int ns) {
            this(host, null, Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"), clock, ns);
        }

        private Row(String host, Sample sample, String key, String value, long clock, int ns) {
            Objects.requireNonNull(host, "host");
            if (ns < 0 || ns > 999_999_999) {
                throw new IllegalArgumentException("ns: " + ns + " (expected: 0..999999999)");
            }
            this.host = host;
            this.sample = sample;
            this.key = key;
            this.keyLength = sample != null ? ZabbixKeys.length(sample) : key.length();
            this.value = value;
            this.clock = clock;
            this.ns = ns;
        }

        /**
         * The row for {@code sample}: its key from {@link ZabbixKeys#render}, its value rendered as text and
         * its timestamp.
         *
         * @param host the host to send it for; null means the sample's own host
         */
        public static Row of(Sample sample, String host) {
            return new Row(host != null ? host : sample.host(), sample, null, null, sample.epochSecond(),
                    sample.nanos());
        }

        public String host() {
            return host;
        }

        /** The item key; for a row of a sample, rendered by the first call. */
        public String key() {
            String k = key;
            if (k == null) {
                k = ZabbixKeys.render(sample);
                key = k;
            }
            return k;
        }

        /** The value as text; for a row of a sample, rendered by each call. */
        public String value() {
            return value != null ? value : sample.value().render();
        }

        public long clock() {
            return clock;
        }

        /**
         * A rough estimate of the heap this row keeps alive, for byte budgets: its sample's
         * {@link Sample#estimatedBytes()} (or its texts, one byte per char) plus the row itself.
         */
        public int estimatedBytes() {
            // Object header, two references, a long, two ints, the cached key's reference: 48 bytes.
            int own = 48;
            if (sample != null) {
                return own + sample.estimatedBytes();
            }
            return own + 3 * 40 + host.length() + key.length() + value.length();
        }

        public int ns() {
            return ns;
        }

        /** The key's length in chars ({@code key().length()}), known without rendering it. */
        public int keyLength() {
            return keyLength;
        }

        /** The sample whose key and value this row writes; null for a row made of text. */
        Sample sample() {
            return sample;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Row r) || clock != r.clock || ns != r.ns || !host.equals(r.host)) {
                return false;
            }
            // The same sample renders the same key and value: a retried batch's rows hold the same Samples.
            return sample != null && sample == r.sample
                    || keyLength == r.keyLength && key().equals(r.key()) && value().equals(r.value());
        }

        @Override
        public int hashCode() {
            int h = host.hashCode();
            h = 31 * h + key().hashCode();
            h = 31 * h + value().hashCode();
            h = 31 * h + Long.hashCode(clock);
            return 31 * h + ns;
        }

        @Override
        public String toString() {
            return "Row[host=" + host + ", key=" + key() + ", value=" + value() + ", clock=" + clock + ", ns=" + ns
                    + "]";
        }
    }

    private final List<Row> rows;
    private final long clock;
    private final int ns;
    private final boolean timed;

    private ZabbixSenderRequest(List<Row> rows, long clock, int ns, boolean timed) {
        this.rows = rows;
        this.clock = clock;
        this.ns = ns;
        this.timed = timed;
    }

    /**
     * A request for {@code rows}, ordered by time (stable for equal timestamps).
     *
     * @param sentAt the top-level {@code clock}/{@code ns}; servers only log its difference to their clock
     */
    public static ZabbixSenderRequest of(List<Row> rows, Instant sentAt) {
        List<Row> sorted;
        if (inTimeOrder(rows)) {
            sorted = List.copyOf(rows); // the sink's frames are immutable and in order: taken as they are
        } else {
            List<Row> copy = new ArrayList<>(rows);
            copy.sort(BY_TIME);
            sorted = List.copyOf(copy);
        }
        return new ZabbixSenderRequest(sorted, sentAt.getEpochSecond(), sentAt.getNano(), true);
    }

    /** Whether {@code rows} are ordered by time already, as the samples of one scrape are. */
    public static boolean inTimeOrder(List<Row> rows) {
        for (int i = 1; i < rows.size(); i++) {
            if (BY_TIME.compare(rows.get(i - 1), rows.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * A request for {@code rows} in the given order that carries no timestamps at all: no row
     * {@code clock}/{@code ns} (the rows' own are ignored) and no top-level ones, so the server stamps every
     * value with its receive time. This is what {@code zabbix_sender} sends without {@code -T}.
     */
    public static ZabbixSenderRequest untimed(List<Row> rows) {
        return new ZabbixSenderRequest(List.copyOf(rows), 0, 0, false);
    }

    /**
     * Reads a {@code sender data} request as a trapper does, keeping the rows in their order on the wire.
     * Unknown fields are skipped; a row without {@code clock} gets {@code receivedAt}, as the server gives it
     * its own receive time.
     *
     * @throws IllegalArgumentException when the payload is not JSON, not a {@code sender data} request, or
     *                                  a row lacks {@code host}, {@code key} or {@code value}
     */
    public static ZabbixSenderRequest parse(byte[] json, Instant receivedAt) {
        String request = null;
        List<Row> rows = null;
        long clock = receivedAt.getEpochSecond();
        int ns = receivedAt.getNano();
        try (JsonParser p = JSON.createParser(json)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, "request");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                switch (field) {
                    case "request" -> request = p.getValueAsString();
                    case "data" -> rows = parseRows(p, token, receivedAt);
                    case "clock" -> clock = parseLong(p, "clock");
                    case "ns" -> ns = (int) parseLong(p, "ns");
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("request: not JSON (" + message(e) + ")", e);
        }
        if (!"sender data".equals(request)) {
            throw new IllegalArgumentException("request: " + request + " (expected: sender data)");
        }
        if (rows == null) {
            throw new IllegalArgumentException("data: missing (expected: an array of rows)");
        }
        return new ZabbixSenderRequest(List.copyOf(rows), clock, ns, true);
    }

    private static List<Row> parseRows(JsonParser p, JsonToken token, Instant receivedAt) throws IOException {
        expect(p, token, JsonToken.START_ARRAY, "data");
        List<Row> rows = new ArrayList<>();
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            expect(p, token, JsonToken.START_OBJECT, "data[" + rows.size() + "]");
            String host = null;
            String key = null;
            String value = null;
            long clock = receivedAt.getEpochSecond();
            long ns = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "host" -> host = p.getValueAsString();
                    case "key" -> key = p.getValueAsString();
                    case "value" -> value = p.getValueAsString();
                    case "clock" -> clock = parseLong(p, "clock");
                    case "ns" -> ns = parseLong(p, "ns");
                    default -> p.skipChildren();
                }
            }
            if (host == null || key == null || value == null) {
                throw new IllegalArgumentException("data[" + rows.size() + "]: host " + host + ", key " + key
                        + ", value " + value + " (expected: host, key and value as strings)");
            }
            rows.add(new Row(host, key, value, clock, (int) ns));
        }
        return rows;
    }

    // zabbix_sender writes numbers; the server also reads numeric strings.
    private static long parseLong(JsonParser p, String field) throws IOException {
        String text = p.getValueAsString();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": " + text + " (expected: an integer)", e);
        }
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String field) {
        if (actual != expected) {
            throw new IllegalArgumentException(field + ": " + actual + " at " + p.currentLocation().offsetDescription()
                    + " (expected: " + expected + ")");
        }
    }

    /** The rows, in the order they are written. */
    public List<Row> rows() {
        return rows;
    }

    public int size() {
        return rows.size();
    }

    /** False for an {@link #untimed} request, which writes no {@code clock} or {@code ns}. */
    public boolean timed() {
        return timed;
    }

    /** The top-level {@code clock}. */
    public long clock() {
        return clock;
    }

    /** The top-level {@code ns}. */
    public int ns() {
        return ns;
    }

    /** The request as UTF-8 JSON, without a trailing newline. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 96 * rows.size());
        writeTo(out);
        return out.toByteArray();
    }

    /**
     * Writes the request as UTF-8 JSON into {@code out}, which grows as needed; its writer index moves to the
     * end of the JSON.
     */
    public void writeTo(ByteBuf out) {
        writeTo(new ByteBufOutputStream(out));
    }

    /**
     * A capacity for {@link #writeTo(ByteBuf)} that most requests fit in: sender-data rows with
     * Prometheus-style keys are 120 to 200 bytes.
     */
    public int estimatedJsonBytes() {
        return 64 + 160 * rows.size();
    }

    /** Writes the request as UTF-8 JSON to {@code out}, which stays open. */
    public void writeTo(OutputStream out) {
        try {
            new ZabbixSenderDataWriter(out).write(rows, timed, clock, ns);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "ZabbixSenderRequest(" + rows.size() + " rows, " + (timed ? "clock " + clock + "." + ns : "untimed") + ")";
    }

    /** Jackson's message without its multi-line source location. */
    private static String message(IOException e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.toString();
    }
}
