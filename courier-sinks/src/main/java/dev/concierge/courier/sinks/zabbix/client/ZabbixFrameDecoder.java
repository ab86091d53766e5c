package dev.concierge.courier.sinks.zabbix.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads Zabbix frames (PROTOCOLS.md §1.1–1.2) and emits one {@link ZabbixFrame} per frame, its content
 * already inflated when the frame carried flag 0x02.
 *
 * <p>An explicit state machine: {@code MAGIC} (checked byte by byte, so a reply that is not a Zabbix
 * frame, such as a bare {@code OK}, fails at its first byte), {@code FLAGS}, {@code LENGTHS} (8 bytes, or
 * 16 with flag 0x04), {@code PAYLOAD}. Every error is a {@link CorruptedFrameException} or a
 * {@link TooLongFrameException} reading {@code "field: actual (expected: rule)"}; the state is reset before
 * it is thrown, and the bytes buffered at that point are dropped, since the frame boundary is lost (the
 * real trapper closes the connection). Input that ends inside a frame is reported the same way when the
 * channel closes. One instance per channel.
 */
public final class ZabbixFrameDecoder extends ByteToMessageDecoder {
    /** {@code ZBX_MAX_RECV_DATA_SIZE}: what a Zabbix server accepts at most (1 GiB). */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 30;

    private static final byte[] MAGIC = {'Z', 'B', 'X', 'D'};
    private static final int KNOWN_FLAGS = ZabbixFrameEncoder.FLAG_PROTOCOL | ZabbixFrameEncoder.FLAG_COMPRESSED
            | ZabbixFrameEncoder.FLAG_LARGE;

    private enum State { MAGIC, FLAGS, LENGTHS, PAYLOAD }

    private final int maxPayloadBytes;

    private State state = State.MAGIC;
    private int flags;
    private int dataLength;
    private int uncompressedLength;

    /** A decoder that accepts payloads up to {@link #DEFAULT_MAX_PAYLOAD_BYTES}. */
    public ZabbixFrameDecoder() {
        this(DEFAULT_MAX_PAYLOAD_BYTES);
    }

    /**
     * @param maxPayloadBytes the largest payload accepted, on the wire and after inflating; a frame that
     *                        announces more fails before its payload is read
     */
    public ZabbixFrameDecoder(int maxPayloadBytes) {
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("maxPayloadBytes: " + maxPayloadBytes + " (expected: > 0)");
        }
        this.maxPayloadBytes = maxPayloadBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            while (decodeOne(in, out)) {
                // one state transition per turn; stops when more input is needed
            }
        } catch (DecoderException e) {
            // The frame boundary is lost: drop what is buffered so the next bytes start a fresh frame.
            in.skipBytes(in.readableBytes());
            resetDecoder();
            throw e;
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (state != State.MAGIC || in.isReadable()) {
            String where = state.name().toLowerCase(java.util.Locale.ROOT);
            int buffered = in.readableBytes();
            in.skipBytes(buffered);
            resetDecoder();
            throw new CorruptedFrameException("frame: input ended in the " + where + " with " + buffered
                    + " bytes pending (expected: a complete frame)");
        }
    }

    private boolean decodeOne(ByteBuf in, List<Object> out) {
        switch (state) {
            case MAGIC:
                int available = Math.min(MAGIC.length, in.readableBytes());
                for (int i = 0; i < available; i++) {
                    byte b = in.getByte(in.readerIndex() + i);
                    if (b != MAGIC[i]) {
                        throw new CorruptedFrameException(String.format(
                                "magic[%d]: 0x%02x (expected: 0x%02x of \"ZBXD\")", i, b & 0xFF, MAGIC[i]));
                    }
                }
                if (available < MAGIC.length) {
                    return false;
                }
                in.skipBytes(MAGIC.length);
                state = State.FLAGS;
                return true;
            case FLAGS:
                if (!in.isReadable()) {
                    return false;
                }
                int f = in.readUnsignedByte();
                if ((f & ZabbixFrameEncoder.FLAG_PROTOCOL) == 0 || (f & ~KNOWN_FLAGS) != 0) {
                    throw new CorruptedFrameException(String.format(
                            "flags: 0x%02x (expected: 0x01, 0x03, 0x05 or 0x07)", f));
                }
                flags = f;
                state = State.LENGTHS;
                return true;
            case LENGTHS:
                boolean large = (flags & ZabbixFrameEncoder.FLAG_LARGE) != 0;
                if (in.readableBytes() < (large ? 16 : 8)) {
                    return false;
                }
                // LE32 datalen + LE32 reserved, or LE64 + LE64 with the "large" flag.
                long length = large ? in.readLongLE() : in.readUnsignedIntLE();
                long reserved = large ? in.readLongLE() : in.readUnsignedIntLE();
                dataLength = checkSize("datalen", length);
                uncompressedLength = compressed() ? checkSize("reserved", reserved) : 0;
                state = State.PAYLOAD;
                return true;
            case PAYLOAD:
                if (in.readableBytes() < dataLength) {
                    return false;
                }
                ByteBuf payload = compressed() ? inflate(in) : in.readRetainedSlice(dataLength);
                out.add(new ZabbixFrame(payload, compressed()));
                resetDecoder();
                return true;
            default:
                throw new IllegalStateException("state: " + state);
        }
    }

    private boolean compressed() {
        return (flags & ZabbixFrameEncoder.FLAG_COMPRESSED) != 0;
    }

    private int checkSize(String field, long size) {
        // An LE64 above 2^63 reads as negative.
        if (size < 0 || size > maxPayloadBytes) {
            throw new TooLongFrameException(field + ": " + Long.toUnsignedString(size) + " bytes (expected: <= "
                    + maxPayloadBytes + ")");
        }
        return (int) size;
    }

    /** Inflates the zlib payload into exactly {@code reserved} bytes, as the trapper does. */
    private ByteBuf inflate(ByteBuf in) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(in.nioBuffer(in.readerIndex(), dataLength));
            in.skipBytes(dataLength);
            byte[] raw = new byte[uncompressedLength];
            int produced = 0;
            while (produced < raw.length && !inflater.finished()) {
                int n = inflater.inflate(raw, produced, raw.length - produced);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                produced += n;
            }
            if (produced < raw.length) {
                throw new CorruptedFrameException("uncompressed length: " + produced + " bytes (expected: "
                        + raw.length + " as in reserved)");
            }
            if (!inflater.finished() && inflater.inflate(new byte[1]) > 0) {
                throw new CorruptedFrameException("uncompressed length: more than " + raw.length
                        + " bytes (expected: " + raw.length + " as in reserved)");
            }
            if (!inflater.finished() || inflater.getRemaining() > 0) {
                throw new CorruptedFrameException("zlib stream: " + (inflater.finished()
                        ? inflater.getRemaining() + " bytes after its end" : "incomplete")
                        + " (expected: exactly datalen " + dataLength + " bytes of zlib)");
            }
            return Unpooled.wrappedBuffer(raw);
        } catch (DataFormatException e) {
            throw new CorruptedFrameException("zlib stream: " + e.getMessage() + " (expected: RFC 1950 zlib)", e);
        } finally {
            inflater.end();
        }
    }

    private void resetDecoder() {
        state = State.MAGIC;
        flags = 0;
        dataLength = 0;
        uncompressedLength = 0;
    }
}
