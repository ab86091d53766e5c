package dev.concierge.courier.sources.zabbix;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code sender data} request as the trapper's by-keys path does (PROTOCOLS.md §1.4, §1.6), into one
 * {@link MetricType#ITEM} sample per valid row: host and key verbatim, the value as the text it came as (an LLD
 * document for a discovery rule is one more value, passed on untouched), no key rendering downstream.
 *
 * <p>Timestamps as the server gives them: a row with {@code clock} and {@code ns} keeps both; a row with
 * {@code clock} and no {@code ns} gets its position in the request as {@code ns}; a row without {@code clock}
 * gets the receive time, each such row one nanosecond after the previous, so no two collide. The top-level
 * {@code clock}/{@code ns} are ignored, as 6.x and 7.x servers only log them.
 *
 * <p>A row is failed, and counted in {@code total}, when it lacks {@code host}, {@code key} or {@code value},
 * its clock is not an unsigned 31-bit integer or its ns not 0..999999999, or its host is over 128 or its key
 * over 2048 characters ({@code ZBX_MAX_HOSTNAME_LEN}, {@code ZBX_ITEM_KEY_LEN}). A {@code data} element that
 * is not an object ends the rows there, uncounted, as on the server.
 *
 * <p>Stateless and thread-safe.
 */
final class ZabbixSenderDataReader {
    static final int MAX_HOST_CHARS = 128;
    static final int MAX_KEY_CHARS = 2048;
    private static final long MAX_CLOCK = Integer.MAX_VALUE;
    private static final JsonFactory JSON = JsonFactory.builder().build();

    /**
     * The rows read.
     *
     * @param samples one per valid row, in request order
     * @param failed  rows refused
     */
    record SenderData(List<Sample> samples, int failed) {
        int total() {
            return samples.size() + failed;
        }
    }

    /** Not a {@code sender data} request the intake can answer with counts; the reason goes into the reply. */
    static final class NotSenderData extends Exception {
        NotSenderData(String message) {
            super(message, null, false, false);
        }
    }

    private ZabbixSenderDataReader() {
    }

    static SenderData read(byte[] json, Instant receivedAt, String source) throws NotSenderData {
        String request = null;
        SenderData data = null;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new NotSenderData("cannot parse request: not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                if ("request".equals(field) && token == JsonToken.VALUE_STRING) {
                    request = p.getText();
                } else if ("data".equals(field) && token == JsonToken.START_ARRAY) {
                    data = rows(p, receivedAt, source);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new NotSenderData("cannot parse request: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? j.getOriginalMessage() : e.getMessage()));
        }
        if (!"sender data".equals(request)) {
            throw new NotSenderData(request == null ? "cannot find the \"request\" tag"
                    : "unsupported request \"" + request + "\"");
        }
        if (data == null) {
            throw new NotSenderData("cannot open \"data\" token");
        }
        return data;
    }

    private static SenderData rows(JsonParser p, Instant receivedAt, String source) throws IOException {
        List<Sample> samples = new ArrayList<>();
        int failed = 0;
        int position = 0;
        long unstampedSecond = receivedAt.getEpochSecond();
        long unstampedNanos = receivedAt.getNano();
        JsonToken token;
        while ((token = p.nextToken()) == JsonToken.START_OBJECT) {
            Row row = row(p);
            if (row.valid()) {
                long second;
                int nanos;
                if (row.clock >= 0) {
                    second = row.clock;
                    nanos = row.ns >= 0 ? (int) row.ns : position;
                } else {
                    second = unstampedSecond + unstampedNanos / 1_000_000_000L;
                    nanos = (int) (unstampedNanos % 1_000_000_000L);
                    unstampedNanos++;
                }
                samples.add(new Sample(row.key, Labels.empty(), MetricType.ITEM, null, SampleValue.of(row.value),
                        second, nanos, row.host, source));
            } else {
                failed++;
            }
            position++;
        }
        if (token != JsonToken.END_ARRAY) {
            // An element that is not an object: the server stops there. Skip the rest to keep the reader in place.
            p.skipChildren();
            while (p.nextToken() != null && p.currentToken() != JsonToken.END_ARRAY) {
                p.skipChildren();
            }
        }
        return new SenderData(samples, failed);
    }

    /** One row's fields; -1 for a clock or ns that is missing, -2 for one that is invalid. */
    private static final class Row {
        String host;
        String key;
        String value;
        long clock = -1;
        long ns = -1;

        boolean valid() {
            return host != null && key != null && value != null && clock != -2 && ns != -2
                    && host.length() <= MAX_HOST_CHARS && key.length() <= MAX_KEY_CHARS
                    && !host.isEmpty() && !key.isEmpty();
        }
    }

    private static Row row(JsonParser p) throws IOException {
        Row row = new Row();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            switch (field) {
                case "host" -> row.host = scalar(p, token);
                case "key" -> row.key = scalar(p, token);
                case "value" -> row.value = scalar(p, token);
                case "clock" -> row.clock = number(scalar(p, token), MAX_CLOCK);
                case "ns" -> row.ns = number(scalar(p, token), 999_999_999L);
                default -> p.skipChildren();
            }
        }
        return row;
    }

    /** A string, number or boolean as its text; null for null, an object or an array (skipped). */
    private static String scalar(JsonParser p, JsonToken token) throws IOException {
        if (token.isScalarValue() && token != JsonToken.VALUE_NULL) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /** A decimal integer from 0 to {@code max}, or -2. */
    private static long number(String text, long max) {
        if (text == null || text.isEmpty() || text.length() > 10) {
            return -2;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -2;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -2;
    }
}
