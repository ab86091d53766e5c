package dev.concierge.courier.sources.zabbix;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * The server side of the Zabbix framing (PROTOCOLS.md §1.1–1.3) for an intake: one request per connection, as
 * the trapper reads it. The 13-byte header ({@code ZBXD}, flags 0x01 or 0x03, LE32 datalen, LE32 reserved:
 * the uncompressed size when flag 0x02 is set) is read whole, then the payload, inflated into exactly
 * {@code reserved} bytes. Anything else is refused as the trapper refuses it, by closing without a reply:
 * another magic (the legacy {@code host:key:value} text), the "large" flag 0x04 (meant for proxy configuration
 * only), a datalen or reserved size over the intake's limit (checked before the payload is buffered), an
 * inflated size that differs from {@code reserved}, and bytes after the payload ("longer than expected").
 *
 * <p>Errors are {@link CorruptedFrameException} or {@link TooLongFrameException} reading
 * {@code "field: actual (expected: rule)"}. After the request, or an error, the decoder discards whatever
 * arrives. One instance per channel.
 */
final class ZabbixRequestDecoder extends ByteToMessageDecoder {
    static final int HEADER_BYTES = 13;
    static final int FLAG_PROTOCOL = 0x01;
    static final int FLAG_COMPRESSED = 0x02;
    // "ZBXD" read as one little-endian int.
    private static final int MAGIC_LE = 'Z' | 'B' << 8 | 'X' << 16 | 'D' << 24;

    private final int maxRequestBytes;
    private int payloadBytes = -1;
    private int inflatedBytes;
    private boolean compressed;
    private boolean done;

    /** @param maxRequestBytes the largest payload taken, on the wire and once inflated */
    ZabbixRequestDecoder(int maxRequestBytes) {
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("maxRequestBytes: " + maxRequestBytes + " (expected: >= 1)");
        }
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            if (in.isReadable()) {
                int extra = in.readableBytes();
                in.skipBytes(extra);
                throw new CorruptedFrameException("request: " + extra + " bytes after the payload (expected: none)");
            }
            return;
        }
        try {
            if (payloadBytes < 0 && !readHeader(in)) {
                return;
            }
            if (in.readableBytes() < payloadBytes) {
                return;
            }
            byte[] payload = new byte[payloadBytes];
            in.readBytes(payload);
            done = true;
            out.add(new ZabbixRequest(compressed ? inflate(payload) : payload, compressed));
        } catch (CorruptedFrameException | TooLongFrameException e) {
            done = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    /** False when the header is not all in yet; the magic is checked as soon as its bytes are. */
    private boolean readHeader(ByteBuf in) {
        int at = in.readerIndex();
        for (int i = 0; i < Math.min(4, in.readableBytes()); i++) {
            int expected = MAGIC_LE >>> (8 * i) & 0xFF;
            int actual = in.getUnsignedByte(at + i);
            if (actual != expected) {
                throw new CorruptedFrameException(String.format("header[%d]: 0x%02x (expected: 0x%02x, the magic ZBXD)",
                        i, actual, expected));
            }
        }
        if (in.readableBytes() < HEADER_BYTES) {
            return false;
        }
        int flags = in.getUnsignedByte(at + 4);
        if (flags != FLAG_PROTOCOL && flags != (FLAG_PROTOCOL | FLAG_COMPRESSED)) {
            throw new CorruptedFrameException(String.format("flags: 0x%02x (expected: 0x01 or 0x03)", flags));
        }
        compressed = flags == (FLAG_PROTOCOL | FLAG_COMPRESSED);
        long datalen = in.getUnsignedIntLE(at + 5);
        long reserved = in.getUnsignedIntLE(at + 9);
        payloadBytes = withinLimit("datalen", datalen);
        inflatedBytes = compressed ? withinLimit("reserved", reserved) : 0;
        in.skipBytes(HEADER_BYTES);
        return true;
    }

    private int withinLimit(String field, long bytes) {
        if (bytes > maxRequestBytes) {
            throw new TooLongFrameException(field + ": " + bytes + " bytes (expected: <= " + maxRequestBytes + ")");
        }
        return (int) bytes;
    }

    /**
     * zlib (RFC 1950), as {@code compress()} writes it, into exactly {@code reserved} bytes: the stream must end
     * there, neither shorter nor longer ("size of uncompressed data is less than expected" on the server).
     */
    private byte[] inflate(byte[] payload) {
        try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(payload))) {
            byte[] raw = in.readNBytes(inflatedBytes);
            if (raw.length < inflatedBytes || in.read() >= 0) {
                throw new CorruptedFrameException("reserved: " + inflatedBytes + " bytes (expected: the inflated size, "
                        + (raw.length < inflatedBytes ? raw.length : "more") + ")");
            }
            return raw;
        } catch (ZipException e) {
            throw new CorruptedFrameException("payload: not zlib data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new CorruptedFrameException("payload: " + e, e);
        }
    }
}
