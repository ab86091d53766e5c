package dev.concierge.courier.core.ledger;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Writes the ledger's compact primitives into one growing array that is reused from record to record:
 * unsigned LEB128 varints, zigzag varints, big-endian longs and length-prefixed WTF-8 strings (UTF-8 that
 * writes a lone surrogate as its own 3-byte sequence, so that any Java string reads back equal).
 * {@link CompactReader} reads them back. Not thread-safe.
 */
final class CompactWriter {
    private byte[] buf = new byte[256];
    private int len;
    // The buffer view() hands out, over buf; a new one only when buf grows. One view per record written was an
    // eighth of what the file ledger's intake allocated.
    private ByteBuffer view = ByteBuffer.wrap(buf);

    /** Starts a new record, leaving {@code reserved} bytes at the front for a header. */
    void reset(int reserved) {
        len = 0;
        ensure(reserved);
        len = reserved;
    }

    int length() {
        return len;
    }

    /** The bytes written since {@link #reset}, header included; a view valid until the next write. */
    ByteBuffer view() {
        if (view.array() != buf) {
            view = ByteBuffer.wrap(buf);
        }
        return view.clear().limit(len);
    }

    byte[] array() {
        return buf;
    }

    void writeByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    void writeLong(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[len++] = (byte) (v >>> shift);
        }
    }

    /** Unsigned LEB128: 7 bits per byte, low bits first, high bit set on all but the last byte. */
    void writeVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
    }

    void writeZigZag(long v) {
        writeVarLong((v << 1) ^ (v >> 63));
    }

    void writeString(String s) {
        writeString(s, 0);
    }

    /** A string that may be null: 0 for null, else the byte length plus one, then the bytes. */
    void writeNullableString(String s) {
        if (s == null) {
            writeVarLong(0);
        } else {
            writeString(s, 1);
        }
    }

    private void writeString(String s, int lengthBias) {
        int n = s.length();
        if (n + lengthBias < 0x80) {
            // Nearly every string the ledger writes is short ASCII: its byte length is its length, known before
            // it is written, so one pass writes it; the first other char sends it to the general path below.
            ensure(1 + n);
            byte[] out = buf;
            int at = len;
            out[at++] = (byte) (n + lengthBias);
            int i = 0;
            while (i < n) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                out[at++] = (byte) c;
                i++;
            }
            if (i == n) {
                len = at;
                return;
            }
        }
        int bytes = 0;
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

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
