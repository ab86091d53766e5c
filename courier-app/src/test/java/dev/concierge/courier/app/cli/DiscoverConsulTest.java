package dev.concierge.courier.app.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code courier discover --type consul} against WireMock answering {@code /v1/health/service/:name} like a
 * Consul agent (PROTOCOLS.md §6.4): a passing instance with an empty {@code Service.Address}, one whose
 * service check is critical, and one whose node check is warning.
 */
class DiscoverConsulTest {
    private static final String TOKEN = "b1gs3cr3t-acl-token";
    private final WireMockServer consul = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").port(0));

    @BeforeEach
    void start() {
        consul.start();
    }

    @AfterEach
    void stop() {
        consul.stop();
    }

    private static String entry(String node, String nodeAddress, String id, String address, int port, String serf,
                                String check) {
        return """
                {"Node": {"ID": "5f3c2a1e-9b7d-4c1a-8e2f-0a9d6b4c3e21", "Node": "%1$s", "Address": "%2$s",
                          "Datacenter": "dc1", "TaggedAddresses": {"lan": "%2$s", "wan": "%2$s"},
                          "Meta": {"consul-network-segment": "", "rack": "r12"}, "CreateIndex": 1187, "ModifyIndex": 1190},
                 "Service": {"ID": "%3$s", "Service": "metrics-courier", "Tags": ["v1", "zabbix"], "Address": "%4$s",
                             "Port": %5$d, "Meta": {"version": "1.4.0", "metrics_path": "/metrics"},
                             "TaggedAddresses": {}, "Weights": {"Passing": 1, "Warning": 1}, "EnableTagOverride": false,
                             "Kind": "", "CreateIndex": 20452, "ModifyIndex": 20452},
                 "Checks": [
                   {"Node": "%1$s", "CheckID": "serfHealth", "Name": "Serf Health Status", "Status": "%6$s",
                    "Notes": "", "Output": "Agent alive and reachable", "ServiceID": "", "ServiceName": "",
                    "ServiceTags": [], "Type": "", "CreateIndex": 1187, "ModifyIndex": 1187},
                   {"Node": "%1$s", "CheckID": "courier-ttl", "Name": "courier heartbeat", "Status": "%7$s",
                    "Notes": "", "Output": "ok", "ServiceID": "%3$s", "ServiceName": "metrics-courier",
                    "ServiceTags": ["v1", "zabbix"], "Type": "ttl", "CreateIndex": 20452, "ModifyIndex": 20460}]}"""
                .formatted(node, nodeAddress, id, address, port, serf, check);
    }

    private void answerHealth() {
        String body = "[" + entry("app-node-07", "10.0.3.7", "courier-web-01", "", 9102, "passing", "passing") + ","
                + entry("app-node-08", "10.0.3.8", "courier-web-02", "10.0.9.2", 9103, "passing", "critical") + ","
                + entry("app-node-09", "10.0.3.9", "courier-web-03", "", 9104, "warning", "passing") + ","
                + entry("app-node-06", "10.0.3.6", "courier-web-00", "10.0.9.6", 9101, "passing", "passing") + "]";
        consul.stubFor(get(urlPathEqualTo("/v1/health/service/metrics-courier")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("X-Consul-Index", "20460")
                .withHeader("X-Consul-KnownLeader", "true").withHeader("X-Consul-LastContact", "0").withBody(body)));
    }

    private CommandOutput discover(Map<String, String> environment, String... args) {
        return CommandOutput.runCommand(new DiscoverCommand(environment, Clock.systemUTC()), args);
    }

    @Test
    void listsEveryPassingInstanceWithTheTokenFromTheEnvironmentInAHeader() {
        answerHealth();

        CommandOutput result = discover(Map.of("CONSUL_HTTP_TOKEN", TOKEN), "--type", "consul", "--agent",
                "http://127.0.0.1:" + consul.port(), "--service", "metrics-courier");

        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("["
                + "{\"{#SERVICE}\":\"metrics-courier\",\"{#INSTANCE}\":\"courier-web-00\",\"{#NODE}\":\"app-node-06\","
                + "\"{#ADDRESS}\":\"10.0.9.6\",\"{#PORT}\":\"9101\"},"
                + "{\"{#SERVICE}\":\"metrics-courier\",\"{#INSTANCE}\":\"courier-web-01\",\"{#NODE}\":\"app-node-07\","
                + "\"{#ADDRESS}\":\"10.0.3.7\",\"{#PORT}\":\"9102\"}]\n");
        consul.verify(1, getRequestedFor(urlPathEqualTo("/v1/health/service/metrics-courier"))
                .withQueryParam("index", absent()).withQueryParam("token", absent())
                .withHeader("X-Consul-Token", equalTo(TOKEN)));
    }

    @Test
    void sendsNoTokenWithoutTheVariableAndWritesTheDataFormOnRequest() {
        answerHealth();

        CommandOutput result = discover(Map.of(), "--agent", "http://127.0.0.1:" + consul.port(), "--service",
                "metrics-courier", "--format", "data");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("{\"data\":[{\"{#SERVICE}\":\"metrics-courier\"");
        consul.verify(1, getRequestedFor(urlPathEqualTo("/v1/health/service/metrics-courier"))
                .withHeader("X-Consul-Token", absent()));
    }

    @Test
    void printsNothingWhenOneServiceCannotBeReadAndNeverTheToken() {
        answerHealth();
        consul.stubFor(get(urlPathEqualTo("/v1/health/service/billing"))
                .willReturn(aResponse().withStatus(403).withBody("ACL not found")));

        CommandOutput result = discover(Map.of("CONSUL_HTTP_TOKEN", TOKEN), "--type", "consul", "--agent",
                "http://127.0.0.1:" + consul.port(), "--service", "metrics-courier", "--service", "billing",
                // Generous, so only the refused service can fail on a busy machine.
                "--timeout", "20s");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("courier discover: http://127.0.0.1:" + consul.port() + " service billing: ")
                .contains("403").doesNotContain(TOKEN);
    }

    @Test
    void needsAServiceAndRefusesATokenFlagWithoutEchoingIt() {
        CommandOutput noService = discover(Map.of(), "--type", "consul");
        CommandOutput withKind = discover(Map.of(), "--type", "consul", "--service", "web", "--kind", "timers");
        CommandOutput withToken = discover(Map.of(), "--type", "consul", "--service", "web", "--token", TOKEN);

        assertThat(noService.exitCode()).isEqualTo(2);
        assertThat(noService.err()).contains("--type consul needs at least one --service NAME");
        assertThat(withKind.exitCode()).isEqualTo(2);
        assertThat(withKind.err()).contains("--kind applies to --type dropwizard only");
        assertThat(withToken.exitCode()).isEqualTo(2);
        assertThat(withToken.err()).contains("--token is not accepted, set CONSUL_HTTP_TOKEN instead")
                .doesNotContain(TOKEN);
    }
}
