package dev.concierge.courier.core.ledger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link CompactWriter} wrote. Every method throws {@link IllegalArgumentException} on bytes
 * that cannot be what was written (and {@link java.nio.BufferUnderflowException} when they run out), so a
 * record that passed its checksum but does not decode is still reported as corrupt, never misread.
 */
final class CompactReader {
    private CompactReader() {
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

    static long readZigZag(ByteBuffer in) {
        long v = readVarLong(in);
        return (v >>> 1) ^ -(v & 1);
    }

    /** A varint that must fit {@code 0..max}. */
    static int readCount(ByteBuffer in, String what, int max) {
        long v = readVarLong(in);
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(what + ": " + v + " (expected: 0.." + max + ")");
        }
        return (int) v;
    }

    static String readString(ByteBuffer in) {
        return readString(in, readVarLong(in));
    }

    static String readNullableString(ByteBuffer in) {
        long biased = readVarLong(in);
        return biased == 0 ? null : readString(in, biased - 1);
    }

    private static String readString(ByteBuffer in, long bytes) {
        if (bytes < 0 || bytes > in.remaining()) {
            throw new IllegalArgumentException("string length: " + bytes + " (expected: 0.." + in.remaining() + ")");
        }
        int end = in.position() + (int) bytes;
        if (in.hasArray() && isAscii(in.array(), in.arrayOffset() + in.position(), (int) bytes)) {
            // Nearly every name, label, host and source is ASCII: one copy into the string, no char[] between.
            String ascii = new String(in.array(), in.arrayOffset() + in.position(), (int) bytes,
                    StandardCharsets.ISO_8859_1);
            in.position(end);
            return ascii;
        }
        char[] chars = new char[(int) bytes];
        int count = 0;
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

    private static boolean isAscii(byte[] bytes, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
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
}
