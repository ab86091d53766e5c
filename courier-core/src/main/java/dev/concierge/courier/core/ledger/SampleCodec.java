package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The compact binary form of a {@link Sample} in the ledger's segment files. Every field round-trips
 * exactly: strings keep lone surrogates, doubles keep their bits (NaN payloads, {@code -0.0}).
 *
 * <pre>
 * name       string
 * labels     varint count, then count x (name string, value string)
 * type       byte: 1 counter, 2 gauge, 3 histogram, 4 meter, 5 timer, 6 summary, 7 untyped
 * field      varint 0 for null, else (byte length + 1) then the bytes
 * value      byte tag: 1 integer (zigzag varlong), 2 decimal (8 bytes, IEEE 754 bits, big-endian),
 *            3 text (string)
 * epochSecond zigzag varlong
 * nanos      varint
 * host       string
 * source     string
 *
 * string = varint byte length, then the UTF-8 bytes; a lone surrogate is written as its own 3-byte
 *          sequence (WTF-8) so that any Java string comes back equal
 * varint = unsigned LEB128
 * </pre>
 *
 * <p>An instance reuses one growing buffer and is not thread-safe; {@link #decode} is stateless.
 */
final class SampleCodec {
    private static final MetricType[] TYPES = {null, MetricType.COUNTER, MetricType.GAUGE, MetricType.HISTOGRAM,
            MetricType.METER, MetricType.TIMER, MetricType.SUMMARY, MetricType.UNTYPED};
    private static final byte INTEGER = 1;
    private static final byte DECIMAL = 2;
    private static final byte TEXT = 3;

    private byte[] buf = new byte[256];
    private int len;

    /**
     * Encodes {@code sample} after {@code prefix} bytes left free for the caller (a frame header, a
     * sequence number). The returned buffer is a view of this codec's storage, valid until the next call.
     */
    ByteBuffer encode(Sample sample, int prefix) {
        len = prefix;
        ensure(prefix);
        writeString(sample.name());
        Labels labels = sample.labels();
        writeVarLong(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            writeString(labels.name(i));
            writeString(labels.value(i));
        }
        writeByte(typeCode(sample.type()));
        if (sample.field() == null) {
            writeVarLong(0);
        } else {
            writeString(sample.field(), 1);
        }
        SampleValue value = sample.value();
        if (value instanceof SampleValue.Integer integer) {
            writeByte(INTEGER);
            writeVarLong(zigzag(integer.value()));
        } else if (value instanceof SampleValue.Decimal decimal) {
            writeByte(DECIMAL);
            long bits = Double.doubleToRawLongBits(decimal.value());
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[len++] = (byte) (bits >>> shift);
            }
        } else {
            writeByte(TEXT);
            writeString(((SampleValue.Text) value).value());
        }
        writeVarLong(zigzag(sample.epochSecond()));
        writeVarLong(sample.nanos());
        writeString(sample.host());
        writeString(sample.source());
        return ByteBuffer.wrap(buf, 0, len);
    }

    /**
     * Decodes one sample from the remaining bytes of {@code in}, which must hold exactly one.
     *
     * @throws IllegalArgumentException when the bytes are not a sample
     */
    static Sample decode(ByteBuffer in) {
        try {
            String name = readString(in, 0);
            long labelCount = readVarLong(in);
            if (labelCount < 0 || labelCount > in.remaining() / 2) {
                throw new IllegalArgumentException("label count: " + labelCount + " (expected: 0.."
                        + in.remaining() / 2 + ")");
            }
            Labels labels = Labels.empty();
            for (long i = 0; i < labelCount; i++) {
                labels = labels.with(readString(in, 0), readString(in, 0));
            }
            int typeCode = in.get();
            if (typeCode < 1 || typeCode >= TYPES.length) {
                throw new IllegalArgumentException("type: " + typeCode + " (expected: 1.." + (TYPES.length - 1) + ")");
            }
            String field = readString(in, 1);
            byte tag = in.get();
            SampleValue value = switch (tag) {
                case INTEGER -> SampleValue.of(unzigzag(readVarLong(in)));
                case DECIMAL -> SampleValue.of(Double.longBitsToDouble(in.getLong()));
                case TEXT -> SampleValue.of(readString(in, 0));
                default -> throw new IllegalArgumentException("value tag: " + tag + " (expected: 1, 2 or 3)");
            };
            long epochSecond = unzigzag(readVarLong(in));
            long nanos = readVarLong(in);
            if (nanos < 0 || nanos > 999_999_999) {
                throw new IllegalArgumentException("nanos: " + nanos + " (expected: 0..999999999)");
            }
            String host = readString(in, 0);
            String source = readString(in, 0);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes: " + in.remaining() + " (expected: 0)");
            }
            return new Sample(name, labels, TYPES[typeCode], field, value, epochSecond, (int) nanos, host, source);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("sample: truncated (expected: a complete sample)", e);
        }
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
        };
    }

    private void writeString(String s) {
        writeString(s, 0);
    }

    // Writes the byte length plus lengthBias, then WTF-8; lengthBias 1 keeps 0 free to mean null.
    private void writeString(String s, int lengthBias) {
        int bytes = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        writeVarLong(bytes + (long) lengthBias);
        ensure(bytes);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                buf[len++] = (byte) c;
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    /** Reads a string written with {@code lengthBias}; null when the biased length is 0 and the bias is 1. */
    private static String readString(ByteBuffer in, int lengthBias) {
        long biased = readVarLong(in);
        if (lengthBias == 1 && biased == 0) {
            return null;
        }
        long bytes = biased - lengthBias;
        if (bytes < 0 || bytes > in.remaining()) {
            throw new IllegalArgumentException("string length: " + bytes + " (expected: 0.." + in.remaining() + ")");
        }
        char[] chars = new char[(int) bytes];
        int count = 0;
        int end = in.position() + (int) bytes;
        while (in.position() < end) {
            int b = in.get() & 0xFF;
            if (b < 0x80) {
                chars[count++] = (char) b;
            } else if ((b & 0xE0) == 0xC0) {
                chars[count++] = (char) (((b & 0x1F) << 6) | continuation(in, end));
            } else if ((b & 0xF0) == 0xE0) {
                int c = (b & 0x0F) << 12;
                c |= continuation(in, end) << 6;
                chars[count++] = (char) (c | continuation(in, end));
            } else if ((b & 0xF8) == 0xF0) {
                int cp = (b & 0x07) << 18;
                cp |= continuation(in, end) << 12;
                cp |= continuation(in, end) << 6;
                cp |= continuation(in, end);
                if (cp < 0x10000 || cp > Character.MAX_CODE_POINT) {
                    throw new IllegalArgumentException("code point: " + cp + " (expected: 0x10000..0x10FFFF)");
                }
                chars[count++] = Character.highSurrogate(cp);
                chars[count++] = Character.lowSurrogate(cp);
            } else {
                throw new IllegalArgumentException("UTF-8 lead byte: " + b + " (expected: a valid lead byte)");
            }
        }
        return new String(chars, 0, count);
    }

    private static int continuation(ByteBuffer in, int end) {
        if (in.position() >= end) {
            throw new IllegalArgumentException("UTF-8 sequence: truncated (expected: complete)");
        }
        int b = in.get() & 0xFF;
        if ((b & 0xC0) != 0x80) {
            throw new IllegalArgumentException("UTF-8 continuation byte: " + b + " (expected: 0x80..0xBF)");
        }
        return b & 0x3F;
    }

    private void writeByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    private void writeVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
    }

    static long readVarLong(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint: longer than 10 bytes (expected: at most 10)");
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
