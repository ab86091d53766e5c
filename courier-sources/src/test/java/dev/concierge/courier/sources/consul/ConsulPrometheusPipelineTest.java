package dev.concierge.courier.sources.consul;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.testing.RecordingSink;
import dev.concierge.courier.sources.LoopbackHttpServer;
import dev.concierge.courier.sources.consul.ConsulHealthJson.Instance;
import dev.concierge.courier.sources.prometheus.PrometheusConfig;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Consul discovery end to end: WireMock plays the agent (Consul cannot run here), reporting instances that
 * serve node_exporter-style Prometheus text on loopback; a real pipeline carries what the courier scrapes
 * to a sink, under each instance's host and with the Zabbix keys the Zabbix sink would send.
 */
class ConsulPrometheusPipelineTest {
    private static final String HEALTH = "/v1/health/service/node";
    private static final Duration HOLD = Duration.ofMillis(300);

    private final WireMockServer consul = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").port(0));
    private final List<LoopbackHttpServer> exporters = new ArrayList<>();
    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
    private Pipeline pipeline;

    @BeforeEach
    void start() {
        consul.start();
    }

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(2));
        }
        exporters.forEach(LoopbackHttpServer::close);
        consul.stop();
    }

    /** A node_exporter-like endpoint whose idle CPU seconds are {@code idle}. */
    private int exporter(double idle) {
        byte[] body = ("""
                # HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
                # TYPE node_cpu_seconds_total counter
                node_cpu_seconds_total{cpu="0",mode="idle"} %s
                node_cpu_seconds_total{cpu="0",mode="user"} 12.5
                # HELP node_load1 1m load average.
                # TYPE node_load1 gauge
                node_load1 0.25
                """.formatted(idle)).getBytes(StandardCharsets.UTF_8);
        LoopbackHttpServer server = LoopbackHttpServer.start("/metrics", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        exporters.add(server);
        return server.uri("/").getPort();
    }

    private static ResponseDefinitionBuilder answer(long index, Instance... instances) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("X-Consul-Index", Long.toString(index))
                // The instances name their scrape type with a tag, as operators register them.
                .withBody(ConsulHealthJson.answer("node", List.of(instances))
                        .replace("metrics=dropwizard", "metrics=prometheus"));
    }

    private ConsulConfig config() {
        ConsulConfig.Scrape prometheus = new ConsulConfig.Scrape(PrometheusConfig.TYPE, "/metrics", "http",
                Duration.ofMillis(200), 1 << 20, 4);
        return new ConsulConfig("consul-nodes", URI.create("http://127.0.0.1:" + consul.port()), null,
                List.of("node"), null, Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofSeconds(2),
                Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(200),
                "courier-01", ConsulConfig.InstanceHost.NODE, prometheus, null);
    }

    /** Hosts whose idle-CPU series is among {@code samples}. */
    private static Set<String> hostsWithIdleCpu(List<Sample> samples) {
        return samples.stream().filter(s -> isSeries(s, MetricType.COUNTER, "node_cpu_seconds_total", "cpu", "0",
                        "mode", "idle"))
                .map(Sample::host).collect(Collectors.toSet());
    }

    private static boolean isSeries(Sample s, MetricType type, String name, String... labels) {
        return s.type() == type && s.name().equals(name) && s.labels().equals(Labels.of(labels));
    }

    @Test
    void deliversEveryPassingInstancesSeriesUnderItsHostAndFollowsChanges() {
        Instance a = new Instance("node-a", "node-a:9100", exporter(100), "passing");
        Instance b = new Instance("node-b", "node-b:9100", exporter(200), "passing");
        Instance c = new Instance("node-c", "node-c:9100", exporter(300), "passing");
        Instance aCritical = new Instance("node-a", "node-a:9100", a.port(), "critical");
        consul.stubFor(get(urlPathEqualTo(HEALTH)).withQueryParam("index", absent()).willReturn(answer(100, a, b)));
        consul.stubFor(get(urlPathEqualTo(HEALTH)).withQueryParam("index", equalTo("100")).inScenario("nodes")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(answer(100, a, b).withFixedDelay((int) HOLD.toMillis())));
        consul.stubFor(get(urlPathEqualTo(HEALTH)).withQueryParam("index", equalTo("100")).inScenario("nodes")
                .whenScenarioStateIs("changed")
                .willReturn(answer(120, aCritical, b, c).withFixedDelay((int) HOLD.toMillis())));
        consul.stubFor(get(urlPathEqualTo(HEALTH)).withQueryParam("index", equalTo("120"))
                .willReturn(answer(120, aCritical, b, c).withFixedDelay((int) HOLD.toMillis())));
        RecordingSink sink = new RecordingSink("zabbix", 1000, 1);
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 22), ledger,
                List.of(new ScheduledSource(ConsulSource.create(config()), Duration.ofMillis(200))),
                List.of(new SinkSpec(sink, failures -> Duration.ZERO, 1 << 22)), Clock.systemUTC());
        pipeline.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> hostsWithIdleCpu(sink.samplesSent())
                .containsAll(Set.of("node-a", "node-b")));
        assertThat(sink.samplesSent()).filteredOn(s -> s.host().equals("node-b"))
                .anyMatch(s -> isSeries(s, MetricType.COUNTER, "node_cpu_seconds_total", "cpu", "0", "mode", "user"))
                .anyMatch(s -> isSeries(s, MetricType.GAUGE, "node_load1"));
        assertThat(sink.samplesSent()).filteredOn(s -> s.host().equals("node-a") && s.name().equals("node_cpu_seconds_total")
                && "idle".equals(s.labels().get("mode"))).allSatisfy(s -> assertThat(s.value().render()).isEqualTo("100"));

        consul.setScenarioState("nodes", "changed");
        await().atMost(Duration.ofSeconds(20)).until(() -> hostsWithIdleCpu(sink.samplesSent()).contains("node-c"));
        int seen = sink.samplesSent().size();
        await().atMost(Duration.ofSeconds(20)).until(() -> hostsWithIdleCpu(sink.samplesSent()
                .subList(seen, sink.samplesSent().size())).containsAll(Set.of("node-b", "node-c")));

        assertThat(hostsWithIdleCpu(sink.samplesSent().subList(seen, sink.samplesSent().size())))
                .containsOnly("node-b", "node-c");
        assertThat(sink.samplesSent()).allSatisfy(s -> assertThat(s.source()).isEqualTo("consul-nodes"));
        assertThat(pipeline.sinkStats().get("zabbix").dropped()).isZero();
    }
}
