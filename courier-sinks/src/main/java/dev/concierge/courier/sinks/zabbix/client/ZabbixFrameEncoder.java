package dev.concierge.courier.sinks.zabbix.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

/**
 * Writes a payload as one Zabbix frame: {@code ZBXD}, flags, LE32 datalen, LE32 reserved, payload
 * (PROTOCOLS.md §1.1).
 *
 * <ul>
 *   <li>A {@link ByteBuf} is sent with flags 0x01, or with 0x03 when the encoder was built with
 *       compression on <em>and</em> the zlib stream is shorter than the payload.</li>
 *   <li>A {@link ZabbixFrame} is sent exactly as it asks: compressed when {@link ZabbixFrame#compressed()},
 *       even when zlib does not pay. A trapper answers with the flags of the request.</li>
 * </ul>
 * The 0x04 ("large") flag is never written: trappers are only known to accept 0x01 and 0x03, and the
 * payload of one frame here is far below 4 GiB. One instance per channel.
 */
public final class ZabbixFrameEncoder extends MessageToByteEncoder<Object> {
    /** {@code ZBXD}, 1 flag byte, LE32 datalen, LE32 reserved: Zabbix header_datalen. */
    public static final int HEADER_BYTES = 13;

    static final int MAGIC = 0x5A425844; // "ZBXD", big-endian as it appears on the wire
    static final int FLAG_PROTOCOL = 0x01;
    static final int FLAG_COMPRESSED = 0x02;
    static final int FLAG_LARGE = 0x04;

    private final boolean compression;
    private final int level;

    /** An encoder that never compresses plain payloads. */
    public ZabbixFrameEncoder() {
        this(false);
    }

    /** @param compression compress {@link ByteBuf} payloads when the zlib stream is the shorter */
    public ZabbixFrameEncoder(boolean compression) {
        this(compression, Deflater.DEFAULT_COMPRESSION);
    }

    /**
     * @param compression compress {@link ByteBuf} payloads when the zlib stream is the shorter
     * @param level       zlib's level for them ({@link Deflater#DEFAULT_COMPRESSION}, or
     *                    {@link Deflater#BEST_SPEED} to {@link Deflater#BEST_COMPRESSION})
     */
    public ZabbixFrameEncoder(boolean compression, int level) {
        super(false);
        this.compression = compression;
        this.level = level;
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof ByteBuf || msg instanceof ZabbixFrame;
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Object msg, boolean preferDirect) {
        ByteBuf payload = msg instanceof ZabbixFrame frame ? frame.content() : (ByteBuf) msg;
        return ctx.alloc().heapBuffer(HEADER_BYTES + payload.readableBytes());
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
        if (msg instanceof ZabbixFrame frame) {
            encode(frame.content(), frame.compressed(), true, Deflater.DEFAULT_COMPRESSION, out);
        } else {
            encode((ByteBuf) msg, compression, false, level, out);
        }
    }

    /**
     * Writes one frame for {@code payload}, whose reader index is not moved.
     *
     * @param always compress even when the zlib stream is not the shorter
     */
    private static void encode(ByteBuf payload, boolean compress, boolean always, int level, ByteBuf out) {
        int rawLength = payload.readableBytes();
        byte[] zlib = compress ? deflate(payload, always ? Integer.MAX_VALUE : rawLength - 1, level) : null;
        out.writeInt(MAGIC);
        if (zlib != null) {
            // reserved = the uncompressed size, which the receiver inflates into exactly.
            out.writeByte(FLAG_PROTOCOL | FLAG_COMPRESSED);
            out.writeIntLE(zlib.length);
            out.writeIntLE(rawLength);
            out.writeBytes(zlib);
        } else {
            out.writeByte(FLAG_PROTOCOL);
            out.writeIntLE(rawLength);
            out.writeIntLE(0);
            out.writeBytes(payload, payload.readerIndex(), rawLength);
        }
    }

    /** zlib (RFC 1950) as Zabbix's {@code compress()} writes it; null when it would exceed {@code limit} bytes. */
    private static byte[] deflate(ByteBuf payload, int limit, int level) {
        if (limit <= 0) {
            return null;
        }
        Deflater deflater = new Deflater(level);
        try {
            deflater.setInput(payload.nioBuffer());
            deflater.finish();
            ByteArrayOutputStream zlib = new ByteArrayOutputStream(Math.min(limit, 64 + payload.readableBytes() / 2));
            byte[] chunk = new byte[Math.min(8192, Math.max(64, payload.readableBytes()))];
            while (!deflater.finished()) {
                int n = deflater.deflate(chunk);
                zlib.write(chunk, 0, n);
                if (zlib.size() > limit) {
                    return null;
                }
            }
            return zlib.toByteArray();
        } finally {
            deflater.end();
        }
    }
}
