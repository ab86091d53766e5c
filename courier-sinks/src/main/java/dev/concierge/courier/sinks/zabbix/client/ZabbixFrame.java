package dev.concierge.courier.sinks.zabbix.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One Zabbix protocol frame: the uncompressed payload (UTF-8 JSON) and whether it travelled, or is to
 * travel, zlib-compressed (flag 0x02).
 *
 * <p>{@link ZabbixFrameDecoder} emits these; {@link ZabbixFrameEncoder} accepts them when the caller must
 * choose the flags, as a trapper does when it answers with the flags of the request. The frame owns its
 * content: whoever receives it releases it.
 */
public final class ZabbixFrame extends DefaultByteBufHolder {
    private final boolean compressed;

    /**
     * @param payload    the uncompressed payload; ownership passes to the frame
     * @param compressed true when the payload travels with flag 0x02
     */
    public ZabbixFrame(ByteBuf payload, boolean compressed) {
        super(payload);
        this.compressed = compressed;
    }

    /** True when the frame carries, or is to carry, flag 0x02 (zlib). */
    public boolean compressed() {
        return compressed;
    }

    @Override
    public ZabbixFrame replace(ByteBuf content) {
        return new ZabbixFrame(content, compressed);
    }

    @Override
    public String toString() {
        return "ZabbixFrame(" + content().readableBytes() + " bytes" + (compressed ? ", zlib)" : ")");
    }
}
