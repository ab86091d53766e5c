package dev.concierge.courier.sinks.zabbix.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.settings.HostPort;
import dev.concierge.courier.sinks.zabbix.client.ZabbixExchange.Stage;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The client in front of an HA cluster (nodes tried in order, a refusal passes to the next, the node that
 * answered is remembered) and a 7.0 proxy group (redirects followed once, cached per host). Standbys are
 * ports nobody listens on, which is what a 6.0 standby node is (PEERS.md); proxies are scripted trappers
 * answering with the frames Zabbix 7.0 writes.
 */
class ZabbixClientClusterTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);

    @Test
    void passesOverANodeThatRefusesAndAsksTheOneThatAnsweredFirstFromThenOn() throws IOException {
        int standby = freePort();
        try (ZabbixTrapperReceiver active = ZabbixTrapperReceiver.create();
             ZabbixClient client = ZabbixClient.create(config(standby, active.port()))) {
            ZabbixExchange first = client.send(request("web-01", 3)).join();

            assertThat(first.answered()).isTrue();
            assertThat(first.response().counts().processed()).isEqualTo(3);
            assertThat(first.server()).isEqualTo("127.0.0.1:" + active.port());
            assertThat(first.refused()).singleElement().satisfies(r -> {
                assertThat(r.server()).isEqualTo("127.0.0.1:" + standby);
                assertThat(r.cause()).contains("connection refused");
            });

            ZabbixExchange second = client.send(request("web-01", 2)).join();
            assertThat(second.server()).isEqualTo("127.0.0.1:" + active.port());
            assertThat(second.refused()).isEmpty();
            assertThat(client.server()).isEqualTo("127.0.0.1:" + standby + ";127.0.0.1:" + active.port());
        }
    }

    @Test
    void whenTheActiveNodeGoesAwayTheStandbyThatTookOverAnswers() throws IOException {
        int second = freePort();
        ZabbixTrapperReceiver first = ZabbixTrapperReceiver.create();
        try (ZabbixClient client = ZabbixClient.create(config(first.port(), second))) {
            assertThat(client.send(request("web-01", 1)).join().server()).isEqualTo("127.0.0.1:" + first.port());
            first.close();

            ZabbixExchange duringFailover = client.send(request("web-01", 1)).join();
            assertThat(duringFailover.failure().stage()).isEqualTo(Stage.CONNECT);
            assertThat(duringFailover.failure().stage().nothingSent()).isTrue();
            assertThat(duringFailover.refused()).hasSize(1);

            try (ZabbixTrapperReceiver tookOver = ZabbixTrapperReceiver.create(second, key -> true, (row, accepted) -> { })) {
                ZabbixExchange after = client.send(request("web-01", 4)).join();
                assertThat(after.server()).isEqualTo("127.0.0.1:" + second);
                assertThat(after.response().counts().processed()).isEqualTo(4);
                assertThat(tookOver.rows()).hasSize(4);
            }
        }
    }

    @Test
    void withEveryNodeRefusingTheExchangeFailsAtConnectNamingThemAll() throws IOException {
        int a = freePort();
        int b = freePort();
        try (ZabbixClient client = ZabbixClient.create(config(a, b))) {
            ZabbixExchange exchange = client.send(request("web-01", 1)).join();

            assertThat(exchange.failure().stage()).isEqualTo(Stage.CONNECT);
            assertThat(exchange.server()).isEqualTo("127.0.0.1:" + b);
            assertThat(exchange.refused()).extracting(ZabbixExchange.Refusal::server)
                    .containsExactly("127.0.0.1:" + a);
        }
    }

    @Test
    void nodeListsParseAsZabbixWritesThem() {
        ZabbixServerNodes nodes = ZabbixServerNodes.parse("zbx-a; zbx-b:10052;[::1]", 10051);

        assertThat(nodes.nodes()).containsExactly(HostPort.of("zbx-a", 10051), HostPort.of("zbx-b", 10052),
                HostPort.of("::1", 10051));
        assertThat(nodes).hasToString("zbx-a:10051;zbx-b:10052;[::1]:10051");
        assertThat(ZabbixServerNodes.parse(nodes.toString(), 1)).isEqualTo(nodes);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ZabbixServerNodes.parse("a;;b", 10051))
                .hasMessage("\"a;;b\" (expected: " + ZabbixServerNodes.EXPECTED + ")");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ZabbixServerNodes.parse("a;a:10051", 10051))
                .hasMessage("\"a;a:10051\" (expected: each node once; a:10051 is named twice)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ZabbixServerNodes.parse("a;b:0", 10051))
                .hasMessageContaining("not b:0");
    }

    // --- Zabbix 7.0 proxy-group redirects ---
    //
    // The replies below are the bytes 7.0 writes. zbx_process_sender_history_data() puts the redirect block
    // that zbx_add_redirect_response() builds ({"redirect":{"revision":N,"address":"host:port"}}, or
    // {"redirect":{"reset":true}}) into the reply as "ext", and recv_senderhistory() answers FAIL with it:
    // zbx_send_response_json() starts from ext and appends "response":"failed" and no info
    // (src/zabbix_server/trapper/trapper.c, src/libs/zbxcomms/comms.c in Zabbix 7.0).

    static String redirect(long revision, int port) {
        return "{\"redirect\":{\"revision\":" + revision + ",\"address\":\"127.0.0.1:" + port
                + "\"},\"response\":\"failed\"}";
    }

    static final String RESET = "{\"redirect\":{\"reset\":true},\"response\":\"failed\"}";

    @Test
    void readsTheRedirectBlocksZabbixWrites() {
        ZabbixResponse redirect = ZabbixResponse.parse(redirect(7, 10051).getBytes());
        assertThat(redirect.response()).isEqualTo("failed");
        assertThat(redirect.redirect()).isEqualTo(ZabbixResponse.Redirect.to(7, "127.0.0.1:10051"));
        assertThat(ZabbixResponse.parse(RESET.getBytes()).redirect()).isEqualTo(ZabbixResponse.Redirect.RESET);
        // Read as zbx_parse_redirect_response reads it: a block missing its address is no redirect.
        assertThat(ZabbixResponse.parse("{\"redirect\":{\"revision\":3},\"response\":\"failed\"}".getBytes())
                .redirect()).isNull();
        assertThat(ZabbixResponse.parse("{\"redirect\":{\"revision\":\"4\",\"address\":\"p\"},\"response\":\"failed\"}"
                .getBytes()).redirect()).isEqualTo(ZabbixResponse.Redirect.to(4, "p"));
    }

    @Test
    void followsARedirectOnceAndSendsTheHostStraightThereAfterwards() throws IOException {
        try (Scripted proxyB = new Scripted(json -> ScriptedTrapper.success(1, 0, 1));
             Scripted proxyA = new Scripted(json -> ScriptedTrapper.frame(redirect(7, proxyB.port())));
             ZabbixClient client = ZabbixClient.create(config(proxyA.port()))) {
            ZabbixExchange first = client.send(request("web-01", 1)).join();

            assertThat(first.answered()).isTrue();
            assertThat(first.response().isSuccess()).isTrue();
            assertThat(first.server()).isEqualTo("127.0.0.1:" + proxyB.port());
            assertThat(proxyA.trapper.requests()).hasSize(1);
            assertThat(proxyB.trapper.requests()).containsExactly(proxyA.trapper.requests().get(0));

            client.send(request("web-01", 1)).join();
            assertThat(proxyA.trapper.requests()).as("the cached redirect is used").hasSize(1);
            assertThat(proxyB.trapper.requests()).hasSize(2);

            client.send(request("db-01", 1)).join();
            assertThat(proxyA.trapper.requests()).as("another host is not redirected").hasSize(2);
        }
    }

    @Test
    void aNewerRevisionReplacesTheCachedRedirect() throws IOException {
        try (Scripted proxyC = new Scripted(json -> ScriptedTrapper.success(1, 0, 1));
             Scripted proxyB = new Scripted(json -> ScriptedTrapper.success(1, 0, 1));
             Scripted proxyA = new Scripted(json -> ScriptedTrapper.frame(redirect(7, proxyB.port())));
             ZabbixClient client = ZabbixClient.create(config(proxyA.port()))) {
            client.send(request("web-01", 1)).join();
            proxyB.script.set(json -> ScriptedTrapper.frame(redirect(8, proxyC.port())));

            ZabbixExchange moved = client.send(request("web-01", 1)).join();
            assertThat(moved.server()).isEqualTo("127.0.0.1:" + proxyC.port());
            assertThat(moved.response().isSuccess()).isTrue();

            client.send(request("web-01", 1)).join();
            assertThat(proxyC.trapper.requests()).hasSize(2);
            assertThat(proxyB.trapper.requests()).hasSize(2);
            assertThat(proxyA.trapper.requests()).hasSize(1);
        }
    }

    @Test
    void anOlderRevisionDoesNotReplaceTheCachedRedirect() throws IOException {
        try (Scripted proxyC = new Scripted(json -> ScriptedTrapper.success(1, 0, 1));
             Scripted proxyB = new Scripted(json -> ScriptedTrapper.success(1, 0, 1));
             Scripted proxyA = new Scripted(json -> ScriptedTrapper.frame(redirect(7, proxyB.port())));
             ZabbixClient client = ZabbixClient.create(config(proxyA.port()))) {
            client.send(request("web-01", 1)).join();
            // A stale redirect from the proxy we were sent to: keep what we have, and ask the server this time.
            proxyB.script.set(json -> ScriptedTrapper.frame(redirect(5, proxyC.port())));
            proxyA.script.set(json -> ScriptedTrapper.success(1, 0, 1));
            ZabbixExchange stale = client.send(request("web-01", 1)).join();

            assertThat(stale.answered()).isTrue();
            assertThat(proxyC.trapper.requests()).isEmpty();
            assertThat(stale.server()).isEqualTo("127.0.0.1:" + proxyA.port());
        }
    }

    @Test
    void aResetDropsTheCachedRedirectAndSendsToTheServerAgain() throws IOException {
        try (Scripted proxyB = new Scripted(json -> ScriptedTrapper.success(1, 0, 1));
             Scripted proxyA = new Scripted(json -> ScriptedTrapper.frame(redirect(7, proxyB.port())));
             ZabbixClient client = ZabbixClient.create(config(proxyA.port()))) {
            client.send(request("web-01", 1)).join();
            proxyB.script.set(json -> ScriptedTrapper.frame(RESET));
            proxyA.script.set(json -> ScriptedTrapper.success(1, 0, 1));

            ZabbixExchange reset = client.send(request("web-01", 1)).join();
            assertThat(reset.server()).isEqualTo("127.0.0.1:" + proxyA.port());
            assertThat(reset.response().isSuccess()).isTrue();

            client.send(request("web-01", 1)).join();
            assertThat(proxyB.trapper.requests()).as("the redirect is forgotten").hasSize(2);
            assertThat(proxyA.trapper.requests()).hasSize(3);
        }
    }

    @Test
    void aSecondRedirectInARowIsAnError() throws IOException {
        try (Scripted proxyC = new Scripted(json -> ScriptedTrapper.success(1, 0, 1));
             Scripted proxyB = new Scripted(json -> ScriptedTrapper.frame(redirect(8, proxyC.port())));
             Scripted proxyA = new Scripted(json -> ScriptedTrapper.frame(redirect(7, proxyB.port())));
             ZabbixClient client = ZabbixClient.create(config(proxyA.port()))) {
            ZabbixExchange exchange = client.send(request("web-01", 1)).join();

            assertThat(exchange.failure()).isEqualTo(new ZabbixExchange.Failure(Stage.REDIRECT,
                    "sequential redirect responses detected"));
            assertThat(exchange.failure().stage().nothingSent()).isTrue();
            assertThat(proxyC.trapper.requests()).isEmpty();
        }
    }

    @Test
    void aResetWhenNotRedirectedMeansTheServiceIsOffline() throws IOException {
        try (Scripted proxyA = new Scripted(json -> ScriptedTrapper.frame(RESET));
             ZabbixClient client = ZabbixClient.create(config(proxyA.port()))) {
            ZabbixExchange exchange = client.send(request("web-01", 1)).join();

            assertThat(exchange.failure()).isEqualTo(new ZabbixExchange.Failure(Stage.REDIRECT,
                    "connection was reset because of service being offline"));
            assertThat(proxyA.trapper.requests()).hasSize(1);
        }
    }

    @Test
    void aRedirectInASuccessfulReplyIsNotFollowed() throws IOException {
        try (Scripted proxyA = new Scripted(json -> ScriptedTrapper.frame("{\"redirect\":{\"revision\":1,"
                + "\"address\":\"127.0.0.1:1\"},\"response\":\"success\",\"info\":\"processed: 1; failed: 0; "
                + "total: 1; seconds spent: 0.000010\"}"));
             ZabbixClient client = ZabbixClient.create(config(proxyA.port()))) {
            ZabbixExchange exchange = client.send(request("web-01", 1)).join();

            assertThat(exchange.response().isSuccess()).isTrue();
            assertThat(exchange.server()).isEqualTo("127.0.0.1:" + proxyA.port());
        }
    }

    /** A scripted trapper whose script a test may change between requests. */
    private static final class Scripted implements AutoCloseable {
        final AtomicReference<Function<String, byte[]>> script;
        final ScriptedTrapper trapper;

        Scripted(Function<String, byte[]> initial) throws IOException {
            this.script = new AtomicReference<>(initial);
            this.trapper = new ScriptedTrapper(json -> script.get().apply(json));
        }

        int port() {
            return trapper.port();
        }

        @Override
        public void close() throws IOException {
            trapper.close();
        }
    }

    private static ZabbixClientConfig config(int... ports) {
        List<HostPort> nodes = java.util.Arrays.stream(ports).mapToObj(p -> HostPort.of("127.0.0.1", p)).toList();
        return ZabbixClientConfig.of(new ZabbixServerNodes(nodes), Duration.ofSeconds(3), Duration.ofSeconds(10));
    }

    private static ZabbixSenderRequest request(String host, int rows) {
        List<Row> list = new java.util.ArrayList<>();
        for (int i = 0; i < rows; i++) {
            list.add(new Row(host, "item[" + i + "]", "1", NOW.getEpochSecond(), i));
        }
        return ZabbixSenderRequest.of(list, NOW);
    }

    /** A loopback port nobody listens on: a connection to it is refused, as by a 6.0 standby node. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
