package dev.concierge.courier.sinks.zabbix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.ledger.FileSinkBacklog;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reason for every refused value, from the real Zabbix 6.0 API (token in the {@code auth} field), and the
 * {@code Authorization: Bearer} header 7.2 requires, against a scripted JSON-RPC receiver that answers as
 * the 7.2 API documentation shows (Debian ships the 6.0 frontend only).
 */
class ZabbixRefusalReasonsTest {
    private static final String HOST = "courier-reasons-host";

    private static Sample sample(String name, SampleValue value) {
        Instant now = Instant.now();
        return new Sample(name, Labels.empty(), MetricType.GAUGE, null, value, now.getEpochSecond(), now.getNano(),
                HOST, "test");
    }

    private static String key(Sample sample) {
        return Row.of(sample, null).key();
    }

    @Test
    void anUnknownKeyADisabledItemAndTextForANumberGetThreeReasons() throws Exception {
        RealZabbixServer zabbix = RealZabbixServer.shared();
        Sample fine = sample("reasons.fine", SampleValue.of(1.5));
        Sample none = sample("reasons.none", SampleValue.of(2.0));
        Sample off = sample("reasons.off", SampleValue.of(3.0));
        Sample text = sample("reasons.num", SampleValue.of("not a number"));
        String hostId = zabbix.createHost(HOST);
        zabbix.createTrapperItem(hostId, key(fine), RealZabbixServer.ValueType.FLOAT);
        zabbix.createTrapperItem(hostId, key(text), RealZabbixServer.ValueType.FLOAT);
        String offId = zabbix.createTrapperItem(hostId, key(off), RealZabbixServer.ValueType.FLOAT);
        zabbix.call("item.update", Map.of("itemid", offId, "status", 1));
        JsonNode token = zabbix.call("token.create", Map.of("name", "courier-reasons", "userid", "1"));
        String tokenId = token.get("tokenids").get(0).asText();
        String secret = zabbix.call("token.generate", List.of(tokenId)).get(0).get("token").asText();
        zabbix.reloadConfigCache();

        ZabbixApiConfig api = new ZabbixApiConfig(URI.create(zabbix.apiUrl()), Secret.of(secret));
        try (ZabbixSink sink = ZabbixSink.create(ZabbixSinkConfig.of("reasons", "127.0.0.1", zabbix.trapperPort()),
                null, api, Clock.systemUTC())) {
            DeliveryOutcome outcome = sink.send(new Batch(1, List.of(fine, none, off, text))).toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);

            assertThat(outcome).isInstanceOf(DeliveryOutcome.PartiallyRejected.class);
            // 6.0's trapper counts the text for a float item processed; preprocessing then refuses it and the
            // item turns unsupported, so it is stored nowhere. Its reason is recorded all the same.
            assertThat(((DeliveryOutcome.PartiallyRejected) outcome).rejected()).isEqualTo(2);
            assertThat(outcome.detail()).startsWith("processed: 2; failed: 2; total: 4")
                    .contains("no such item: " + HOST + " " + key(none))
                    .contains("item disabled: " + HOST + " " + key(off))
                    .contains("value of the wrong type (the item takes numbers (float)): " + HOST + " " + key(text)
                            + " = \"not a number\"")
                    .doesNotContain(key(fine) + ";").doesNotContain(secret);
        }

        ZabbixRefusalReasons reasons = new ZabbixRefusalReasons(api, Clock.systemUTC());
        Map<Row, String> unknownHost = reasons.reasons(List.of(new Row("courier-no-such-host", "k", "1", 0, 0)))
                .get(30, TimeUnit.SECONDS);
        assertThat(unknownHost.values()).containsExactly("no such host");
    }

    @Test
    void sendsTheTokenAsABearerHeaderToAnApiThatIsSevenTwo() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api_jsonrpc.php", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            // Shapes from the 7.2 API reference: apiinfo.version, host.get and item.get results.
            String result = body.contains("apiinfo.version") ? "\"7.2.0\""
                    : body.contains("host.get") ? "[{\"hostid\":\"10601\",\"host\":\"" + HOST + "\",\"status\":\"0\"}]"
                    : "[{\"itemid\":\"7\",\"key_\":\"app.log\",\"status\":\"0\",\"type\":\"0\",\"value_type\":\"3\"}]";
            byte[] reply = ("{\"jsonrpc\":\"2.0\",\"result\":" + result + ",\"id\":1}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api_jsonrpc.php");
            ZabbixRefusalReasons reasons = new ZabbixRefusalReasons(new ZabbixApiConfig(url, Secret.of("t0k3n")),
                    Clock.systemUTC());
            List<Row> rows = List.of(new Row(HOST, "app.log", "5", 0, 0), new Row(HOST, "app.log", "6", 0, 1));

            Map<Row, String> found = reasons.reasons(rows).get(30, TimeUnit.SECONDS);
            assertThat(found.values()).containsOnly("not a trapper item (item type 0)");
            reasons.reasons(rows).get(30, TimeUnit.SECONDS);

            assertThat(bodies).as("apiinfo.version once, then host.get and item.get once: cached").hasSize(3);
            assertThat(authorizations.subList(1, 3)).containsOnly("Bearer t0k3n");
            assertThat(bodies.subList(1, 3)).noneMatch(b -> b.contains("\"auth\""));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theLedgerRecordsTheReasonWithTheBatch(@TempDir Path dir) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api_jsonrpc.php", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            // A 6.0 API: the host is there, the item is not.
            String result = body.contains("apiinfo.version") ? "\"6.0.14\""
                    : body.contains("host.get") ? "[{\"hostid\":\"10601\",\"host\":\"" + HOST + "\",\"status\":\"0\"}]"
                    : "[]";
            byte[] reply = ("{\"jsonrpc\":\"2.0\",\"result\":" + result + ",\"id\":1}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        });
        server.start();
        Sample unknown = sample("reasons.unknown", SampleValue.of(1L));
        FileDeliveryLedger ledger = FileDeliveryLedger.open(dir, Clock.systemUTC());
        try (ZabbixTrapperReceiver trapper = ZabbixTrapperReceiver.create(0, key -> false, (row, processed) -> { })) {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api_jsonrpc.php");
            ZabbixSink sink = ZabbixSink.create(ZabbixSinkConfig.of("reasons-ledger", "127.0.0.1", trapper.port()),
                    null, new ZabbixApiConfig(url, Secret.of("t")), Clock.systemUTC());
            FileSinkBacklog backlog = ledger.openBacklog("reasons-ledger", 1 << 20);
            backlog.appendAll(new Sample[] {unknown}, 1, record -> { });
            backlog.close(record -> { });
            Pipeline pipeline = Pipeline.create(MultiProducerBroadcastRing.create(64, 1 << 20), ledger, List.of(),
                    List.of(new SinkSpec(sink, failures -> Duration.ZERO, 1 << 20)), Clock.systemUTC());
            pipeline.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> ledger.totals("reasons-ledger").rejected() == 1);
            } finally {
                pipeline.stop(Duration.ofSeconds(5));
            }
            assertThat(ledger.recent(10)).last().satisfies(record -> assertThat(record.detail())
                    .endsWith("; refused: no such item: " + HOST + " " + key(unknown)));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void checksValuesAsTheTrapperDoes() {
        Map<String, String> floatItem = Map.of("status", "0", "type", "2", "value_type", "0");
        Map<String, String> unsigned = Map.of("status", "0", "type", "2", "value_type", "3");
        assertThat(ZabbixRefusalReasons.itemReason(floatItem, "1.5e3")).isNull();
        assertThat(ZabbixRefusalReasons.itemReason(floatItem, "abc")).startsWith("value of the wrong type");
        assertThat(ZabbixRefusalReasons.itemReason(unsigned, "-1")).startsWith("value of the wrong type");
        assertThat(ZabbixRefusalReasons.itemReason(Map.of("status", "0", "type", "2", "value_type", "4"), "x"))
                .isNull();
        assertThat(ZabbixRefusalReasons.itemReason(null, "1")).isEqualTo("no such item");
    }
}
