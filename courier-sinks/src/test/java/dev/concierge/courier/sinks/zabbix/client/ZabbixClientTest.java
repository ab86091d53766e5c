package dev.concierge.courier.sinks.zabbix.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.sinks.zabbix.ZabbixSenderClient.Exchange;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Framing and compression of the client that {@code courier send} uses, against the embedded trapper. */
class ZabbixSenderClientTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L, 5);

    @Test
    void framesAShortRequestPlainAndALongOneCompressed() {
        byte[] tiny = "{}".getBytes(StandardCharsets.US_ASCII);
        ByteBuf plain = ZabbixSenderClient.frame(tiny, true);
        assertThat(ByteBufUtil.hexDump(plain)).isEqualTo("5a4258440102000000000000007b7d");

        byte[] json = request(1000).toJson();
        ByteBuf compressed = ZabbixSenderClient.frame(json, true);
        assertThat(compressed.getByte(4)).isEqualTo((byte) 0x03);
        assertThat(compressed.getIntLE(5)).isEqualTo(compressed.readableBytes() - ZabbixFrameEncoder.HEADER_BYTES);
        assertThat(compressed.getIntLE(9)).isEqualTo(json.length);
        assertThat(compressed.readableBytes()).isLessThan(json.length / 4);
        assertThat(decode(compressed)).isEqualTo(json);
        assertThat(decode(ZabbixSenderClient.frame(json, false))).isEqualTo(json);
    }

    @Test
    void sendsCompressedOnlyWhenAskedAndTheTrapperReadsEveryRow() {
        ZabbixSenderRequest request = request(500);
        try (ZabbixTrapperReceiver trapper = ZabbixTrapperReceiver.create()) {
            for (boolean compression : new boolean[] {true, false}) {
                try (ZabbixSenderClient client = ZabbixSenderClient.create("127.0.0.1", trapper.port(),
                        Duration.ofSeconds(3), Duration.ofSeconds(10), compression, 1)) {
                    Exchange exchange = client.send(request.toJson(), request.size()).join();
                    assertThat(exchange.failure()).isNull();
                    assertThat(exchange.response().counts().processed()).isEqualTo(500);
                }
            }
            assertThat(trapper.exchanges()).extracting(ZabbixTrapperReceiver.Exchange::compressed)
                    .containsExactly(true, false);
            assertThat(trapper.exchanges()).allSatisfy(e -> assertThat(e.request().rows()).isEqualTo(request.rows()));
        }
    }

    private static ZabbixSenderRequest request(int rows) {
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            list.add(new Row("host", "item[" + (i % 50) + "]", Integer.toString(i * 7), NOW.getEpochSecond(), i));
        }
        return ZabbixSenderRequest.of(list, NOW);
    }

    private static byte[] decode(ByteBuf frame) {
        EmbeddedChannel channel = new EmbeddedChannel(new ZabbixFrameDecoder());
        channel.writeInbound(frame);
        ZabbixFrame decoded = channel.readInbound();
        try {
            return ByteBufUtil.getBytes(decoded.content());
        } finally {
            decoded.release();
            channel.finishAndReleaseAll();
        }
    }
}
