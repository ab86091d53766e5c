package dev.concierge.courier.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concierge.courier.app.cli.DiscoverCommand;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.sinks.graphite.GraphitePathTemplate;
import dev.concierge.courier.sinks.graphite.RealCarbonCache;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer.ValueType;
import dev.concierge.courier.sources.prometheus.PrometheusConfig;
import dev.concierge.courier.sources.prometheus.PrometheusScrapeSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Routing and rules end to end, with real peers only: a real node exporter scraped by two sources of one courier.
 * {@code node} keeps a few series and renames them, and goes to a real Zabbix 6.0 server whose trapper items
 * were created from what {@code courier discover --config} printed for that source, the way an operator
 * would (each row's macros expanded into an item prototype's key); not one value may be rejected.
 * {@code node-all} has no rules and goes to a real carbon-cache, where every series of the scrape arrives.
 */
class NodeExporterRulesToRealPeersTest {
    private static final Path NODE_EXPORTER = Path.of("/usr/bin/prometheus-node-exporter");
    private static final String PATH_TEMPLATE = "{host}.{type}.{name}.{field}.{labels}";
    // The history syncer and carbon's writer on a busy 2-core machine.
    private static final Duration SETTLE_WAIT = Duration.ofSeconds(60);
    // Item prototypes per sample name, as an operator writes them for the renamed series (the template's
    // Prometheus rule has the same shape): labels in name order.
    private static final Map<String, String> PROTOTYPES = Map.of(
            "host.load1", "gauge[{#NAME}]",
            "host.load5", "gauge[{#NAME}]",
            "host.load15", "gauge[{#NAME}]",
            "host.cpu_seconds_total", "counter[{#NAME},cpu={#CPU},mode={#MODE}]");

    private final RealZabbixServer zabbix = RealZabbixServer.shared();
    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);

    @TempDir
    Path dir;

    private final String host = "courier-e2e-node-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private Process exporter;
    private URI metrics;
    private RealCarbonCache carbon;

    @BeforeEach
    void startPeers() throws Exception {
        assertThat(NODE_EXPORTER).as("run scripts/install-test-deps.sh as root").isExecutable();
        int port = freePort();
        exporter = new ProcessBuilder(NODE_EXPORTER.toString(), "--web.listen-address=127.0.0.1:" + port,
                "--no-collector.systemd").redirectErrorStream(true)
                .redirectOutput(dir.resolve("node-exporter.log").toFile()).start();
        metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        HttpClient client = HttpClient.newHttpClient();
        await(metrics + " answers").atMost(SETTLE_WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> client.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200);
        carbon = RealCarbonCache.start();
    }

    @AfterEach
    void stopPeers() throws Exception {
        if (carbon != null) {
            carbon.close();
        }
        if (exporter != null) {
            exporter.destroy();
            if (!exporter.waitFor(10, TimeUnit.SECONDS)) {
                exporter.destroyForcibly();
            }
        }
    }

    @Test
    void aFewRenamedSeriesReachZabbixWithoutARejectAndTheWholeScrapeReachesCarbon() throws Exception {
        Path config = Files.writeString(dir.resolve("courier.yaml"), """
                data_dir: %s
                sources:
                  - name: node
                    type: prometheus
                    url: %s
                    host: %s
                    interval: 1h
                    include: ['node_load*', 'node_cpu_seconds_total{mode="idle"}']
                    rename:
                      - {match: 'node_(.*)', replace: 'host.$1'}
                  - name: node-all
                    type: prometheus
                    url: %s
                    host: %s
                    interval: 1h
                sinks:
                  - {name: zabbix, type: zabbix, sources: [node], server: '127.0.0.1:%d'}
                  - name: carbon
                    type: graphite
                    sources: [node-all]
                    server: '127.0.0.1:%d'
                    prefix: %s
                    template: '%s'
                """.formatted(dir.resolve("state"), metrics, host, metrics, host, zabbix.trapperPort(), carbon.port(),
                RealCarbonCache.TEST_PREFIX, PATH_TEMPLATE));

        List<String> keys = itemKeysFromDiscover(config);
        assertThat(keys).contains("gauge[host.load1]", "gauge[host.load5]", "gauge[host.load15]",
                "counter[host.cpu_seconds_total,cpu=0,mode=idle]");
        String hostId = zabbix.createHost(host);
        for (String key : keys) {
            zabbix.createTrapperItem(hostId, key, ValueType.FLOAT);
        }
        zabbix.reloadConfigCache();
        Set<String> before = graphitePaths();

        try (Courier courier = Courier.start(CourierConfig.load(new YamlConfigParser(Map.of()), config), ledger,
                Clock.systemUTC())) {
            await("the Zabbix sink settles " + keys.size() + " values").atMost(SETTLE_WAIT)
                    .until(() -> ledger.totals("zabbix").accepted() + ledger.totals("zabbix").rejected() >= keys.size());
            assertThat(ledger.totals("zabbix").rejected()).isZero();
            assertThat(ledger.totals("zabbix").accepted()).isEqualTo(keys.size());
            for (String key : keys) {
                await("history of " + key).atMost(SETTLE_WAIT).until(() -> zabbix.historyValues(host, key),
                        values -> values.size() == 1);
            }

            // Every series present in a scrape before and one after the courier's was in the courier's too.
            Set<String> expected = new TreeSet<>(before);
            expected.retainAll(graphitePaths());
            assertThat(expected).hasSizeGreaterThan(300)
                    .allSatisfy(path -> assertThat(path).startsWith(RealCarbonCache.TEST_PREFIX + "." + host));
            await("carbon stores every series").atMost(SETTLE_WAIT).untilAsserted(() -> assertThat(
                    carbon.storedPaths()).containsAll(expected));
            assertThat(ledger.totals("carbon").rejected()).isZero();
        }
    }

    /** What {@code courier discover --config} prints for {@code node}, each row expanded into its item key. */
    private static List<String> itemKeysFromDiscover(Path config) throws IOException {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exitCode;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exitCode = new CommandLine(new DiscoverCommand()).execute("--config", config.toString(), "--source", "node");
        } finally {
            System.setOut(original);
        }
        assertThat(exitCode).as("courier discover --config exit code").isZero();
        JsonNode rows = new ObjectMapper().readTree(out.toByteArray());
        List<String> keys = new ArrayList<>();
        for (JsonNode row : rows) {
            String name = row.get("{#NAME}").asText();
            String key = PROTOTYPES.get(name);
            assertThat(key).as("a prototype for the row %s", row).isNotNull();
            for (Iterator<Map.Entry<String, JsonNode>> macros = row.fields(); macros.hasNext(); ) {
                Map.Entry<String, JsonNode> macro = macros.next();
                key = key.replace(macro.getKey(), zabbixQuoted(macro.getValue().asText()));
            }
            keys.add(key);
        }
        return keys;
    }

    /** A key parameter as Zabbix writes an LLD macro's value into a prototype's key ({@code zbx_quote_key_param}). */
    private static String zabbixQuoted(String value) {
        boolean quote = value.contains(",") || value.contains("]") || value.startsWith(" ") || value.startsWith("\"")
                || value.startsWith("[");
        return quote ? "\"" + value.replace("\"", "\\\"") + "\"" : value;
    }

    /** The Graphite path of every series of one scrape, as the carbon sink renders it. */
    private Set<String> graphitePaths() throws Exception {
        GraphitePathTemplate template = GraphitePathTemplate.of(PATH_TEMPLATE, false, RealCarbonCache.TEST_PREFIX);
        List<Sample> samples = new ArrayList<>();
        try (PrometheusScrapeSource source = PrometheusScrapeSource.create(PrometheusConfig.of("node-all", metrics)
                .withHost(host))) {
            source.collect(samples::add);
        }
        Set<String> paths = new HashSet<>();
        samples.forEach(sample -> paths.add(template.render(sample)));
        return paths;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
