package dev.concierge.courier.sources.consul;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.RecordingEmitter;
import dev.concierge.courier.sources.consul.ConsulHealthJson.Instance;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sharing Consul source against WireMock playing the agent: six instances of {@code web}, and the courier
 * service {@code concierge-courier} whose passing instances are the couriers. Targets are shared by
 * {@code {service}/{instance}}, so who owns what does not depend on the ports the endpoints got.
 */
class ConsulSharingTest {
    private static final String WEB = "/v1/health/service/web";
    private static final String COURIERS = "/v1/health/service/concierge-courier";
    private static final int HOLD_MILLIS = 300;
    private static final List<String> INSTANCES = IntStream.rangeClosed(1, 6).mapToObj(i -> "web-" + i).toList();

    private final WireMockServer consul = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").port(0));
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final List<Instance> instances = new ArrayList<>();

    @BeforeEach
    void start() {
        consul.start();
        for (int i = 0; i < INSTANCES.size(); i++) {
            MetricsEndpoint endpoint = open(new MetricsEndpoint(i + 1));
            instances.add(new Instance("node-" + (i + 1), INSTANCES.get(i), endpoint.port(), "passing"));
        }
        consul.stubFor(get(urlPathEqualTo(WEB)).withQueryParam("index", absent())
                .willReturn(answer("web", 30, instances.toArray(Instance[]::new))));
        consul.stubFor(get(urlPathEqualTo(WEB)).withQueryParam("index", equalTo("30"))
                .willReturn(answer("web", 30, instances.toArray(Instance[]::new)).withFixedDelay(HOLD_MILLIS)));
        consul.stubFor(put(urlPathMatching("/v1/agent/.*")).willReturn(aResponse().withStatus(200)));
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
        consul.stop();
    }

    private <T extends AutoCloseable> T open(T closeable) {
        closeAfter.add(closeable);
        return closeable;
    }

    private ConsulSource create() {
        ConsulConfig.Registration register = new ConsulConfig.Registration("concierge-courier", "courier-01",
                "courier-01:ttl", null, 0, List.of(), Map.of(), Duration.ofSeconds(3), Duration.ofMinutes(1));
        return open(ConsulSource.create(new ConsulConfig("consul-web", URI.create("http://127.0.0.1:" + consul.port()),
                null, List.of("web"), null, Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofSeconds(2),
                Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(10),
                "courier-01", ConsulConfig.InstanceHost.NODE, ConsulConfig.Scrape.defaults(), register,
                new ConsulConfig.Sharing(1, "{service}/{instance}", Duration.ofSeconds(2))),
                ScrapeTargets.builtIn(), Clock.systemUTC()));
    }

    private static MappingBuilder couriers() {
        return get(urlPathEqualTo(COURIERS)).withQueryParam("passing", absent().or(equalTo("true")).or(equalTo("")));
    }

    private static Instance courier(String id) {
        return new Instance("node-" + id, id, 9102, "passing");
    }

    private static ResponseDefinitionBuilder answer(String service, long index, Instance... entries) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("X-Consul-Index", Long.toString(index))
                .withBody(ConsulHealthJson.answer(service, List.of(entries)));
    }

    /** The instances rendezvous hashing gives {@code courier} among {@code members}. */
    private static Set<String> share(String courier, Set<String> members) {
        return INSTANCES.stream().filter(i -> RendezvousHashing.owns(members, courier, "web/" + i, 1))
                .collect(Collectors.toSet());
    }

    private static List<Sample> collect(ConsulSource source) {
        RecordingEmitter emitter = new RecordingEmitter();
        try {
            source.collect(emitter);
        } catch (SourceException e) {
            throw new AssertionError(e);
        }
        return emitter.samples();
    }

    /** The instances whose counter was scraped, by the node name their samples carry. */
    private static Set<String> scraped(List<Sample> samples) {
        return samples.stream().filter(s -> s.name().equals("app.requests"))
                .map(s -> "web-" + s.host().substring("node-".length())).collect(Collectors.toSet());
    }

    private static Set<String> healthReported(List<Sample> samples) {
        return samples.stream().filter(s -> s.name().equals(ConsulSource.PASSING_METRIC))
                .map(s -> s.labels().get("instance")).collect(Collectors.toSet());
    }

    @Test
    @SuppressWarnings("unchecked")
    void scrapesItsShareAndTakesOverTheTargetsOfACourierThatLeaves() {
        Set<String> two = Set.of("courier-01", "courier-02");
        Set<String> mine = share("courier-01", two);
        assertThat(mine).isNotEmpty().hasSizeLessThan(INSTANCES.size());
        consul.stubFor(couriers().inScenario("members").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(answer("concierge-courier", 50, courier("courier-01"), courier("courier-02"))
                        .withFixedDelay(HOLD_MILLIS)));
        ConsulSource source = create();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Sample> samples = collect(source);
            assertThat(scraped(samples)).isEqualTo(mine);
            assertThat(healthReported(samples)).isEqualTo(mine);
        });
        assertThat(source.events().get("handoffs_in").getAsLong()).isZero();

        // courier-02's check went critical: it is no longer among the passing couriers.
        consul.stubFor(couriers().inScenario("members").whenScenarioStateIs("alone")
                .willReturn(answer("concierge-courier", 60, courier("courier-01")).withFixedDelay(HOLD_MILLIS)));
        consul.setScenarioState("members", "alone");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(scraped(collect(source))).containsExactlyInAnyOrderElementsOf(INSTANCES));
        assertThat(source.events().get("handoffs_in").getAsLong()).isEqualTo(INSTANCES.size() - mine.size());
        assertThat(source.gauges().get("targets.owned").getAsDouble()).isEqualTo(INSTANCES.size());
        assertThat(source.gauges().get("sharing.couriers").getAsDouble()).isEqualTo(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> sharing = (Map<String, Object>) source.state().get("sharing");
        assertThat(sharing).containsEntry("membership", "current").containsEntry("couriers", List.of("courier-01"))
                .containsEntry("targets_owned", INSTANCES.size());
        assertThat((List<?>) sharing.get("recent_handoffs")).hasSize(INSTANCES.size() - mine.size())
                .allSatisfy(h -> assertThat((Map<String, Object>) h).containsEntry("direction", "in")
                        .containsEntry("from", List.of("courier-02")).containsEntry("to", List.of("courier-01")));
    }

    @Test
    void keepsTheLastKnownOwnershipWhileTheAgentIsAwayAndSaysSo() {
        Set<String> mine = share("courier-01", Set.of("courier-01", "courier-02"));
        consul.stubFor(couriers().inScenario("agent").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(answer("concierge-courier", 50, courier("courier-01"), courier("courier-02")))
                .willSetStateTo("away"));
        consul.stubFor(couriers().inScenario("agent").whenScenarioStateIs("away")
                .willReturn(aResponse().withStatus(500).withBody("No cluster leader")));
        ConsulSource source = create();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(source.gauges().get("sharing.membership.stale").getAsDouble()).isEqualTo(1);
            assertThat(scraped(collect(source))).isEqualTo(mine);
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> sharing = (Map<String, Object>) source.state().get("sharing");
        assertThat(sharing).containsEntry("membership", "stale").containsEntry("couriers",
                List.of("courier-01", "courier-02"));
        assertThat(sharing.get("stale_since")).isNotNull();
    }

    @Test
    void leavingDeregistersAtOnceAndAsksToScrapeForOneIntervalPlusTheSettleTime() {
        consul.stubFor(couriers().willReturn(answer("concierge-courier", 50, courier("courier-01"))
                .withFixedDelay(HOLD_MILLIS)));
        ConsulSource source = create();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(consul.findAll(putRequestedFor(urlPathEqualTo("/v1/agent/service/register")))).isNotEmpty());

        assertThat(source.leave()).isEqualTo(Duration.ofSeconds(12));
        consul.verify(1, putRequestedFor(urlPathEqualTo("/v1/agent/service/deregister/courier-01")));

        source.close();
        consul.verify(1, putRequestedFor(urlPathEqualTo("/v1/agent/service/deregister/courier-01")));
    }
}
