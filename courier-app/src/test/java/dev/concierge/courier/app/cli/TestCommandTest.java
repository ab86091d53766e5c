package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.json.MetricsModule;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concierge.courier.app.testing.ExpositionServer;
import dev.concierge.courier.app.wiring.PluginCatalog;
import dev.concierge.courier.app.wiring.SourceDefinition;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.SinkType;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.sources.dropwizard.DropwizardConfig;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonSource;
import dev.concierge.courier.sources.prometheus.PrometheusConfig;
import dev.concierge.courier.sources.prometheus.PrometheusScrapeSource;
import dev.concierge.courier.sources.prometheus.PrometheusSourceType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier test} against real peers: a Dropwizard document written by the real registry and
 * metrics-json, and a Prometheus exposition served over loopback HTTP. The destinations are listening
 * sockets that must accept nothing, and a file that must not appear.
 */
class TestCommandTest {
    // 1780567200 = 2026-06-04T10:00:00Z; the nanoseconds show that only Zabbix and JSON carry them.
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-04T10:00:00.250Z"), ZoneOffset.UTC);

    private static final String EXPOSITION = """
            # TYPE node_load1 gauge
            node_load1 0.25
            # TYPE node_filesystem_avail_bytes gauge
            node_filesystem_avail_bytes{device="/dev/sda1",mountpoint="/"} 1024
            """;

    @TempDir
    Path dir;

    private ExpositionServer exporter;
    private ServerSocketChannel zabbix;
    private ServerSocketChannel carbon;
    private ServerSocketChannel ingest;

    @BeforeEach
    void startPeers() throws IOException {
        exporter = ExpositionServer.serving(EXPOSITION);
        zabbix = listening();
        carbon = listening();
        ingest = listening();
        MetricRegistry registry = new MetricRegistry();
        registry.counter("jobs.active").inc(3);
        registry.register("app.queue.depth", (Gauge<Long>) () -> 17L);
        registry.register("app.build", (Gauge<String>) () -> "courier 0.1.0\t\"main\"");
        ObjectMapper mapper = new ObjectMapper()
                .registerModule(new MetricsModule(TimeUnit.SECONDS, TimeUnit.MILLISECONDS, false));
        Files.write(dir.resolve("metrics.json"), mapper.writeValueAsBytes(registry));
    }

    /** A loopback socket that never accepts on its own: {@link #acceptedNothing} asks it afterwards. */
    private static ServerSocketChannel listening() throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        channel.configureBlocking(false);
        return channel;
    }

    @AfterEach
    void stopPeers() throws IOException {
        exporter.close();
        zabbix.close();
        carbon.close();
        ingest.close();
    }

    private static int port(ServerSocketChannel channel) throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /**
     * The kernel completes a TCP handshake into the backlog without the server accepting, so once the command
     * has returned any connection it made is waiting there; a non-blocking accept would return it.
     */
    private static boolean acceptedNothing(ServerSocketChannel channel) throws IOException {
        return channel.accept() == null;
    }

    private Path config(String appFile) throws IOException {
        String yaml = """
                data_dir: %1$s/data
                sources:
                  - name: app
                    type: dropwizard
                    file: %1$s/%2$s
                    host: web-01
                  - name: node
                    type: prometheus
                    url: http://127.0.0.1:%3$d/metrics
                    host: node-01
                sinks:
                  - name: zbx
                    type: zabbix
                    server: 127.0.0.1:%4$d
                    discovery:
                      enabled: true
                  - name: carbon
                    type: graphite
                    server: 127.0.0.1:%5$d
                    prefix: courier
                  - name: api
                    type: http
                    url: http://127.0.0.1:%6$d/ingest
                    sources: [app]
                  - name: influx
                    type: http
                    format: influx
                    url: http://127.0.0.1:%6$d/write?precision=s
                    sources: [node]
                  - name: spool
                    type: file
                    path: %1$s/spool/zabbix.txt
                    host: spool-host
                """.formatted(dir, appFile, exporter.port(), port(zabbix), port(carbon), port(ingest));
        return Files.writeString(dir.resolve("courier.yaml"), yaml);
    }

    private CommandOutput test(String... options) throws IOException {
        return testWith(config("metrics.json"), options);
    }

    private CommandOutput testWith(Path config, String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "--config";
        args[1] = config.toString();
        System.arraycopy(options, 0, args, 2, options.length);
        return CommandOutput.runCommand(new TestCommand(TestCommandTest::sourceAtFixedTime, PluginCatalog::load), args);
    }

    /** The source its definition creates, stamping samples from {@link #CLOCK}. */
    private static Source sourceAtFixedTime(SourceDefinition<?> definition) {
        if (definition.config() instanceof DropwizardConfig dropwizard) {
            return DropwizardJsonSource.create(dropwizard, CLOCK);
        }
        if (definition.config() instanceof PrometheusConfig prometheus) {
            return PrometheusScrapeSource.create(prometheus, CLOCK);
        }
        throw new IllegalArgumentException(definition.type());
    }

    private static final String SOURCES = """
            source app (dropwizard): 3 samples
            source node (prometheus): 2 samples

            """;

    @Test
    void showsZabbixRowsAsHostKeyAndValueWithDiscoveryValuesFirst() throws IOException {
        CommandOutput result = test("--sink", "zbx");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        // The text gauge's tab is written \t, so that every row is one line of three fields.
        assertThat(result.out()).isEqualTo(SOURCES + """
                sink zbx (zabbix) <- sources app, node
                web-01\tcourier.discovery[gauges]\t[{"{#GAUGE}":"app.build"},{"{#GAUGE}":"app.queue.depth"}]
                web-01\tcourier.discovery[counters]\t[{"{#COUNTER}":"jobs.active"}]
                node-01\tcourier.discovery[gauges]\t[{"{#GAUGE}":"node_load1"}]
                node-01\tcourier.discovery[prometheus,node_filesystem_avail_bytes]\t\
                [{"{#NAME}":"node_filesystem_avail_bytes","{#DEVICE}":"/dev/sda1","{#MOUNTPOINT}":"/"}]
                web-01\tgauge[app.build]\tcourier 0.1.0\\t"main"
                web-01\tgauge[app.queue.depth]\t17
                web-01\tcounter[jobs.active.count]\t3
                node-01\tgauge[node_load1]\t0.25
                node-01\tgauge[node_filesystem_avail_bytes,device=/dev/sda1,mountpoint=/]\t1024
                """);
        assertThat(acceptedNothing(zabbix)).isTrue();
    }

    @Test
    void showsGraphiteLinesAndCountsTheTextItCannotStore() throws IOException {
        CommandOutput result = test("--sink", "carbon");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo(SOURCES + """
                sink carbon (graphite) <- sources app, node
                courier.web-01.gauge.app.queue.depth 17 1780567200
                courier.web-01.counter.jobs.active.count 3 1780567200
                courier.node-01.gauge.node_load1 0.25 1780567200
                courier.node-01.gauge.node_filesystem_avail_bytes._dev_sda1._ 1024 1780567200
                skipped 1: text (Graphite stores numbers only)
                """);
        assertThat(acceptedNothing(carbon)).isTrue();
    }

    @Test
    void showsTheObjectsOfTheHttpJsonBodyOfTheOneSourceTheSinkTakes() throws IOException {
        CommandOutput result = test("--sink", "api");

        assertThat(result.exitCode()).isZero();
        // Only the source the sink takes is collected.
        assertThat(result.out()).isEqualTo("""
                source app (dropwizard): 3 samples

                sink api (http) <- sources app
                {"name":"app.build","labels":{},"type":"gauge","field":null,"value":"courier 0.1.0\\t\\"main\\"",\
                "timestamp":{"seconds":1780567200,"nanos":250000000},"host":"web-01","source":"app"}
                {"name":"app.queue.depth","labels":{},"type":"gauge","field":null,"value":17,\
                "timestamp":{"seconds":1780567200,"nanos":250000000},"host":"web-01","source":"app"}
                {"name":"jobs.active","labels":{},"type":"counter","field":"count","value":3,\
                "timestamp":{"seconds":1780567200,"nanos":250000000},"host":"web-01","source":"app"}
                """);
        assertThat(acceptedNothing(ingest)).isTrue();
    }

    @Test
    void showsInfluxLinesAndCountsTheSamplesOfSourcesTheSinkDoesNotTake() throws IOException {
        CommandOutput result = test("--sink", "influx", "--source", "app", "--source", "node");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo(SOURCES + """
                sink influx (http) <- sources node
                node_load1,host=node-01,type=gauge value=0.25 1780567200
                node_filesystem_avail_bytes,host=node-01,type=gauge,device=/dev/sda1,mountpoint=/ value=1024 1780567200
                skipped 3: not routed
                """);
        assertThat(acceptedNothing(ingest)).isTrue();
    }

    @Test
    void showsTheSamplesAsTheSourcesAndTheSinksRulesLeaveThemAndWhichRuleDroppedTheOthers() throws IOException {
        Path config = Files.writeString(dir.resolve("rules.yaml"), """
                data_dir: %1$s/data
                sources:
                  - name: node
                    type: prometheus
                    url: http://127.0.0.1:%2$d/metrics
                    host: node-01
                    include: ['node_*{mountpoint!="/boot"}']
                    exclude: ['node_filesystem_*']
                sinks:
                  - name: spool
                    type: file
                    path: %1$s/spool/zabbix.txt
                    rename:
                      - {match: 'node_(.*)', replace: 'node.$1'}
                    labels: {add: {env: prod}}
                  - name: quiet
                    type: file
                    path: %1$s/spool/quiet.txt
                    exclude: ['node_load*']
                """.formatted(dir, exporter.port()));

        CommandOutput result = testWith(config);

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                source node (prometheus): 1 samples, 1 dropped: rule excluded

                sink spool (file) <- sources node
                node-01 gauge[node.load1,env=prod] 1780567200 250000000 0.25

                sink quiet (file) <- sources node
                skipped 1: rule excluded
                """);
        assertThat(dir.resolve("spool")).doesNotExist();
    }

    @Test
    void showsTheFileSinksZabbixSenderLinesWithoutWritingTheFile() throws IOException {
        CommandOutput result = test("--sink", "spool");

        assertThat(result.exitCode()).isZero();
        // zabbix_sender's quoting keeps the tab literal inside the quotes.
        assertThat(result.out()).isEqualTo(SOURCES + """
                sink spool (file) <- sources app, node
                spool-host gauge[app.build] 1780567200 250000000 "courier 0.1.0\t\\"main\\""
                spool-host gauge[app.queue.depth] 1780567200 250000000 17
                spool-host counter[jobs.active.count] 1780567200 250000000 3
                spool-host gauge[node_load1] 1780567200 250000000 0.25
                spool-host gauge[node_filesystem_avail_bytes,device=/dev/sda1,mountpoint=/] 1780567200 250000000 1024
                """);
        assertThat(dir.resolve("spool")).doesNotExist();
    }

    @Test
    void showsEverySinkInConfigOrderAndSendsNothingNorOpensTheDataDirectory() throws IOException {
        CommandOutput result = test();

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith(SOURCES + "sink zbx (zabbix) <- sources app, node\n");
        assertThat(result.out().lines().filter(line -> line.startsWith("sink ")).toList()).containsExactly(
                "sink zbx (zabbix) <- sources app, node",
                "sink carbon (graphite) <- sources app, node",
                "sink api (http) <- sources app",
                "sink influx (http) <- sources node",
                "sink spool (file) <- sources app, node");
        assertThat(result.out()).contains("""
                "host":"web-01","source":"app"}
                skipped 2: not routed

                sink influx (http) <- sources node
                """);
        assertThat(acceptedNothing(zabbix)).isTrue();
        assertThat(acceptedNothing(carbon)).isTrue();
        assertThat(acceptedNothing(ingest)).isTrue();
        assertThat(dir.resolve("spool")).doesNotExist();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void theDestinationCheckSeesAConnectionMadeBeforeIt() throws IOException {
        try (Socket connected = new Socket("127.0.0.1", port(zabbix))) {
            assertThat(connected.isConnected()).isTrue();
            assertThat(acceptedNothing(zabbix)).isFalse();
        }
    }

    @Test
    void aSourceThatFailsExitsOneAndTheOthersAreStillShown() throws IOException {
        CommandOutput result = testWith(config("missing.json"), "--sink", "influx", "--sink", "carbon");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).startsWith("source app (dropwizard): collect failed: ")
                .contains("missing.json")
                .contains("""
                        source node (prometheus): 2 samples

                        sink carbon (graphite) <- sources app (failed), node
                        courier.node-01.gauge.node_load1 0.25 1780567200
                        courier.node-01.gauge.node_filesystem_avail_bytes._dev_sda1._ 1024 1780567200

                        sink influx (http) <- sources node
                        node_load1,host=node-01,type=gauge value=0.25 1780567200
                        """);
        assertThat(result.err()).startsWith("courier test: source app: ").contains("missing.json");
    }

    @Test
    void anUnknownSinkOrSourceNameIsAUsageError() throws IOException {
        CommandOutput sink = test("--sink", "zbx", "--sink", "nagios");
        assertThat(sink.exitCode()).isEqualTo(2);
        assertThat(sink.out()).isEmpty();
        assertThat(sink.err()).isEqualTo("courier test: --sink nagios: no such name in the configuration"
                + " (expected: one of zbx, carbon, api, influx, spool)\n");

        CommandOutput source = test("--source", "jmx");
        assertThat(source.exitCode()).isEqualTo(2);
        assertThat(source.err()).contains("--source jmx: no such name in the configuration (expected: one of app, node)");
    }

    @Test
    void aConfigurationWithProblemsIsAUsageErrorOfTheCourierCommand() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "data_dir: /tmp\nsources: []\nsinks: []\nbogus: 1\n");

        CommandOutput result = CommandOutput.run("test", "--config", bad.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("bogus");
    }

    @Test
    void theCourierCommandCollectsWithTheConfiguredSources() throws IOException {
        CommandOutput result = CommandOutput.run("test", "--config", config("metrics.json").toString(),
                "--sink", "influx");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("source node (prometheus): 2 samples\n\nsink influx (http) <- sources node\n")
                .contains("\nnode_load1,host=node-01,type=gauge value=0.25 ");
    }

    /** A sink type without the rendering ability, whose sinks a preview must never create. */
    private static final class OpaqueSinkType implements SinkType<String> {
        @Override
        public String name() {
            return "opaque";
        }

        @Override
        public String bind(Settings settings, PluginContext context) {
            settings.expectKeys();
            return context.name();
        }

        @Override
        public String summary(String config) {
            return "nowhere";
        }

        @Override
        public Sink create(String config) {
            throw new AssertionError("courier test created sink " + config);
        }
    }

    @Test
    void saysSoForASinkTypeThatCannotShowWhatItSendsAndNeverCreatesIt() throws IOException {
        Path config = Files.writeString(dir.resolve("opaque.yaml"), """
                data_dir: %1$s/data
                sources:
                  - name: node
                    type: prometheus
                    url: http://127.0.0.1:%2$d/metrics
                    host: node-01
                sinks:
                  - name: blackbox
                    type: opaque
                """.formatted(dir, exporter.port()));
        PluginCatalog catalog = PluginCatalog.of(List.of(new PrometheusSourceType()), List.of(new OpaqueSinkType()));

        CommandOutput result = CommandOutput.runCommand(new TestCommand(TestCommandTest::sourceAtFixedTime,
                () -> catalog), "--config", config.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                source node (prometheus): 2 samples

                sink blackbox (opaque) <- sources node
                (sink type opaque cannot show what it sends: 2 samples would reach it)
                """);
    }
}
