package dev.concierge.courier.sources.zabbix;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/**
 * Writes a {@link ZabbixReply} as the trapper does (PROTOCOLS.md §1.3, §1.5): the header, then the JSON; a
 * compressed request gets a zlib-compressed reply (flags 0x03, {@code reserved} the raw size), a failure is
 * always sent uncompressed (flags 0x01), as {@code zbx_send_response_json} does.
 */
final class ZabbixReplyEncoder extends MessageToByteEncoder<ZabbixReply> {

    @Override
    protected void encode(ChannelHandlerContext ctx, ZabbixReply reply, ByteBuf out) {
        byte[] json = reply.json().getBytes(StandardCharsets.UTF_8);
        boolean compress = reply.compressed() && reply.success();
        byte[] payload = compress ? deflate(json) : json;
        out.writeBytes(new byte[] {'Z', 'B', 'X', 'D'});
        out.writeByte(compress ? ZabbixRequestDecoder.FLAG_PROTOCOL | ZabbixRequestDecoder.FLAG_COMPRESSED
                : ZabbixRequestDecoder.FLAG_PROTOCOL);
        out.writeIntLE(payload.length);
        out.writeIntLE(compress ? json.length : 0);
        out.writeBytes(payload);
    }

    private static byte[] deflate(byte[] raw) {
        Deflater deflater = new Deflater();
        try {
            deflater.setInput(raw);
            deflater.finish();
            byte[] buffer = new byte[raw.length + 64];
            int length = 0;
            while (!deflater.finished()) {
                if (length == buffer.length) {
                    buffer = java.util.Arrays.copyOf(buffer, buffer.length * 2);
                }
                length += deflater.deflate(buffer, length, buffer.length - length);
            }
            return java.util.Arrays.copyOf(buffer, length);
        } finally {
            deflater.end();
        }
    }
}
