package dev.concierge.courier.sources.zabbix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** The server side of the framing, driven byte by byte through an EmbeddedChannel. */
class ZabbixRequestDecoderTest {
    private static final byte[] JSON = "{\"request\":\"sender data\",\"data\":[]}".getBytes(StandardCharsets.UTF_8);

    static byte[] frame(int flags, byte[] payload, int reserved) {
        ByteBuffer header = ByteBuffer.allocate(13 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        header.put(new byte[] {'Z', 'B', 'X', 'D', (byte) flags}).putInt(payload.length).putInt(reserved).put(payload);
        return header.array();
    }

    static byte[] zlib(byte[] raw) {
        Deflater deflater = new Deflater();
        deflater.setInput(raw);
        deflater.finish();
        byte[] out = new byte[raw.length + 64];
        int n = deflater.deflate(out);
        deflater.end();
        return Arrays.copyOf(out, n);
    }

    private static EmbeddedChannel channel(int max) {
        return new EmbeddedChannel(new ZabbixRequestDecoder(max));
    }

    private static void feedByteByByte(EmbeddedChannel channel, byte[] bytes) {
        for (byte b : bytes) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
    }

    @Test
    void readsAnUncompressedRequestFedByteByByte() {
        EmbeddedChannel channel = channel(1024);

        feedByteByByte(channel, frame(0x01, JSON, 0));

        ZabbixRequest request = channel.readInbound();
        assertThat(request.json()).isEqualTo(JSON);
        assertThat(request.compressed()).isFalse();
    }

    @Test
    void inflatesACompressedRequestIntoItsReservedSize() {
        EmbeddedChannel channel = channel(1024);

        feedByteByByte(channel, frame(0x03, zlib(JSON), JSON.length));

        ZabbixRequest request = channel.readInbound();
        assertThat(request.json()).isEqualTo(JSON);
        assertThat(request.compressed()).isTrue();
    }

    @Test
    void refusesAnotherMagicAtItsFirstWrongByte() {
        EmbeddedChannel channel = channel(1024);

        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer("host:key:1".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("header[0]: 0x68 (expected: 0x5a, the magic ZBXD)");
    }

    @Test
    void refusesTheLargeFlagMeantForProxyConfiguration() {
        EmbeddedChannel channel = channel(1024);

        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(frame(0x05, JSON, 0))))
                .isInstanceOf(CorruptedFrameException.class).hasMessage("flags: 0x05 (expected: 0x01 or 0x03)");
    }

    @Test
    void refusesAnnouncedSizesOverTheLimitBeforeTheirPayload() {
        EmbeddedChannel wire = channel(16);
        EmbeddedChannel inflated = channel(16);
        byte[] compressed = zlib(JSON);

        assertThatThrownBy(() -> wire.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(frame(0x01, JSON, 0), 13))))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("datalen: " + JSON.length + " bytes (expected: <= 16)");
        byte[] header = Arrays.copyOf(frame(0x03, Arrays.copyOf(compressed, 10), JSON.length), 13);
        assertThatThrownBy(() -> inflated.writeInbound(Unpooled.wrappedBuffer(header)))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("reserved: " + JSON.length + " bytes (expected: <= 16)");
    }

    @Test
    void refusesACompressedPayloadWhoseSizeIsNotTheReservedOne() {
        EmbeddedChannel channel = channel(1024);

        assertThatThrownBy(() -> channel.writeInbound(Unpooled.wrappedBuffer(frame(0x03, zlib(JSON), JSON.length + 1))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageStartingWith("reserved: " + (JSON.length + 1) + " bytes");
    }

    @Test
    void refusesBytesAfterThePayloadAsTheTrapperDoes() {
        EmbeddedChannel channel = channel(1024);
        ByteBuf input = Unpooled.buffer().writeBytes(frame(0x01, JSON, 0)).writeByte('\n');

        assertThatThrownBy(() -> channel.writeInbound(input))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("request: 1 bytes after the payload (expected: none)");
    }
}
