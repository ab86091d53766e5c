package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.NameSyntax;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The compact binary form of a {@link Sample} in the ledger's segment files. Every field round-trips
 * exactly: strings keep lone surrogates, doubles keep their bits (NaN payloads, {@code -0.0}).
 *
 * <pre>
 * name       string
 * labels     varint count, then count x (name string, value string)
 * type       byte: 1 counter, 2 gauge, 3 histogram, 4 meter, 5 timer, 6 summary, 7 untyped, 8 discovery
 * field      varint 0 for null, else (byte length + 1) then the bytes
 * value      byte tag: 1 integer (zigzag varlong), 2 decimal (8 bytes, IEEE 754 bits, big-endian),
 *            3 text (string)
 * epochSecond zigzag varlong
 * nanos      varint
 * host       string
 * source     string
 * syntax     byte 1 for {@link NameSyntax#PROMETHEUS} names; absent for verbatim ones, so that verbatim
 *            samples keep the bytes written before the mark existed and those bytes read back as verbatim
 *
 * string = varint byte length, then the UTF-8 bytes; a lone surrogate is written as its own 3-byte
 *          sequence (WTF-8) so that any Java string comes back equal
 * varint = unsigned LEB128
 * </pre>
 *
 * <p>The primitives are {@link CompactWriter}'s and {@link CompactReader}'s.
 */
final class SampleCodec {
    private static final MetricType[] TYPES = {null, MetricType.COUNTER, MetricType.GAUGE, MetricType.HISTOGRAM,
            MetricType.METER, MetricType.TIMER, MetricType.SUMMARY, MetricType.UNTYPED, MetricType.DISCOVERY,
            MetricType.ITEM};
    private static final byte INTEGER = 1;
    private static final byte DECIMAL = 2;
    private static final byte TEXT = 3;
    private static final byte PROMETHEUS_NAMES = 1;

    private SampleCodec() {
    }

    /** Appends {@code sample} to {@code out}. */
    static void encode(Sample sample, CompactWriter out) {
        out.writeString(sample.name());
        Labels labels = sample.labels();
        out.writeVarLong(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            out.writeString(labels.name(i));
            out.writeString(labels.value(i));
        }
        out.writeByte(typeCode(sample.type()));
        out.writeNullableString(sample.field());
        SampleValue value = sample.value();
        if (value instanceof SampleValue.Integer integer) {
            out.writeByte(INTEGER);
            out.writeZigZag(integer.value());
        } else if (value instanceof SampleValue.Decimal decimal) {
            out.writeByte(DECIMAL);
            out.writeLong(Double.doubleToRawLongBits(decimal.value()));
        } else {
            out.writeByte(TEXT);
            out.writeString(((SampleValue.Text) value).value());
        }
        out.writeZigZag(sample.epochSecond());
        out.writeVarLong(sample.nanos());
        out.writeString(sample.host());
        out.writeString(sample.source());
        if (sample.nameSyntax() == NameSyntax.PROMETHEUS) {
            out.writeByte(PROMETHEUS_NAMES);
        }
    }

    /**
     * Decodes one sample from the remaining bytes of {@code in}, which must hold exactly one.
     *
     * @throws IllegalArgumentException when the bytes are not a sample
     */
    static Sample decode(ByteBuffer in) {
        return decode(in, null);
    }

    /**
     * As {@link #decode(ByteBuffer)}, sharing the name, labels, host and source of samples read before through
     * {@code known} (null: none shared). The sample is equal to what {@link #decode(ByteBuffer)} returns.
     */
    static Sample decode(ByteBuffer in, ReadBackSeries known) {
        try {
            String name = null;
            Labels labels = null;
            int seriesFrom = in.position();
            int seriesTo = known == null || !known.active() ? -1 : seriesEnd(in, seriesFrom);
            if (seriesTo >= 0) {
                int slot = known.find(in, seriesFrom, seriesTo);
                if (slot >= 0) {
                    name = known.name(slot);
                    labels = known.labels(slot);
                    in.position(seriesTo);
                }
            }
            if (name == null) {
                name = CompactReader.readString(in);
                int labelCount = CompactReader.readCount(in, "label count", in.remaining() / 2);
                labels = Labels.empty();
                for (int i = 0; i < labelCount; i++) {
                    labels = labels.with(CompactReader.readString(in), CompactReader.readString(in));
                }
                if (seriesTo >= 0) {
                    known.remember(in, seriesFrom, seriesTo, name, labels);
                }
            }
            int typeCode = in.get();
            if (typeCode < 1 || typeCode >= TYPES.length) {
                throw new IllegalArgumentException("type: " + typeCode + " (expected: 1.." + (TYPES.length - 1) + ")");
            }
            String field = CompactReader.readNullableString(in);
            byte tag = in.get();
            SampleValue value = switch (tag) {
                case INTEGER -> SampleValue.of(CompactReader.readZigZag(in));
                case DECIMAL -> SampleValue.of(Double.longBitsToDouble(in.getLong()));
                case TEXT -> SampleValue.of(CompactReader.readString(in));
                default -> throw new IllegalArgumentException("value tag: " + tag + " (expected: 1, 2 or 3)");
            };
            long epochSecond = CompactReader.readZigZag(in);
            int nanos = CompactReader.readCount(in, "nanos", 999_999_999);
            String host = known == null ? CompactReader.readString(in) : text(in, known, ReadBackSeries.HOST);
            String source = known == null ? CompactReader.readString(in) : text(in, known, ReadBackSeries.SOURCE);
            NameSyntax syntax = NameSyntax.VERBATIM;
            if (in.hasRemaining() && in.get(in.position()) == PROMETHEUS_NAMES) {
                in.get();
                syntax = NameSyntax.PROMETHEUS;
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes: " + in.remaining() + " (expected: 0)");
            }
            return new Sample(name, labels, TYPES[typeCode], field, value, epochSecond, nanos, host, source, syntax);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("sample: truncated (expected: a complete sample)", e);
        }
    }

    private static String text(ByteBuffer in, ReadBackSeries known, int which) {
        int from = in.position();
        int to = skipString(in, from);
        String text = to < 0 ? null : known.text(which, in, from, to);
        if (text != null) {
            in.position(to);
            return text;
        }
        text = CompactReader.readString(in);
        if (to >= 0) {
            known.rememberText(which, in, from, to, text);
        }
        return text;
    }

    /**
     * Where the name and label block that starts at {@code from} ends, read without decoding a string; -1 when
     * the bytes are not such a block (decoding them then says why).
     */
    private static int seriesEnd(ByteBuffer in, int from) {
        int at = skipString(in, from);
        if (at < 0) {
            return -1;
        }
        long count = varIntAt(in, at);
        if (count < 0) {
            return -1;
        }
        at = (int) (count >>> 32);
        for (long i = 0, strings = 2 * (count & 0xFFFFFFFFL); i < strings && at >= 0; i++) {
            at = skipString(in, at);
        }
        return at;
    }

    /** The position after the string (varint length, bytes) at {@code at}; -1 when it runs past the limit. */
    private static int skipString(ByteBuffer in, int at) {
        long length = varIntAt(in, at);
        if (length < 0) {
            return -1;
        }
        int bytesFrom = (int) (length >>> 32);
        long bytes = length & 0xFFFFFFFFL;
        return bytes > in.limit() - bytesFrom ? -1 : bytesFrom + (int) bytes;
    }

    /**
     * The varint at {@code at} and the position after it, packed as {@code position << 32 | value}; -1 when
     * it is not below 2^31 or runs past the limit.
     */
    private static long varIntAt(ByteBuffer in, int at) {
        long v = 0;
        for (int shift = 0, i = at; shift < 35 && i < in.limit(); shift += 7, i++) {
            byte b = in.get(i);
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v > Integer.MAX_VALUE ? -1 : (long) (i + 1) << 32 | v;
            }
        }
        return -1;
    }

    private static byte typeCode(MetricType type) {
        return switch (type) {
            case COUNTER -> 1;
            case GAUGE -> 2;
            case HISTOGRAM -> 3;
            case METER -> 4;
            case TIMER -> 5;
            case SUMMARY -> 6;
            case UNTYPED -> 7;
            case DISCOVERY -> 8;
            case ITEM -> 9;
        };
    }
}
