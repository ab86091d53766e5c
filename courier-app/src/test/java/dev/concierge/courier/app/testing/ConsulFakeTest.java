package dev.concierge.courier.app.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.Response;
import com.ecwid.consul.v1.health.HealthServicesRequest;
import com.ecwid.consul.v1.health.model.HealthService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fake against what it stands for: its answers have the fields of the recorded answer in PROTOCOLS.md §6.4
 * (the one the WireMock tests replay), consul-api reads them, and registration, TTL checks and blocking behave as
 * the API documentation says.
 */
class ConsulFakeTest {
    /** PROTOCOLS.md §6.4, as recorded. */
    private static final String RECORDED = """
            [{"Node": {"ID": "5f3c2a1e-9b7d-4c1a-8e2f-0a9d6b4c3e21", "Node": "app-node-07", "Address": "10.0.3.7",
                       "Datacenter": "dc1", "TaggedAddresses": {"lan": "10.0.3.7", "wan": "10.0.3.7"},
                       "Meta": {"consul-network-segment": "", "rack": "r12"}, "CreateIndex": 1187, "ModifyIndex": 1190},
              "Service": {"ID": "courier-web-01", "Service": "metrics-courier", "Tags": ["v1", "zabbix"], "Address": "",
                          "Port": 9102, "Meta": {"version": "1.4.0"}, "TaggedAddresses": {},
                          "Weights": {"Passing": 1, "Warning": 1}, "EnableTagOverride": false, "Kind": "",
                          "CreateIndex": 20452, "ModifyIndex": 20452},
              "Checks": [{"Node": "app-node-07", "CheckID": "serfHealth", "Name": "Serf Health Status",
                          "Status": "passing", "Notes": "", "Output": "Agent alive and reachable", "ServiceID": "",
                          "ServiceName": "", "ServiceTags": [], "Type": "", "CreateIndex": 1187, "ModifyIndex": 1187},
                         {"Node": "app-node-07", "CheckID": "courier-ttl", "Name": "courier heartbeat",
                          "Status": "passing", "Notes": "", "Output": "ok", "ServiceID": "courier-web-01",
                          "ServiceName": "metrics-courier", "ServiceTags": ["v1", "zabbix"], "Type": "ttl",
                          "CreateIndex": 20452, "ModifyIndex": 20460}]}]
            """;
    /** PROTOCOLS.md §6.3's registration body, with a short TTL. */
    private static final String REGISTRATION = """
            {"ID":"courier-web-01","Name":"metrics-courier","Tags":["v1"],"Port":9102,"Meta":{"version":"1.4.0"},
             "Check":{"CheckID":"courier-ttl","Name":"courier heartbeat","TTL":"1s","Status":"passing",
                      "DeregisterCriticalServiceAfter":"1m"}}
            """;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ConsulFake consul;

    ConsulFakeTest() throws Exception {
        consul = ConsulFake.start();
    }

    @AfterEach
    void stop() {
        consul.close();
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(consul.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void answersWithTheFieldsOfTheRecordedAnswerAndConsulApiReadsThem() throws Exception {
        assertThat(call("PUT", "/v1/agent/service/register?replace-existing-checks", REGISTRATION).statusCode())
                .isEqualTo(200);

        HttpResponse<String> answer = call("GET", "/v1/health/service/metrics-courier?passing=true", null);

        JsonNode entry = json.readTree(answer.body()).get(0);
        JsonNode recorded = json.readTree(RECORDED).get(0);
        assertThat(fields(entry)).isEqualTo(fields(recorded));
        assertThat(fields(entry.get("Node"))).isEqualTo(fields(recorded.get("Node")));
        assertThat(fields(entry.get("Service"))).isEqualTo(fields(recorded.get("Service")));
        assertThat(fields(entry.get("Checks").get(1))).isEqualTo(fields(recorded.get("Checks").get(1)));
        assertThat(answer.headers().firstValue("X-Consul-Index")).isPresent();
        assertThat(consul.deregisterCriticalAfter("courier-web-01")).isEqualTo(Duration.ofMinutes(1));

        ConsulClient client = new ConsulClient("127.0.0.1", URI.create(consul.url()).getPort());
        Response<List<HealthService>> read = client.getHealthServices("metrics-courier",
                HealthServicesRequest.newBuilder().setPassing(true).build());
        assertThat(read.getValue()).singleElement().satisfies(s -> {
            assertThat(s.getService().getId()).isEqualTo("courier-web-01");
            assertThat(s.getService().getPort()).isEqualTo(9102);
            assertThat(s.getChecks()).extracting(c -> c.getCheckId()).containsExactly("serfHealth", "courier-ttl");
        });
    }

    @Test
    void aTtlCheckNotPassedGoesCriticalAndLeavesThePassingAnswer() throws Exception {
        call("PUT", "/v1/agent/service/register", REGISTRATION);
        assertThat(consul.passing("metrics-courier")).containsExactly("courier-web-01");
        assertThat(call("PUT", "/v1/agent/check/pass/courier-ttl", null).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> consul.passing("metrics-courier").isEmpty());

        assertThat(json.readTree(call("GET", "/v1/health/service/metrics-courier?passing=true", null).body())).isEmpty();
        JsonNode all = json.readTree(call("GET", "/v1/health/service/metrics-courier?passing=false", null).body());
        assertThat(all.get(0).get("Checks").get(1).get("Status").asText()).isEqualTo("critical");
        assertThat(call("PUT", "/v1/agent/check/pass/unknown", null).body()).isEqualTo("Unknown check ID \"unknown\"");
    }

    @Test
    void aBlockingQueryIsHeldUntilAChangeAndDeregistrationIsIdempotent() throws Exception {
        HttpResponse<String> first = call("GET", "/v1/health/service/app", null);
        long index = Long.parseLong(first.headers().firstValue("X-Consul-Index").orElseThrow());
        var held = http.sendAsync(HttpRequest.newBuilder(URI.create(consul.url() + "/v1/health/service/app?index="
                + index + "&wait=30s")).build(), HttpResponse.BodyHandlers.ofString());

        consul.addPassingService("app", "app-1", "127.0.0.1", 9100, Map.of());

        HttpResponse<String> changed = held.get();
        assertThat(Long.parseLong(changed.headers().firstValue("X-Consul-Index").orElseThrow())).isGreaterThan(index);
        assertThat(json.readTree(changed.body()).get(0).get("Service").get("ID").asText()).isEqualTo("app-1");
        assertThat(call("PUT", "/v1/agent/service/deregister/app-1", null).statusCode()).isEqualTo(200);
        assertThat(call("PUT", "/v1/agent/service/deregister/app-1", null).statusCode()).isEqualTo(200);
        assertThat(consul.registered("app-1")).isFalse();
    }

    @Test
    void anAgentThatIsAwayAnswersFiveHundredToHeldQueriesToo() throws Exception {
        HttpResponse<String> first = call("GET", "/v1/health/service/app", null);
        String index = first.headers().firstValue("X-Consul-Index").orElseThrow();
        var held = http.sendAsync(HttpRequest.newBuilder(URI.create(consul.url() + "/v1/health/service/app?index="
                + index + "&wait=30s")).build(), HttpResponse.BodyHandlers.ofString());

        consul.goAway();

        assertThat(held.get().statusCode()).isEqualTo(500);
        consul.comeBack();
        assertThat(call("GET", "/v1/health/service/app", null).statusCode()).isEqualTo(200);
    }
}
