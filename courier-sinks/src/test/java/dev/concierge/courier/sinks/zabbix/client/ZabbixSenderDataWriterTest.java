package dev.concierge.courier.sinks.zabbix.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written writer against Jackson's generator, which wrote these requests before it: same bytes, for
 * the sink's streaming use and {@code courier send}'s {@code toJson} with its host and key cache.
 */
class ZabbixSenderDataWriterTest {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Instant SENT_AT = Instant.ofEpochSecond(1_717_171_720L, 5_000);

    /** The request as Jackson's generator writes it with its defaults. */
    private static byte[] jackson(ZabbixSenderRequest request) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("request", "sender data");
            g.writeArrayFieldStart("data");
            for (Row row : request.rows()) {
                g.writeStartObject();
                g.writeStringField("host", row.host());
                g.writeStringField("key", row.key());
                g.writeStringField("value", row.value());
                if (request.timed()) {
                    g.writeNumberField("clock", row.clock());
                    g.writeNumberField("ns", row.ns());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            if (request.timed()) {
                g.writeNumberField("clock", request.clock());
                g.writeNumberField("ns", request.ns());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /** Through the sink's request (both of its ways), and through a toJson writer twice: the second from its cache. */
    private static void assertSameBytesAsJackson(ZabbixSenderRequest request) throws IOException {
        byte[] expected = jackson(request);
        assertThat(request.toJson()).isEqualTo(expected);
        ZabbixSenderDataWriter writer = new ZabbixSenderDataWriter();
        for (int round = 0; round < 2; round++) {
            assertThat(writer.toJson(request.rows(), request.timed(), request.clock(), request.ns())).isEqualTo(expected);
        }
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(16);
        try {
            request.writeTo(buffer);
            assertThat(ByteBufUtil.getBytes(buffer)).isEqualTo(expected);
        } finally {
            buffer.release();
        }
    }

    @Test
    void writesEveryCharOfTheBasicPlaneAsJacksonDoes() throws IOException {
        List<Row> rows = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        for (int c = 0; c <= 0xFFFF; c++) {
            chunk.append((char) c);
            if (chunk.length() == 1000 || c == 0xFFFF) {
                rows.add(new Row("h", chunk.toString(), "v" + chunk, 1, 2));
                chunk.setLength(0);
            }
        }
        assertSameBytesAsJackson(ZabbixSenderRequest.of(rows, SENT_AT));
    }

    @Test
    void writesSurrogatePairsAndLoneSurrogatesAsJacksonDoes() throws IOException {
        assertSameBytesAsJackson(ZabbixSenderRequest.of(List.of(
                new Row("h\uD83D\uDE00st", "key[\uD800]", "\uDFFFx\uD83D", 1, 0)), SENT_AT));
    }

    @Test
    void writesRandomRequestsAsJacksonDoesTimedOrNot() throws IOException {
        Random random = new Random(42);
        String alphabet = "abcXYZ019_.,[]=\"\\ \n\t\u0001\u007f\u00e9\u20ac\uD83D\uDE00/";
        for (int request = 0; request < 200; request++) {
            List<Row> rows = new ArrayList<>();
            int n = 1 + random.nextInt(50);
            for (int i = 0; i < n; i++) {
                rows.add(new Row(text(random, alphabet, 20), text(random, alphabet, 300), text(random, alphabet, 40),
                        random.nextBoolean() ? random.nextLong() : random.nextInt(Integer.MAX_VALUE),
                        random.nextInt(1_000_000_000)));
            }
            assertSameBytesAsJackson(ZabbixSenderRequest.of(rows, SENT_AT));
            assertSameBytesAsJackson(ZabbixSenderRequest.untimed(rows));
        }
        assertSameBytesAsJackson(ZabbixSenderRequest.of(List.of(new Row("h", "k", "", 0, 0), new Row("h", "k", "", -1, 7),
                new Row("h", "k", "", -1, 7), new Row("h", "k", "", 0, 7), new Row("h", "k", "", 0, 0),
                new Row("h", "k", "", Long.MIN_VALUE, 0),
                new Row("h", "k", "", Long.MAX_VALUE, 999_999_999), new Row("", "", "", 0, 0)),
                Instant.ofEpochSecond(-5, 0)));
    }

    @Test
    void writesALongRequestThroughItsBufferAsJacksonDoes() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            rows.add(new Row("e2e-bench", "untyped[node_cpu_seconds_total,cpu=" + i + ",mode=idle]",
                    Double.toString(i * 0.25), 1_717_171_717L + i / 100, i * 1000));
        }
        rows.add(new Row("h", "x".repeat(20_000), "\"".repeat(5_000), 1, 0));
        assertSameBytesAsJackson(ZabbixSenderRequest.of(rows, SENT_AT));
    }

    @Test
    void writesRepeatedHostsAndKeysTheSameFromItsCache() throws IOException {
        String host = "h\u00e9";
        String aa = "k\"Aa";
        String bb = "k\"BB"; // the same String hash as aa: both compete for one slot
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(new Row(host, i % 2 == 0 ? aa : bb, "v" + i, 10, 2 * i));
            rows.add(new Row(new String(host), new String(aa), "w" + i, 10, 2 * i + 1));
        }
        assertSameBytesAsJackson(ZabbixSenderRequest.of(rows, SENT_AT));
        assertSameBytesAsJackson(ZabbixSenderRequest.untimed(rows));
    }

    @Test
    void growsItsBufferForALargeRequestAndStartsAfreshForEach() throws IOException {
        ZabbixSenderDataWriter writer = new ZabbixSenderDataWriter();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            rows.add(new Row("host-" + (i % 7), "item[" + i + "]", "x".repeat(i % 50), 1_700_000_000L + i, i));
        }
        ZabbixSenderRequest large = ZabbixSenderRequest.of(rows, SENT_AT);
        assertThat(writer.toJson(large.rows(), true, large.clock(), large.ns())).isEqualTo(jackson(large));
        assertThat(new String(writer.toJson(rows.subList(0, 1), false, 0, 0), StandardCharsets.UTF_8))
                .isEqualTo("{\"request\":\"sender data\",\"data\":[{\"host\":\"host-0\",\"key\":\"item[0]\",\"value\":\"\"}]}");
        assertThat(writer.toJson(List.of(), true, 5, 6))
                .isEqualTo(jackson(ZabbixSenderRequest.of(List.of(), Instant.ofEpochSecond(5, 6))));
    }

    /** The rows of {@code samples} as the sink makes them, and the same rows made of their rendered text. */
    private static void assertSampleRowsWriteAsTheirText(List<Sample> samples) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<Row> text = new ArrayList<>();
        for (Sample sample : samples) {
            rows.add(Row.of(sample, null));
            text.add(new Row(sample.host(), ZabbixKeys.render(sample), sample.value().render(), sample.epochSecond(),
                    sample.nanos()));
        }
        for (boolean timed : new boolean[] {true, false}) {
            ZabbixSenderRequest fromSamples = timed ? ZabbixSenderRequest.of(rows, SENT_AT)
                    : ZabbixSenderRequest.untimed(rows);
            ZabbixSenderRequest fromText = timed ? ZabbixSenderRequest.of(text, SENT_AT)
                    : ZabbixSenderRequest.untimed(text);
            byte[] expected = jackson(fromText);
            ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(16);
            try {
                fromSamples.writeTo(buffer);
                assertThat(ByteBufUtil.getBytes(buffer)).isEqualTo(expected);
            } finally {
                buffer.release();
            }
            assertThat(fromSamples.toJson()).isEqualTo(expected);
            assertThat(new ZabbixSenderDataWriter().toJson(fromSamples.rows(), timed, fromSamples.clock(),
                    fromSamples.ns())).isEqualTo(expected);
        }
    }

    @Test
    void writesRowsOfSamplesAsJacksonWritesTheirRenderedKeysAndValues() throws IOException {
        Random random = new Random(7);
        String alphabet = "abcXYZ019_.,[]=\"\\ \n\t\u0001\u001f\u007f\u00e9\u07ff\u0800\u20ac\uD83D\uDE00\uDFFF/";
        MetricType[] types = MetricType.values();
        for (int request = 0; request < 100; request++) {
            List<Sample> samples = new ArrayList<>();
            int n = 1 + random.nextInt(50);
            for (int i = 0; i < n; i++) {
                String[] labels = new String[2 * random.nextInt(4)];
                for (int l = 0; l < labels.length; l++) {
                    labels[l] = text(random, alphabet, 12);
                }
                samples.add(new Sample(text(random, alphabet, 20), Labels.of(labels), types[random.nextInt(types.length)],
                        random.nextBoolean() ? null : text(random, alphabet, 8), value(random, alphabet),
                        random.nextInt(Integer.MAX_VALUE), random.nextInt(1_000_000_000), text(random, alphabet, 10),
                        "test"));
            }
            assertSampleRowsWriteAsTheirText(samples);
        }
    }

    @Test
    void writesEveryCharOfTheBasicPlaneInAKeyOfASampleAsJacksonDoes() throws IOException {
        List<Sample> samples = new ArrayList<>();
        StringBuilder chunk = new StringBuilder();
        for (int c = 0; c <= 0xFFFF; c++) {
            chunk.append((char) c);
            if (chunk.length() == 200 || c == 0xFFFF) {
                // As a label value, quoted where it has a comma or a bracket, and as the name, never quoted.
                samples.add(new Sample("n", Labels.of("k", chunk.toString()), MetricType.GAUGE, null,
                        SampleValue.of(1L), 1, 2, "h", "test"));
                samples.add(new Sample(chunk.toString(), Labels.empty(), MetricType.DISCOVERY, "f",
                        SampleValue.of(chunk.toString()), 1, 2, "h", "test"));
                chunk.setLength(0);
            }
        }
        assertSampleRowsWriteAsTheirText(samples);
    }

    @Test
    void writesTheValuesOfSamplesAsTheirRenderedText() throws IOException {
        List<Sample> samples = new ArrayList<>();
        long[] integers = {0, 1, 9, 10, 99, 100, -1, -10, 1_234_567_890_123L, Long.MAX_VALUE, Long.MIN_VALUE};
        double[] decimals = {0.0, -0.0, 1.0, -3.0, 0.25, 42.0, 1e20, -1e20, 0x1p53, 0x1p53 - 1, -0x1p53 + 1, -0x1p53,
                0x1p53 + 2, 1e-300, Double.MIN_VALUE, Double.MAX_VALUE, 123456.789, -0.5, 4.9e-324};
        for (long v : integers) {
            samples.add(new Sample("i", Labels.empty(), MetricType.COUNTER, null, SampleValue.of(v), 1, 0, "h", "t"));
        }
        for (double v : decimals) {
            samples.add(new Sample("d", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(v), 1, 0, "h", "t"));
        }
        samples.add(new Sample("t", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(""), 1, 0, "h", "t"));
        assertSampleRowsWriteAsTheirText(samples);
    }

    @Test
    void writesAKeyOfASampleTooLongForTheStreamsBufferAsJacksonDoes() throws IOException {
        // 3,000 chars: past the stream writer's buffer at six bytes each, so written from its text.
        assertSampleRowsWriteAsTheirText(List.of(
                new Sample("long", Labels.of("k", "\u20ac".repeat(3000)), MetricType.GAUGE, null, SampleValue.of(1L),
                        1, 0, "h", "t"),
                new Sample("short", Labels.of("k", "v"), MetricType.GAUGE, null, SampleValue.of(2L), 1, 0, "h", "t")));
    }

    private static SampleValue value(Random random, String alphabet) {
        return switch (random.nextInt(4)) {
            case 0 -> SampleValue.of(random.nextLong());
            case 1 -> SampleValue.of((double) random.nextInt(1000) - 500);
            case 2 -> SampleValue.of(random.nextGaussian() * Math.pow(10, random.nextInt(40) - 20));
            default -> SampleValue.of(text(random, alphabet, 30));
        };
    }

    @Test
    void refusesToJsonOnAStreamWriter() {
        assertThatThrownBy(() -> new ZabbixSenderDataWriter(new ByteArrayOutputStream()).toJson(List.of(), false, 0, 0))
                .isInstanceOf(IllegalStateException.class);
    }

    private static String text(Random random, String alphabet, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
