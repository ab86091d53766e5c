package dev.concierge.courier.sources.consul;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.consul.ConsulHealthJson.Instance;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One-shot LLD queries against WireMock answering like a Consul agent (PROTOCOLS.md §6.4). */
class ConsulLldTest {
    private final WireMockServer consul = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").port(0));

    @BeforeEach
    void start() {
        consul.start();
    }

    @AfterEach
    void stop() {
        consul.stop();
    }

    private URI agent() {
        return URI.create("http://127.0.0.1:" + consul.port());
    }

    private void answer(String service, Instance... instances) {
        consul.stubFor(get(urlPathEqualTo("/v1/health/service/" + service)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withHeader("X-Consul-Index", "20460")
                .withHeader("X-Consul-KnownLeader", "true").withBody(ConsulHealthJson.answer(service, List.of(instances)))));
    }

    private static Map<String, String> row(String service, String instance, String node, int port) {
        return Map.of("{#SERVICE}", service, "{#INSTANCE}", instance, "{#NODE}", node, "{#ADDRESS}", "127.0.0.1",
                "{#PORT}", Integer.toString(port));
    }

    @Test
    void listsThePassingInstancesOfEveryServiceFromOneNonBlockingQueryEach() throws SourceException {
        answer("metrics-courier", new Instance("app-node-08", "courier-web-02", 9103, "passing"),
                new Instance("app-node-07", "courier-web-01", 9102, "passing"),
                new Instance("app-node-09", "courier-web-03", 9104, "critical"));
        answer("billing", new Instance("app-node-07", "billing-01", 8080, "warning"));

        LldRows answer = ConsulLld.queryPassing(agent(), Secret.of("s3cr3t-token"),
                Duration.ofSeconds(2), List.of("metrics-courier", "billing"));
        List<Map<String, String>> rows = answer.rows().stream().map(LldRow::macros).toList();

        assertThat(rows).containsExactly(row("metrics-courier", "courier-web-01", "app-node-07", 9102),
                row("metrics-courier", "courier-web-02", "app-node-08", 9103));
        assertThat(answer.rows()).extracting(LldRow::group).containsOnly("metrics-courier");
        assertThat(rows.get(0).keySet()).containsExactly("{#SERVICE}", "{#INSTANCE}", "{#NODE}", "{#ADDRESS}", "{#PORT}");
        consul.verify(2, getRequestedFor(urlPathMatching("/v1/health/service/(metrics-courier|billing)"))
                .withQueryParam("index", absent()).withQueryParam("wait", absent()).withQueryParam("token", absent())
                .withHeader("X-Consul-Token", equalTo("s3cr3t-token")));
    }

    @Test
    void failsAsAWholeWhenOneServiceCannotBeRead() {
        answer("metrics-courier", new Instance("app-node-07", "courier-web-01", 9102, "passing"));
        consul.stubFor(get(urlPathEqualTo("/v1/health/service/billing"))
                .willReturn(aResponse().withStatus(403).withBody("ACL not found")));

        assertThatThrownBy(() -> ConsulLld.queryPassing(agent(), Secret.of("s3cr3t-token"), Duration.ofSeconds(2),
                List.of("metrics-courier", "billing")))
                .isInstanceOf(SourceException.class)
                .hasMessageContaining("service billing").hasMessageContaining("403")
                .hasMessageNotContaining("s3cr3t-token");
    }
}
