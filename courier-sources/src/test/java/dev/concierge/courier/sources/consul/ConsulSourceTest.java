package dev.concierge.courier.sources.consul;

import dev.concierge.courier.core.settings.DurationSyntax;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.RecordingEmitter;
import dev.concierge.courier.sources.consul.ConsulHealthJson.Instance;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Consul source against WireMock playing the agent (Consul has no package to run here), answering like
 * Consul does (PROTOCOLS.md §6.4), with instances serving real Dropwizard JSON on loopback.
 */
class ConsulSourceTest {
    private static final String SERVICE = "web";
    private static final String HEALTH = "/v1/health/service/" + SERVICE;
    private static final Duration HOLD = Duration.ofMillis(300);

    private final WireMockServer consul = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").port(0));
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private MetricsEndpoint appA;
    private MetricsEndpoint appB;
    private MetricsEndpoint appC;

    @BeforeEach
    void start() {
        consul.start();
        appA = open(new MetricsEndpoint(11));
        appB = open(new MetricsEndpoint(22));
        appC = open(new MetricsEndpoint(33));
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

    private ConsulConfig config(Secret token, ConsulConfig.Registration register) {
        // wait 1s, read timeout 1.5s (> 1s + 1s/16), fast backoff and query budget so failures retry quickly.
        return new ConsulConfig("consul-web", URI.create("http://127.0.0.1:" + consul.port()), token, List.of(SERVICE),
                null, Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofSeconds(2), Duration.ofMillis(10),
                Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(10), "courier-01",
                ConsulConfig.InstanceHost.NODE, ConsulConfig.Scrape.defaults(), register);
    }

    @Test
    void declaresItsTokenSoThePipelineHidesItInAFailuresText() {
        ConsulSource source = create(config(Secret.of("acl-7c1e-token"), null));

        assertThat(source.secrets().apply("403: ACL not found for acl-7c1e-token")).isEqualTo("403: ACL not found for ******");
        assertThat(create(config(null, null)).secrets().isEmpty()).isTrue();
    }

    private ConsulSource create(ConsulConfig config) {
        return open(ConsulSource.create(config, ScrapeTargets.builtIn(), Clock.systemUTC()));
    }

    private Instance a(String status) {
        return new Instance("node-a", "web-a", appA.port(), status);
    }

    private Instance b() {
        return new Instance("node-b", "web-b", appB.port(), "passing");
    }

    private Instance c() {
        return new Instance("node-c", "web-c", appC.port(), "passing");
    }

    private static MappingBuilder health() {
        return get(urlPathEqualTo(HEALTH));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer(long index,
                                                                                            Instance... instances) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("X-Consul-Index", Long.toString(index)).withHeader("X-Consul-KnownLeader", "true")
                .withHeader("X-Consul-LastContact", "0")
                .withBody(ConsulHealthJson.answer(SERVICE, List.of(instances)));
    }

    /** Collects once, failing the test on a SourceException. */
    private static List<Sample> collect(ConsulSource source) {
        RecordingEmitter emitter = new RecordingEmitter();
        try {
            source.collect(emitter);
        } catch (SourceException e) {
            throw new AssertionError(e);
        }
        return emitter.samples();
    }

    /** Host -> value of the scraped {@code app.requests} counter. */
    private static Map<String, String> scrapedCounters(List<Sample> samples) {
        return samples.stream().filter(s -> s.name().equals("app.requests"))
                .collect(Collectors.toMap(Sample::host, s -> s.value().render(), (x, y) -> x));
    }

    private static Map<String, String> passingByInstance(List<Sample> samples) {
        return samples.stream().filter(s -> s.name().equals(ConsulSource.PASSING_METRIC))
                .collect(Collectors.toMap(s -> s.labels().get("instance") + "@" + s.host(), s -> s.value().render()));
    }

    private static Map<String, String> countsByState(List<Sample> samples) {
        return samples.stream().filter(s -> s.name().equals(ConsulSource.INSTANCES_METRIC))
                .collect(Collectors.toMap(s -> s.labels().get("state") + "@" + s.host(), s -> s.value().render()));
    }

    @Test
    void scrapesPassingInstancesAndFollowsThemAsOneFailsAndAnotherAppears() {
        consul.stubFor(health().withQueryParam("index", absent()).willReturn(answer(100, a("passing"), b())));
        // The blocking query on index 100 is held, then the wait expires with nothing changed ...
        consul.stubFor(health().withQueryParam("index", equalTo("100")).inScenario("web").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(answer(100, a("passing"), b()).withFixedDelay((int) HOLD.toMillis())));
        // ... until A's check goes critical and C registers: held, then answered with a moved index.
        consul.stubFor(health().withQueryParam("index", equalTo("100")).inScenario("web").whenScenarioStateIs("changed")
                .willReturn(answer(120, a("critical"), b(), c()).withFixedDelay((int) HOLD.toMillis())));
        consul.stubFor(health().withQueryParam("index", equalTo("120"))
                .willReturn(answer(120, a("critical"), b(), c()).withFixedDelay((int) HOLD.toMillis())));
        ConsulSource source = create(config(null, null));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Sample> samples = collect(source);
            assertThat(scrapedCounters(samples)).containsOnly(Map.entry("node-a", "11"), Map.entry("node-b", "22"));
            assertThat(passingByInstance(samples)).containsOnly(Map.entry("web-a@node-a", "1"),
                    Map.entry("web-b@node-b", "1"));
        });

        consul.setScenarioState("web", "changed");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Sample> samples = collect(source);
            assertThat(scrapedCounters(samples)).containsOnly(Map.entry("node-b", "22"), Map.entry("node-c", "33"));
            assertThat(passingByInstance(samples)).containsOnly(Map.entry("web-a@node-a", "0"),
                    Map.entry("web-b@node-b", "1"), Map.entry("web-c@node-c", "1"));
            assertThat(countsByState(samples)).containsOnly(Map.entry("passing@courier-01", "2"),
                    Map.entry("warning@courier-01", "0"), Map.entry("critical@courier-01", "1"));
        });
        assertThat(source.targets()).extracting(ScrapeTarget::instanceId).containsExactlyInAnyOrder("web-b", "web-c");
        assertThat(collect(source)).allSatisfy(s -> assertThat(s.source()).isEqualTo("consul-web"));
        // Every blocking query after the first sent the last index back with the wait.
        assertThat(consul.findAll(anyRequestedFor(urlPathEqualTo(HEALTH)).withQueryParam("index", matching(".+"))))
                .isNotEmpty().allSatisfy(r -> assertThat(r.queryParameter("wait").firstValue()).isEqualTo("1s"));
    }

    @Test
    void listsThePassingInstancesOfEveryWatchedServiceAsDiscoveryRowsOnceItsAnswerIsCurrent() {
        consul.stubFor(health().withQueryParam("index", absent()).willReturn(aResponse().withStatus(500)));
        ConsulSource source = create(config(null, null));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(consul.findAll(anyRequestedFor(urlPathEqualTo(HEALTH)))).isNotEmpty());
        LldRows unanswered = source.lldRows().orElseThrow();
        assertThat(unanswered.groups()).containsExactly(Map.entry(SERVICE, false));
        assertThat(unanswered.rows()).isEmpty();

        consul.stubFor(health().withQueryParam("index", absent()).willReturn(answer(100, a("critical"), b())));
        consul.stubFor(health().withQueryParam("index", equalTo("100"))
                .willReturn(answer(100, a("critical"), b()).withFixedDelay((int) HOLD.toMillis())));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            LldRows rows = source.lldRows().orElseThrow();
            assertThat(rows.groups()).containsExactly(Map.entry(SERVICE, true));
            assertThat(rows.rows()).extracting(LldRow::group).containsExactly(SERVICE);
            assertThat(rows.rows().get(0).macros()).containsEntry("{#INSTANCE}", "web-b")
                    .containsEntry("{#NODE}", "node-b");
        });
    }

    @Test
    void startsOverWithoutAnIndexWhenTheIndexGoesBackwards() {
        consul.stubFor(health().withQueryParam("index", absent()).inScenario("restore")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(answer(500, a("passing")))
                .willSetStateTo("snapshot restored"));
        // A snapshot restore: the index drops below the last one. That answer is not used.
        consul.stubFor(health().withQueryParam("index", equalTo("500")).inScenario("restore")
                .whenScenarioStateIs("snapshot restored").willReturn(answer(20, c())).willSetStateTo("fresh"));
        consul.stubFor(health().withQueryParam("index", absent()).inScenario("restore")
                .whenScenarioStateIs("fresh").willReturn(answer(21, b())));
        consul.stubFor(health().withQueryParam("index", equalTo("21"))
                .willReturn(answer(21, b()).withFixedDelay((int) HOLD.toMillis())));
        ConsulSource source = create(config(null, null));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(consul.findAll(anyRequestedFor(urlPathEqualTo(HEALTH)).withQueryParam("index", equalTo("21"))))
                    .isNotEmpty();
            assertThat(scrapedCounters(collect(source))).containsOnly(Map.entry("node-b", "22"));
        });
        assertThat(source.indexResets()).isEqualTo(1);
        assertThat(consul.findAll(anyRequestedFor(urlPathEqualTo(HEALTH)).withQueryParam("index", absent())))
                .hasSize(2);
    }

    @Test
    void backsOffAndRetriesAfterAServerError() {
        consul.stubFor(health().inScenario("leader").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withBody("rpc error making call: No cluster leader"))
                .willSetStateTo("elected"));
        consul.stubFor(health().withQueryParam("index", absent()).inScenario("leader").whenScenarioStateIs("elected")
                .willReturn(answer(7, b())));
        consul.stubFor(health().withQueryParam("index", equalTo("7"))
                .willReturn(answer(7, b()).withFixedDelay((int) HOLD.toMillis())));
        ConsulSource source = create(config(null, null));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(scrapedCounters(collect(source))).containsOnly(Map.entry("node-b", "22")));
        assertThat(source.queryFailures()).isEqualTo(1);
    }

    @Test
    void queriesWithoutAnIndexAfterAFailureSoTheAnswerIsNotHeldForAWholeWait() {
        consul.stubFor(health().withQueryParam("index", absent()).willReturn(answer(7, b())));
        // The agent goes away while a query blocks on index 7; a query on index 7 after it would be held.
        consul.stubFor(health().withQueryParam("index", equalTo("7")).inScenario("away")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withBody("agent restarting")).willSetStateTo("back"));
        consul.stubFor(health().withQueryParam("index", equalTo("7")).inScenario("away").whenScenarioStateIs("back")
                .willReturn(answer(7, b()).withFixedDelay((int) HOLD.toMillis())));
        ConsulSource source = create(config(null, null));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(consul.findAll(anyRequestedFor(urlPathEqualTo(HEALTH)))).hasSizeGreaterThanOrEqualTo(3));
        List<String> queries = consul.findAll(anyRequestedFor(urlPathEqualTo(HEALTH))).stream()
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(r -> r.queryParameter("index").isPresent() ? r.queryParameter("index").firstValue() : "none")
                .toList();
        assertThat(queries.subList(0, 3)).containsExactly("none", "7", "none");
        assertThat(source.queryFailures()).isEqualTo(1);
    }

    @Test
    void retriesAQueryThatOutlastsTheReadTimeout() {
        // Held for longer than the 1.5s read timeout: the client gives up and asks again.
        consul.stubFor(health().inScenario("slow").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(answer(3, a("passing")).withFixedDelay(5_000)).willSetStateTo("prompt"));
        consul.stubFor(health().withQueryParam("index", absent()).inScenario("slow").whenScenarioStateIs("prompt")
                .willReturn(answer(7, b())));
        consul.stubFor(health().withQueryParam("index", equalTo("7"))
                .willReturn(answer(7, b()).withFixedDelay((int) HOLD.toMillis())));
        ConsulSource source = create(config(null, null));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(scrapedCounters(collect(source))).containsOnly(Map.entry("node-b", "22")));
        assertThat(source.queryFailures()).isEqualTo(1);
    }

    @Test
    void sendsTheTokenOnlyAsAHeaderAndNeverLogsIt() throws Exception {
        String token = "9b1c4e7a-token-d2f0";
        consul.stubFor(health().withQueryParam("index", absent()).willReturn(answer(9, b())));
        consul.stubFor(health().withQueryParam("index", equalTo("9"))
                .willReturn(answer(9, b()).withFixedDelay((int) HOLD.toMillis())));
        consul.stubFor(put(urlPathMatching("/v1/agent/.*")).willReturn(aResponse().withStatus(200)));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        List<LogRecord> julRecords = new ArrayList<>();
        Logger consulApiLog = Logger.getLogger("com.ecwid.consul");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (julRecords) {
                    julRecords.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level previous = consulApiLog.getLevel();
        consulApiLog.setLevel(Level.FINEST);
        consulApiLog.addHandler(capture);
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            ConsulConfig config = config(Secret.of(token), registration("3s"));
            ConsulSource source = ConsulSource.create(config, ScrapeTargets.builtIn(), Clock.systemUTC());
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(scrapedCounters(collect(source))).containsKey("node-b");
                consul.verify(putRequestedFor(urlPathMatching("/v1/agent/check/pass/.*")));
            });
            assertThat(config.toString()).doesNotContain(token).contains(Secret.MASK);
            assertThat(source.toString()).doesNotContain(token);
            source.close();
        } finally {
            System.setErr(stderr);
            consulApiLog.removeHandler(capture);
            consulApiLog.setLevel(previous);
        }

        List<LoggedRequest> requests = consul.findAll(anyRequestedFor(anyUrl()));
        assertThat(requests).extracting(LoggedRequest::getMethod).extracting(Object::toString)
                .contains("GET", "PUT");
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.getUrl()).doesNotContain("token=").doesNotContain(token);
            assertThat(r.getHeader(ConsulAgentConnection.TOKEN_HEADER)).isEqualTo(token);
            assertThat(r.getHeader("Authorization")).isNull();
        });
        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).contains("registered service").doesNotContain(token);
        synchronized (julRecords) {
            assertThat(julRecords).isNotEmpty()
                    .allSatisfy(r -> assertThat(String.valueOf(r.getMessage())).doesNotContain(token));
        }
    }

    @Test
    void registersKeepsTheTtlCheckPassingAndDeregistersOnClose() {
        consul.stubFor(health().withQueryParam("index", absent()).willReturn(answer(9, b())));
        consul.stubFor(health().withQueryParam("index", equalTo("9"))
                .willReturn(answer(9, b()).withFixedDelay((int) HOLD.toMillis())));
        consul.stubFor(put(urlPathMatching("/v1/agent/.*")).willReturn(aResponse().withStatus(200)));
        ConsulSource source = ConsulSource.create(config(null, registration("3s")), ScrapeTargets.builtIn(),
                Clock.systemUTC());
        try {
            // A TTL of 3s is passed every second; wait for the second pass.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                collect(source);
                assertThat(consul.findAll(putRequestedFor(urlPathEqualTo("/v1/agent/check/pass/courier-01%3Attl"))))
                        .hasSizeGreaterThanOrEqualTo(2);
            });
        } finally {
            source.close();
        }

        consul.verify(1, putRequestedFor(urlEqualTo("/v1/agent/service/register?replace-existing-checks"))
                .withRequestBody(matchingJsonPath("$.ID", equalTo("courier-01")))
                .withRequestBody(matchingJsonPath("$.Name", equalTo("concierge-courier")))
                .withRequestBody(matchingJsonPath("$.Port", equalTo("9102")))
                .withRequestBody(matchingJsonPath("$.Check.CheckID", equalTo("courier-01:ttl")))
                .withRequestBody(matchingJsonPath("$.Check.TTL", equalTo("3s")))
                .withRequestBody(matchingJsonPath("$.Check.Status", equalTo("passing")))
                .withRequestBody(matchingJsonPath("$.Check.DeregisterCriticalServiceAfter", equalTo("1m"))));
        consul.verify(1, putRequestedFor(urlPathEqualTo("/v1/agent/service/deregister/courier-01")));
        List<String> agentCalls = consul.findAll(putRequestedFor(urlPathMatching("/v1/agent/.*"))).stream()
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate)).map(LoggedRequest::getUrl).toList();
        assertThat(agentCalls.get(0)).startsWith("/v1/agent/service/register");
        assertThat(agentCalls.get(agentCalls.size() - 1)).isEqualTo("/v1/agent/service/deregister/courier-01");
    }

    @Test
    void registersAgainWhenTheAgentHasForgottenTheCheck() {
        consul.stubFor(health().willReturn(answer(9, b()).withFixedDelay((int) HOLD.toMillis())));
        consul.stubFor(put(urlPathMatching("/v1/agent/.*")).willReturn(aResponse().withStatus(200)));
        // An agent restarted without its state: the first pass is refused.
        consul.stubFor(put(urlPathMatching("/v1/agent/check/pass/.*")).inScenario("agent")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(404).withBody("Unknown check ID \"courier-01:ttl\""))
                .willSetStateTo("restarted"));
        consul.stubFor(put(urlPathMatching("/v1/agent/check/pass/.*")).inScenario("agent")
                .whenScenarioStateIs("restarted").willReturn(aResponse().withStatus(200)));
        ConsulSource source = create(config(null, registration("3s")));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            collect(source);
            assertThat(consul.findAll(putRequestedFor(urlPathEqualTo("/v1/agent/service/register")))).hasSize(2);
            assertThat(consul.findAll(putRequestedFor(urlPathMatching("/v1/agent/check/pass/.*")))).hasSize(2);
        });
        assertThat(source.registrationFailures()).isEqualTo(1);
    }

    private static ConsulConfig.Registration registration(String ttl) {
        return new ConsulConfig.Registration("concierge-courier", "courier-01", "courier-01:ttl", null, 9102,
                List.of("v1"), Map.of("version", "0.1.0"), dev.concierge.courier.core.settings.DurationSyntax.parse(ttl),
                Duration.ofMinutes(1));
    }

    @Test
    void instanceHostCanBeTheServiceId() {
        consul.stubFor(health().withQueryParam("index", absent()).willReturn(answer(9, b())));
        consul.stubFor(health().withQueryParam("index", equalTo("9"))
                .willReturn(answer(9, b()).withFixedDelay((int) HOLD.toMillis())));
        ConsulConfig base = config(null, null);
        ConsulConfig byServiceId = new ConsulConfig(base.name(), base.agent(), null, base.services(), null,
                base.blockingWait(), base.readTimeout(), base.connectTimeout(), base.minQueryInterval(),
                base.backoffInitial(), base.backoffMax(), base.interval(), base.host(),
                ConsulConfig.InstanceHost.SERVICE_ID, base.scrape(), null);
        ConsulSource source = create(byServiceId);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<Sample> samples = collect(source);
            assertThat(scrapedCounters(samples)).containsOnly(Map.entry("web-b", "22"));
            assertThat(passingByInstance(samples)).containsOnly(Map.entry("web-b@web-b", "1"));
        });
        assertThat(Set.copyOf(source.targets())).singleElement()
                .satisfies(t -> assertThat(t.url()).hasToString("http://127.0.0.1:" + appB.port() + "/metrics"));
    }

    @Test
    void watchesTheServicesThatCarryTheConfiguredTag() {
        consul.stubFor(get(urlPathEqualTo("/v1/catalog/services")).willReturn(aResponse().withStatus(200)
                .withHeader("X-Consul-Index", "40").withFixedDelay((int) HOLD.toMillis())
                .withBody("{\"consul\":[],\"web\":[\"v1\",\"metrics\"],\"postgresql\":[\"primary\"]}")));
        consul.stubFor(health().willReturn(answer(9, b()).withFixedDelay((int) HOLD.toMillis())));
        ConsulConfig base = config(null, null);
        ConsulConfig byTag = new ConsulConfig(base.name(), base.agent(), null, List.of(), "metrics",
                base.blockingWait(), base.readTimeout(), base.connectTimeout(), base.minQueryInterval(),
                base.backoffInitial(), base.backoffMax(), base.interval(), base.host(), base.instanceHost(),
                base.scrape(), null);
        ConsulSource source = create(byTag);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(scrapedCounters(collect(source))).containsOnly(Map.entry("node-b", "22")));
        assertThat(consul.findAll(anyRequestedFor(urlPathMatching("/v1/health/service/.*"))))
                .allSatisfy(r -> assertThat(r.getUrl()).startsWith(HEALTH));
    }
}
