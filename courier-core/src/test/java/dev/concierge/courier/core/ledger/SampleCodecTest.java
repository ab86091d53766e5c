package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.NameSyntax;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SampleCodecTest {
    private static byte[] encode(Sample sample) {
        CompactWriter out = new CompactWriter();
        out.reset(0);
        SampleCodec.encode(sample, out);
        return Arrays.copyOf(out.array(), out.length());
    }

    private static Sample roundTrip(Sample sample) {
        return SampleCodec.decode(ByteBuffer.wrap(encode(sample)));
    }

    private static Sample sample(String name, Labels labels, MetricType type, String field, SampleValue value,
                                 long epochSecond, int nanos) {
        return new Sample(name, labels, type, field, value, epochSecond, nanos, "host-1", "dropwizard");
    }

    @Test
    void roundTripsEveryValueKindExactly() {
        List<SampleValue> values = List.of(SampleValue.of(0L), SampleValue.of(-1L), SampleValue.of(Long.MAX_VALUE),
                SampleValue.of(Long.MIN_VALUE), SampleValue.of(0.25), SampleValue.of(-0.0), SampleValue.of(Double.NaN),
                SampleValue.of(Double.longBitsToDouble(0x7ff8_0000_dead_beefL)), SampleValue.of(Double.NEGATIVE_INFINITY),
                SampleValue.of(Double.MIN_VALUE), SampleValue.of(""), SampleValue.of("OK"));
        for (SampleValue value : values) {
            Sample sample = sample("app.requests", Labels.empty(), MetricType.GAUGE, "value", value, 1_700_000_000L, 5);

            Sample back = roundTrip(sample);

            assertThat(back).isEqualTo(sample);
            if (value instanceof SampleValue.Decimal decimal) {
                assertThat(Double.doubleToRawLongBits(((SampleValue.Decimal) back.value()).value()))
                        .isEqualTo(Double.doubleToRawLongBits(decimal.value()));
            }
        }
    }

    @Test
    void roundTripsEveryMetricTypeLabelsNullFieldAndTimestampExtremes() {
        for (MetricType type : MetricType.values()) {
            Sample sample = sample("node_cpu_seconds_total", Labels.of("cpu", "0", "mode", "idle", "empty", ""), type,
                    null, SampleValue.of(42L), -62_135_596_800L, 999_999_999);

            assertThat(roundTrip(sample)).isEqualTo(sample);
        }
        Sample far = sample("x", Labels.empty(), MetricType.COUNTER, "", SampleValue.of(1L), Long.MAX_VALUE, 0);
        assertThat(roundTrip(far)).isEqualTo(far);
        assertThat(roundTrip(far).field()).isEmpty();
    }

    @Test
    void roundTripsUnicodeIncludingLoneSurrogates() {
        String emoji = "温度 \uD83D\uDE80 ünïcödé €";
        String lone = "a\uD800b\uDC00c\uDBFF";
        Sample sample = new Sample(emoji, Labels.of("régión", emoji, lone, "v"), MetricType.TIMER, "p99 ✓",
                SampleValue.of(lone), 1_700_000_000L, 123, "hôst-" + emoji, "sоurce-cyrillic-о");

        assertThat(roundTrip(sample)).isEqualTo(sample);
    }

    @Test
    void decodesAsciiAndUnicodeFromTheMiddleOfASlicedBuffer() {
        Sample ascii = sample("node_load1", Labels.of("job", "node"), MetricType.GAUGE, null, SampleValue.of(1L), 1, 0);
        Sample unicode = sample("temp", Labels.of("room", "küche"), MetricType.GAUGE, null, SampleValue.of("ok"), 2, 0);
        byte[] first = encode(ascii);
        byte[] second = encode(unicode);
        byte[] all = new byte[3 + first.length + second.length];
        System.arraycopy(first, 0, all, 3, first.length);
        System.arraycopy(second, 0, all, 3 + first.length, second.length);
        ByteBuffer in = ByteBuffer.wrap(all).position(1).slice().position(2);

        assertThat(SampleCodec.decode(in.slice().limit(first.length))).isEqualTo(ascii);
        assertThat(SampleCodec.decode(in.position(2 + first.length).slice())).isEqualTo(unicode);
    }

    @Test
    void roundTripsStringsAroundTheOneByteLengthWhetherAsciiOrNot() {
        for (int length : new int[] {0, 1, 126, 127, 128, 300}) {
            String ascii = "a".repeat(length);
            String late = length == 0 ? "é" : "a".repeat(length - 1) + "é";
            Sample sample = new Sample(ascii, Labels.of(late, ascii), MetricType.GAUGE, late, SampleValue.of(late),
                    1, 0, ascii, late);

            assertThat(roundTrip(sample)).isEqualTo(sample);
            CompactWriter out = new CompactWriter();
            out.reset(0);
            out.writeString(late);
            int bytes = late.length() + 1;
            assertThat(Arrays.copyOfRange(out.array(), 0, out.length()))
                    .endsWith((byte) 0xC3, (byte) 0xA9)
                    .hasSize((bytes < 0x80 ? 1 : 2) + bytes);
        }
    }

    @Test
    void writesTheDocumentedBytes() {
        Sample sample = new Sample("a", Labels.of("k", "v"), MetricType.COUNTER, null, SampleValue.of(-1L), 1, 2,
                "h", "s");

        assertThat(encode(sample)).containsExactly(
                1, 'a', // name
                1, 1, 'k', 1, 'v', // labels
                1, // counter
                0, // null field
                1, 1, // integer -1, zigzag
                2, // epochSecond 1, zigzag
                2, // nanos
                1, 'h', 1, 's');
    }

    @Test
    void rejectsTruncatedAndTrailingBytes() {
        Sample sample = sample("app.requests", Labels.of("a", "b"), MetricType.METER, "m1_rate", SampleValue.of(1.5),
                1_700_000_000L, 0);
        byte[] bytes = encode(sample);

        for (int cut = 0; cut < bytes.length; cut++) {
            ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(bytes, cut));
            assertThatThrownBy(() -> SampleCodec.decode(truncated)).isInstanceOf(IllegalArgumentException.class);
        }
        ByteBuffer longer = ByteBuffer.wrap(Arrays.copyOf(bytes, bytes.length + 1));
        assertThatThrownBy(() -> SampleCodec.decode(longer)).hasMessageContaining("trailing bytes");
    }

    @Test
    void samplesReadBackThroughOneTableShareTheirSeriesHostAndSource() {
        ReadBackSeries known = new ReadBackSeries();
        Sample first = new Sample("node_cpu_seconds_total", Labels.of("cpu", "0", "mode", "idle"), MetricType.COUNTER,
                null, SampleValue.of(1.5), 1_700_000_000L, 1, "web-01", "node");
        Sample second = new Sample("node_cpu_seconds_total", Labels.of("cpu", "0", "mode", "idle"), MetricType.COUNTER,
                null, SampleValue.of(2.5), 1_700_000_010L, 2, "web-01", "node");

        Sample a = SampleCodec.decode(ByteBuffer.wrap(encode(first)), known);
        Sample b = SampleCodec.decode(ByteBuffer.wrap(encode(second)), known);

        assertThat(a).isEqualTo(first);
        assertThat(b).isEqualTo(second);
        assertThat(b.name()).isSameAs(a.name());
        assertThat(b.labels()).isSameAs(a.labels());
        assertThat(b.host()).isSameAs(a.host());
        assertThat(b.source()).isSameAs(a.source());
        assertThat(known.hits()).isEqualTo(1);
    }

    @Test
    void aTableDecodesExactlyWhatDecodingAloneDoesWhateverItHeldBefore() {
        ReadBackSeries known = new ReadBackSeries();
        Random random = new Random(7);
        String[] names = {"a", "b", "node_load1", "\ud800lone", "caf\u00e9"};
        String[] values = {"", "0", "1", "idle", "\u0141\u00f3d\u017a"};
        for (int i = 0; i < 5_000; i++) {
            Labels labels = Labels.empty();
            for (int l = random.nextInt(4); l > 0; l--) {
                labels = labels.with(names[random.nextInt(names.length)], values[random.nextInt(values.length)]);
            }
            Sample sample = new Sample(names[random.nextInt(names.length)], labels, MetricType.GAUGE,
                    random.nextBoolean() ? null : "value", SampleValue.of(random.nextInt(300)), 1_700_000_000L + i, i,
                    "host-" + random.nextInt(3), "source-" + random.nextInt(2));
            byte[] bytes = encode(sample);

            assertThat(SampleCodec.decode(ByteBuffer.wrap(bytes), known)).isEqualTo(sample)
                    .isEqualTo(SampleCodec.decode(ByteBuffer.wrap(bytes)));
        }
        assertThat(known.hits()).isPositive();
    }

    @Test
    void aTableRejectsTruncatedAndTrailingBytesAsDecodingAloneDoes() {
        ReadBackSeries known = new ReadBackSeries();
        Sample sample = sample("app.requests", Labels.of("a", "b"), MetricType.METER, "m1_rate", SampleValue.of(1.5),
                1_700_000_000L, 0);
        byte[] bytes = encode(sample);
        SampleCodec.decode(ByteBuffer.wrap(bytes), known); // the table knows the series, host and source now

        for (int cut = 0; cut < bytes.length; cut++) {
            ByteBuffer truncated = ByteBuffer.wrap(Arrays.copyOf(bytes, cut));
            assertThatThrownBy(() -> SampleCodec.decode(truncated, known))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        ByteBuffer longer = ByteBuffer.wrap(Arrays.copyOf(bytes, bytes.length + 1));
        assertThatThrownBy(() -> SampleCodec.decode(longer, known)).hasMessageContaining("trailing bytes");
    }

    @Test
    void aTableThatFindsAlmostNothingRestsAndStillDecodesExactly() {
        ReadBackSeries known = new ReadBackSeries();
        for (int i = 0; i < ReadBackSeries.PROBE; i++) { // every series new: no hit
            SampleCodec.decode(ByteBuffer.wrap(encode(sample("series." + i, Labels.empty(), MetricType.GAUGE, null,
                    SampleValue.of(i), 1_700_000_000L, 0))), known);
        }
        Sample again = sample("series.0", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(0L), 1_700_000_000L, 0);
        int lookups = known.hits() + known.misses();

        assertThat(SampleCodec.decode(ByteBuffer.wrap(encode(again)), known)).isEqualTo(again);
        assertThat(known.hits() + known.misses()).as("resting: not looked up").isEqualTo(lookups);
    }

    @Test
    void writesAPrometheusSampleWithOneMarkByteAfterTheSourceAndReadsItBack() {
        Sample verbatim = new Sample("a", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(1L), 0, 0, "h", "s");
        Sample prometheus = new Sample("a.b", Labels.of("c.d", "v"), MetricType.GAUGE, null, SampleValue.of(1L), 0, 0,
                "h", "s", NameSyntax.PROMETHEUS);

        byte[] bytes = encode(prometheus);

        assertThat(bytes[bytes.length - 1]).isEqualTo((byte) 1);
        assertThat(roundTrip(prometheus)).isEqualTo(prometheus);
        assertThat(roundTrip(prometheus).nameSyntax()).isEqualTo(NameSyntax.PROMETHEUS);
        // Verbatim samples keep the bytes ledgers written before the mark existed hold, and read back as such.
        assertThat(encode(verbatim)).containsExactly(1, 'a', 0, 2, 0, 1, 2, 0, 0, 1, 'h', 1, 's');
        assertThat(roundTrip(verbatim).nameSyntax()).isEqualTo(NameSyntax.VERBATIM);
    }
}
