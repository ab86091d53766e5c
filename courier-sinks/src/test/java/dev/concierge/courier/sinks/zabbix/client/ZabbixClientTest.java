package dev.concierge.courier.sinks.zabbix.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * The one Zabbix client, as the sink and {@code courier send} use it: framing and compression, one request
 * and one reply per connection, the stage a failed exchange stopped at, and the connection slots.
 */
class ZabbixClientTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L, 5);

    @Test
    void framesAShortRequestPlainAndALongOneCompressedAtTheLevelAsked() {
        byte[] tiny = "{}".getBytes(StandardCharsets.US_ASCII);
        ByteBuf plain = encode(tiny, true);
        assertThat(ByteBufUtil.hexDump(plain)).isEqualTo("5a4258440102000000000000007b7d");

        byte[] json = request(1000).toJson();
        ByteBuf compressed = encode(json, true);
        assertThat(compressed.getByte(4)).isEqualTo((byte) 0x03);
        assertThat(compressed.getIntLE(5)).isEqualTo(compressed.readableBytes() - ZabbixFrameEncoder.HEADER_BYTES);
        assertThat(compressed.getIntLE(9)).isEqualTo(json.length);
        assertThat(compressed.readableBytes()).isLessThan(json.length / 4);
        assertThat(decode(compressed)).isEqualTo(json);
        assertThat(decode(encode(json, false))).isEqualTo(json);
    }

    @Test
    void sendsCompressedOnlyWhenAskedAndTheTrapperReadsEveryRow() {
        ZabbixSenderRequest request = request(500);
        try (ZabbixTrapperReceiver trapper = ZabbixTrapperReceiver.create()) {
            for (boolean compression : new boolean[] {true, false}) {
                try (ZabbixClient client = ZabbixClient.create(config(trapper.port(), Duration.ofSeconds(10))
                        .withCompression(compression, Deflater.BEST_SPEED))) {
                    ZabbixExchange exchange = client.send(request.toJson(), request.size()).join();
                    assertThat(exchange.failure()).isNull();
                    assertThat(exchange.response().counts().processed()).isEqualTo(500);
                }
            }
            assertThat(trapper.exchanges()).extracting(ZabbixTrapperReceiver.Exchange::compressed)
                    .containsExactly(true, false);
            assertThat(trapper.exchanges()).allSatisfy(e -> assertThat(e.request().rows()).isEqualTo(request.rows()));
        }
    }

    @Test
    void rendersARequestOnTheEventLoopIntoTheSameBytesAsItsJson() throws IOException {
        ZabbixSenderRequest request = request(20);
        try (ScriptedTrapper trapper = new ScriptedTrapper(json -> ScriptedTrapper.success(20, 0, 20));
             ZabbixClient client = ZabbixClient.create(config(trapper.port(), Duration.ofSeconds(10)))) {
            ZabbixExchange exchange = client.send(request).join();

            assertThat(exchange.answered()).isTrue();
            assertThat(exchange.rows()).isEqualTo(20);
            assertThat(exchange.response().counts().processed()).isEqualTo(20);
            assertThat(trapper.requests()).containsExactly(new String(request.toJson(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aServerThatAnswersWithoutAResponseIsAFailureAtTheStageItStopped() throws IOException {
        Function<String, byte[]> script = json -> json.contains("\"hold\"") ? ScriptedTrapper.HOLD
                : json.contains("\"close\"") ? ScriptedTrapper.CLOSE
                : ScriptedTrapper.frame("OK, but not JSON");
        try (ScriptedTrapper trapper = new ScriptedTrapper(script);
             ZabbixClient client = ZabbixClient.create(config(trapper.port(), Duration.ofMillis(300))
                     .withMaxConnections(3))) {
            ZabbixExchange held = client.send(request("hold", 1)).join();
            ZabbixExchange closed = client.send(request("close", 2)).join();
            ZabbixExchange notJson = client.send(request("other", 3)).join();

            assertThat(held.failure()).isEqualTo(new ZabbixExchange.Failure(ZabbixExchange.Stage.READ_TIMEOUT,
                    "no reply within 300 ms"));
            assertThat(closed.failure()).isEqualTo(new ZabbixExchange.Failure(ZabbixExchange.Stage.CLOSED,
                    "connection closed before a complete reply"));
            assertThat(notJson.failure().stage()).isEqualTo(ZabbixExchange.Stage.REPLY);
            assertThat(List.of(held, closed, notJson)).extracting(ZabbixExchange::rows).containsExactly(1, 2, 3);
            assertThat(List.of(held, closed, notJson)).allSatisfy(e -> {
                assertThat(e.answered()).isFalse();
                assertThat(e.failure().stage().nothingSent()).isFalse();
            });
        }
    }

    @Test
    void aServerThatIsNotListeningIsAConnectFailureWithNothingSent() throws IOException {
        int port;
        try (ServerSocket closedAgain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closedAgain.getLocalPort();
        }
        try (ZabbixClient client = ZabbixClient.create(config(port, Duration.ofSeconds(3)))) {
            ZabbixExchange exchange = client.send(request(5)).join();

            assertThat(exchange.failure().stage()).isEqualTo(ZabbixExchange.Stage.CONNECT);
            assertThat(exchange.failure().stage().nothingSent()).isTrue();
            assertThat(exchange.failure().cause()).contains("connection refused");
        }
    }

    @Test
    void requestsBeyondTheConnectionSlotsWaitForOneToFreeUp() throws IOException {
        // Held requests free their slot only at the read timeout; with one event loop thread, a later request's
        // completion is recorded strictly after the completion that let it start. The second hold may time out
        // after a request the first one let in has been answered, so only the first completion is certain.
        Function<String, byte[]> script = json -> json.contains("\"hold\"") ? ScriptedTrapper.HOLD
                : ScriptedTrapper.success(1, 0, 1);
        List<String> completed = new CopyOnWriteArrayList<>();
        try (ScriptedTrapper trapper = new ScriptedTrapper(script);
             ZabbixClient client = ZabbixClient.create(config(trapper.port(), Duration.ofMillis(300))
                     .withMaxConnections(2))) {
            List<CompletableFuture<ZabbixExchange>> sent = new ArrayList<>();
            for (String key : List.of("hold", "hold", "a", "b", "c")) {
                sent.add(client.send(request(key, 1)).whenComplete((e, t) -> completed.add(key)));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();

            assertThat(completed).startsWith("hold").containsExactlyInAnyOrder("hold", "hold", "a", "b", "c");
            assertThat(sent.subList(2, 5)).allSatisfy(f -> assertThat(f.join().answered()).isTrue());
            assertThat(trapper.requests()).hasSize(5);
        }
    }

    @Test
    void closingCompletesTheRequestsStillWaitingForASlot() throws IOException {
        try (ScriptedTrapper trapper = new ScriptedTrapper(json -> ScriptedTrapper.HOLD)) {
            ZabbixClient client = ZabbixClient.create(config(trapper.port(), Duration.ofSeconds(30)));
            CompletableFuture<ZabbixExchange> first = client.send(request("hold", 1));
            CompletableFuture<ZabbixExchange> waiting = client.send(request("hold", 4));
            await().atMost(Duration.ofSeconds(10)).until(() -> trapper.requests().size() == 1);

            client.close();

            assertThat(waiting.join().failure()).isEqualTo(new ZabbixExchange.Failure(
                    ZabbixExchange.Stage.CLIENT_CLOSED, "client closed before the request was sent"));
            assertThat(waiting.join().rows()).isEqualTo(4);
            assertThat(first.join().answered()).isFalse();
        }
    }

    private static ZabbixClientConfig config(int port, Duration readTimeout) {
        return ZabbixClientConfig.of("127.0.0.1", port, Duration.ofSeconds(3), readTimeout);
    }

    /** A one-row request whose key tells a scripted trapper what to do. */
    private static ZabbixSenderRequest request(String key, int rows) {
        List<Row> list = new ArrayList<>();
        list.add(new Row("host", key, "1", NOW.getEpochSecond(), 0));
        for (int i = 1; i < rows; i++) {
            list.add(new Row("host", "item[" + i + "]", "1", NOW.getEpochSecond(), i));
        }
        return ZabbixSenderRequest.of(list, NOW);
    }

    private static ByteBuf encode(byte[] json, boolean compression) {
        EmbeddedChannel channel = new EmbeddedChannel(new ZabbixFrameEncoder(compression, Deflater.BEST_SPEED));
        channel.writeOutbound(Unpooled.wrappedBuffer(json));
        ByteBuf frame = channel.readOutbound();
        channel.finishAndReleaseAll();
        return frame;
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
