package dev.concierge.courier.sinks.zabbix.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ZabbixFrameCodecTest {

    // The request of PROTOCOLS.md §1.4 with ns on both rows: 234 bytes.
    static final String PAYLOAD = "{\"request\":\"sender data\",\"data\":["
            + "{\"host\":\"web-01\",\"key\":\"app.requests\",\"value\":\"1234\",\"clock\":1717171717,\"ns\":120000000},"
            + "{\"host\":\"web-01\",\"key\":\"app.errors\",\"value\":\"0\",\"clock\":1717171717,\"ns\":120000000}],"
            + "\"clock\":1717171720,\"ns\":5000}";

    // ZBXD, 0x01, LE32 234 = ea 00 00 00, LE32 reserved 0.
    static final String PLAIN_HEADER = "5a42584401" + "ea000000" + "00000000";

    // ZBXD, 0x03, LE32 122 = 7a 00 00 00 (zlib length), LE32 234 (uncompressed length), then the zlib stream,
    // which is what Python's zlib.compress(payload) gives with the same zlib 1.2.13 at the default level.
    static final String ZLIB_FRAME = "5a42584403" + "7a000000" + "ea000000"
            + "789cab562a4a2d2c4d2d2e51b2522a4ecd4b492d5248492c4954d251025356d1d54a19f960d9f2d4245d0343a044766a"
            + "25909b5850a007d55a0c142c4bcc294d050a1b1a199b00b9c939f9c9d94a5686e630a8a394570ce41b194040ad0e3e73"
            + "538b8af28b904d3520c6c8580c3546061035a620690009c84224";

    static byte[] payload() {
        return PAYLOAD.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] plainFrame() {
        byte[] header = HexFormat.of().parseHex(PLAIN_HEADER);
        byte[] frame = new byte[header.length + payload().length];
        System.arraycopy(header, 0, frame, 0, header.length);
        System.arraycopy(payload(), 0, frame, header.length, payload().length);
        return frame;
    }

    private static byte[] encode(boolean compression, Object message) {
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameEncoder(compression));
        assertThat(ch.writeOutbound(message)).isTrue();
        ByteBuf out = ch.readOutbound();
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
            assertThat(ch.finish()).isFalse();
        }
    }

    private static String decodeOne(EmbeddedChannel ch, boolean compressed) {
        ZabbixFrame frame = ch.readInbound();
        try {
            assertThat(frame).isNotNull();
            assertThat(frame.compressed()).isEqualTo(compressed);
            return frame.content().toString(StandardCharsets.UTF_8);
        } finally {
            frame.release();
        }
    }

    @Test
    void encodesAPlainFrameByteForByte() {
        assertThat(payload()).hasSize(234);
        assertThat(encode(false, Unpooled.wrappedBuffer(payload()))).isEqualTo(plainFrame());
    }

    @Test
    void encodesAZlibFrameByteForByteWhenAskedAndItPays() {
        assertThat(HexFormat.of().formatHex(encode(true, Unpooled.wrappedBuffer(payload())))).isEqualTo(ZLIB_FRAME);
    }

    @Test
    void keepsAPayloadPlainWhenZlibWouldNotMakeItShorter() {
        byte[] tiny = "{}".getBytes(StandardCharsets.US_ASCII);

        assertThat(HexFormat.of().formatHex(encode(true, Unpooled.wrappedBuffer(tiny))))
                .isEqualTo("5a42584401" + "02000000" + "00000000" + "7b7d");
    }

    @Test
    void compressesAFrameThatAsksForItEvenWhenZlibDoesNotPay() {
        byte[] frame = encode(false, new ZabbixFrame(Unpooled.copiedBuffer("{}", StandardCharsets.US_ASCII), true));

        // 0x03, datalen 10 (zlib of "{}"), reserved 2.
        assertThat(HexFormat.of().formatHex(frame, 0, 13)).isEqualTo("5a42584403" + "0a000000" + "02000000");
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(frame));
        assertThat(decodeOne(ch, true)).isEqualTo("{}");
    }

    @Test
    void decodesAPlainFrameFedByteByByte() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder());
        byte[] frame = plainFrame();
        for (int i = 0; i < frame.length - 1; i++) {
            assertThat(ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {frame[i]}))).isFalse();
        }
        assertThat(ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {frame[frame.length - 1]}))).isTrue();

        assertThat(decodeOne(ch, false)).isEqualTo(PAYLOAD);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void decodesAndInflatesAZlibFrameFedByteByByte() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder());
        for (byte b : HexFormat.of().parseHex(ZLIB_FRAME)) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }

        assertThat(decodeOne(ch, true)).isEqualTo(PAYLOAD);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void decodesFramesSplitAcrossWritesAndTwoInOneWrite() {
        byte[] plain = plainFrame();
        byte[] zlib = HexFormat.of().parseHex(ZLIB_FRAME);
        byte[] both = new byte[plain.length + zlib.length];
        System.arraycopy(plain, 0, both, 0, plain.length);
        System.arraycopy(zlib, 0, both, plain.length, zlib.length);
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder());

        // Split inside the magic, inside the lengths, and inside the second frame's header.
        ch.writeInbound(Unpooled.wrappedBuffer(both, 0, 2));
        ch.writeInbound(Unpooled.wrappedBuffer(both, 2, 7));
        ch.writeInbound(Unpooled.wrappedBuffer(both, 9, plain.length + 3 - 9));
        ch.writeInbound(Unpooled.wrappedBuffer(both, plain.length + 3, both.length - plain.length - 3));

        assertThat(decodeOne(ch, false)).isEqualTo(PAYLOAD);
        assertThat(decodeOne(ch, true)).isEqualTo(PAYLOAD);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void decodesALargeFrameWithSixtyFourBitLengths() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder());
        ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(
                "5a42584405" + "0200000000000000" + "0000000000000000" + "7b7d")));

        assertThat(decodeOne(ch, false)).isEqualTo("{}");
    }

    @Test
    void rejectsUnknownFlagsAndThenDecodesTheNextFrame() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder());

        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(
                "5a42584409" + "02000000" + "00000000" + "7b7d"))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("flags: 0x09 (expected: 0x01, 0x03, 0x05 or 0x07)");
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex("5a42584400"))))
                .hasMessage("flags: 0x00 (expected: 0x01, 0x03, 0x05 or 0x07)");

        ch.writeInbound(Unpooled.wrappedBuffer(plainFrame()));
        assertThat(decodeOne(ch, false)).isEqualTo(PAYLOAD);
    }

    @Test
    void rejectsABareOkAtItsFirstByte() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder());

        assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer("O", StandardCharsets.US_ASCII)))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("magic[0]: 0x4f (expected: 0x5a of \"ZBXD\")");
    }

    @Test
    void rejectsBadMagicInTheMiddleOfTheHeader() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder());

        assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer("ZBXX", StandardCharsets.US_ASCII)))
                .hasMessage("magic[3]: 0x58 (expected: 0x44 of \"ZBXD\")");
    }

    @Test
    void rejectsAFrameLongerThanTheLimitBeforeReadingItsPayload() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder(100));

        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(
                "5a42584401" + "65000000" + "00000000"))))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("datalen: 101 bytes (expected: <= 100)");
    }

    @Test
    void rejectsAnUncompressedSizeAboveTheLimit() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder(100));

        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(
                "5a42584403" + "0a000000" + "00000040"))))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("reserved: 1073741824 bytes (expected: <= 100)");
    }

    @Test
    void rejectsALargeFrameWhoseLengthDoesNotFitInSixtyThreeBits() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder());

        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(
                "5a42584405" + "ffffffffffffffff" + "0000000000000000"))))
                .isInstanceOf(TooLongFrameException.class)
                .hasMessage("datalen: 18446744073709551615 bytes (expected: <= 1073741824)");
    }

    @Test
    void rejectsAZlibPayloadShorterThanReserved() {
        byte[] frame = HexFormat.of().parseHex(ZLIB_FRAME);
        frame[9] = (byte) 0xeb; // reserved 235 for a 234-byte payload
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder());

        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(frame)))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("uncompressed length: 234 bytes (expected: 235 as in reserved)");
    }

    @Test
    void rejectsAZlibPayloadLongerThanReserved() {
        byte[] frame = HexFormat.of().parseHex(ZLIB_FRAME);
        frame[9] = (byte) 0xe9; // reserved 233 for a 234-byte payload
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder());

        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(frame)))
                .hasMessage("uncompressed length: more than 233 bytes (expected: 233 as in reserved)");
    }

    @Test
    void rejectsAPayloadThatIsNotZlib() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder());

        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(HexFormat.of().parseHex(
                "5a42584403" + "02000000" + "02000000" + "7b7d"))))
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessageStartingWith("zlib stream: ");
    }

    @Test
    void reportsInputThatEndsInsideAFrame() {
        EmbeddedChannel ch = new EmbeddedChannel(new ZabbixFrameDecoder());
        byte[] frame = plainFrame();
        ch.writeInbound(Unpooled.wrappedBuffer(frame, 0, 20));

        assertThatThrownBy(ch::finish)
                .isInstanceOf(CorruptedFrameException.class)
                .hasMessage("frame: input ended in the payload with 7 bytes pending (expected: a complete frame)");
    }
}
