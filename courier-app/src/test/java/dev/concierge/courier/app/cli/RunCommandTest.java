package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.concierge.courier.app.CourierMain;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir
    Path dir;

    private Path config(int zabbixPort) throws IOException {
        return config(zabbixPort, "courier.yaml");
    }

    private Path config(int zabbixPort, String fileName) throws IOException {
        Path metrics = dir.resolve("metrics.json");
        Files.writeString(metrics, """
                {"version":"4.0.0","gauges":{},"counters":{"jobs.active":{"count":3}},"histograms":{},
                 "meters":{},"timers":{}}
                """);
        Path config = dir.resolve(fileName);
        Files.writeString(config, """
                data_dir: %s
                sources:
                  - name: app
                    type: dropwizard
                    file: %s
                    interval: 200ms
                    timeout: 200ms
                sinks:
                  - name: zabbix
                    type: zabbix
                    server: 127.0.0.1:%d
                    host: app-01
                """.formatted(dir.resolve("state"), metrics, zabbixPort));
        return config;
    }

    private Process start(String... args) throws IOException {
        return startLoggingTo("courier.log", args);
    }

    private Process startLoggingTo(String logName, String... args) throws IOException {
        return startLoggingTo(logName, List.of(), args);
    }

    private Process startLoggingTo(String logName, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CourierMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(logName).toFile()).start();
    }

    private String log() throws IOException {
        return log("courier.log");
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    }

    /** Samples the stopped courier left owed to the sink {@code zabbix} in its data directory. */
    private long owedInDataDir() {
        try (FileDeliveryLedger ledger = FileDeliveryLedger.open(dir.resolve("state"), Clock.systemUTC())) {
            return ledger.openBacklog("zabbix", 1 << 30).pendingSamples();
        }
    }

    /**
     * Runs a courier whose Zabbix server is down until it has failed to deliver twice, stops it with
     * {@code stop}, and returns how many samples it left owed in its data directory.
     */
    private long runAgainstADeadServerAndStop(Consumer<Process> stop, int expectedExit)
            throws Exception {
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = probe.getLocalPort();
        }
        Process first = startLoggingTo("first.log", "run", "--config", config(deadPort, "first.yaml").toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> log("first.log").contains("delivery failing"));
        stop.accept(first);
        assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isEqualTo(expectedExit);
        long owed = owedInDataDir();
        assertThat(owed).isPositive();
        return owed;
    }

    /** Starts a courier on the same data directory and checks that it delivers exactly what was owed. */
    private void restartAndExpectEveryOwedSample(long owed) throws Exception {
        Instant restartedAt = Clock.systemUTC().instant();
        Predicate<Row> owedBefore = row -> Instant.ofEpochSecond(row.clock(), row.ns())
                .isBefore(restartedAt);
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Process second = startLoggingTo("second.log", "run", "--config", config(receiver.port(), "second.yaml").toString());
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.rows().stream()
                        .filter(owedBefore).count() >= owed);
                assertThat(receiver.rows().stream().filter(owedBefore)
                        .map(row -> row.clock() + "." + row.ns()).distinct().count()).isEqualTo(owed);
            } finally {
                second.destroy();
                second.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void keepsWhatIsOwedAcrossSigtermAndDeliversItAtTheNextStart() throws Exception {
        long owed = runAgainstADeadServerAndStop(Process::destroy, 0);

        assertThat(log("first.log")).contains("samples still owed at stop");
        restartAndExpectEveryOwedSample(owed);
    }

    @Test
    void losesNothingAcceptedToKillMinus9() throws Exception {
        long owed = runAgainstADeadServerAndStop(Process::destroyForcibly, 137);

        restartAndExpectEveryOwedSample(owed);
    }

    @Test
    void deliversUntilSigtermThenStopsInOrderAndExitsZero() throws Exception {
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Process courier = start("run", "--config", config(receiver.port()).toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.rows().size() >= 2);

            courier.destroy(); // SIGTERM
            assertThat(courier.waitFor(20, TimeUnit.SECONDS)).isTrue();

            assertThat(courier.exitValue()).isZero();
            assertThat(receiver.rows()).allSatisfy(row -> {
                assertThat(row.host()).isEqualTo("app-01");
                assertThat(row.key()).isEqualTo("counter[jobs.active.count]");
                assertThat(row.value()).isEqualTo("3");
            });
            assertThat(log()).contains("courier started: 1 source(s) [app: dropwizard")
                    .containsSubsequence("SIGTERM received, stopping", "courier stopping", "courier stopped");
        }
    }

    /**
     * A courier beside one application should not pay for what its configuration does not use: without an
     * admin endpoint there is no meter registry, and a file source needs no HTTP client (BENCHMARKS.md,
     * "Footprint").
     */
    @Test
    void loadsNeitherMicrometerNorTheHttpClientWhenTheConfigurationUsesNeither() throws Exception {
        Path classes = dir.resolve("classes.txt");
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Process courier = startLoggingTo("courier.log", List.of("-Xlog:class+load=info:file=" + classes),
                    "run", "--config", config(receiver.port()).toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.rows().size() >= 2);
            courier.destroy();
            assertThat(courier.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(Files.readString(classes)).contains("dev.concierge.courier.sinks.zabbix.ZabbixSink ")
                .doesNotContain("io.micrometer.").doesNotContain("io.prometheus.")
                .doesNotContain("java.net.http.").doesNotContain("jdk.internal.net.http.");
    }

    /** Scraping a plain http URL sets up no TLS: the JSSE provider and the CA store stay unloaded. */
    @Test
    void setsUpNoTlsToScrapeAPlainHttpUrl() throws Exception {
        HttpServer metrics = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        metrics.createContext("/metrics", exchange -> {
            byte[] body = """
                    {"version":"4.0.0","gauges":{},"counters":{"jobs.active":{"count":3}},"histograms":{},
                     "meters":{},"timers":{}}""".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        metrics.start();
        Path classes = dir.resolve("classes.txt");
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Path config = Files.writeString(dir.resolve("http.yaml"), """
                    data_dir: %s
                    sources:
                      - {name: app, type: dropwizard, url: "http://127.0.0.1:%d/metrics", interval: 200ms, timeout: 200ms}
                    sinks:
                      - {name: zabbix, type: zabbix, server: "127.0.0.1:%d", host: app-01}
                    """.formatted(dir.resolve("state"), metrics.getAddress().getPort(), receiver.port()));
            Process courier = startLoggingTo("courier.log", List.of("-Xlog:class+load=info:file=" + classes),
                    "run", "--config", config.toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.rows().size() >= 2);
            courier.destroy();
            assertThat(courier.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            metrics.stop(0);
        }

        assertThat(Files.readString(classes)).contains("jdk.internal.net.http.HttpClientImpl ")
                .doesNotContain("sun.security.ssl.SSLContextImpl").doesNotContain("sun.security.ssl.TrustStoreManager");
    }

    @Test
    void refusesABadConfigurationWithEveryProblemAndExitCodeTwo() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, """
                sources:
                  - name: app
                    type: dropwizard
                    url: ftp://example/metrics
                sinks: []
                extra: 1
                """);

        CommandOutput result = CommandOutput.run("run", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("bad.yaml:1:1: data_dir")
                .contains("bad.yaml:4:10: sources[0].url")
                .contains("bad.yaml:6:1: extra: unknown key");
    }

    @Test
    void checkCommandReportsEveryProblemAndExitsTwo() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "data_dir: /tmp/x\nsources: []\nsinks:\n  - {name: z, type: zabbix}\n");

        CommandOutput result = CommandOutput.run("check", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("bad.yaml:4:5: sinks[0].server: missing (expected: host:port");
    }

    @Test
    void checkValidatesWithoutStarting() throws Exception {
        CommandOutput result = CommandOutput.run("run", "--check", "--config", config(10051).toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("configuration OK: 1 source(s) [app: dropwizard");
    }

    @Test
    void reloadsOnSighupAndKeepsTheRunningConfigurationWhenTheNewOneIsBroken() throws Exception {
        try (ZabbixTrapperReceiver first = ZabbixTrapperReceiver.create();
             ZabbixTrapperReceiver second = ZabbixTrapperReceiver.create()) {
            Path config = config(first.port());
            Process courier = start("run", "--config", config.toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> first.rows().size() >= 2);

            String original = Files.readString(config);
            Files.writeString(config, original.replace("interval: 200ms", "interval: soon"));
            signal(courier, "HUP");
            await().atMost(Duration.ofSeconds(30)).until(() -> log().contains("still running the previous one"));
            assertThat(log()).contains("sources[0].interval: \"soon\"");
            int before = first.rows().size();
            await().atMost(Duration.ofSeconds(30)).until(() -> first.rows().size() > before + 2);

            Files.writeString(config, original + """
                      - name: second
                        type: zabbix
                        server: 127.0.0.1:%d
                        host: app-01
                    """.formatted(second.port()));
            signal(courier, "HUP");
            await().atMost(Duration.ofSeconds(30)).until(() -> second.rows().size() >= 2);
            assertThat(log()).contains("reloaded: kept [source app, sink zabbix], started [sink second]");

            courier.destroy();
            assertThat(courier.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(courier.exitValue()).isZero();
        }
    }

    @Test
    void checkWarnsWhenTheBudgetsExceedTheHeapAndStillExitsZero() throws Exception {
        CheckCommand check = new CheckCommand();
        check.maxHeap = 64L << 20;

        CommandOutput result = CommandOutput.runCommand(check, "--config", config(10051).toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("configuration OK: 1 source(s)");
        assertThat(result.err()).isEqualTo("courier: warning: ring 64MiB + backlogs in memory 1 x 4MiB = 68MiB of"
                + " sample budgets exceed the 64MiB heap (-Xmx): under overload the courier could run out of memory"
                + " before it sheds samples; lower ring.size or ledger.memory_window, or raise -Xmx"
                + System.lineSeparator());
    }

    @Test
    void runCheckWarnsWhenTheBudgetsExceedTheHeapAndStillExitsZero() throws Exception {
        RunCommand run = new RunCommand();
        run.maxHeap = 64L << 20;

        CommandOutput result = CommandOutput.runCommand(run, "--check", "--config", config(10051).toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).startsWith("courier: warning: ring 64MiB + backlogs in memory 1 x 4MiB = 68MiB");
    }

    @Test
    void checkSaysNothingMoreWhenTheBudgetsFitTheHeap() throws Exception {
        CheckCommand check = new CheckCommand();
        check.maxHeap = 68L << 20;

        CommandOutput result = CommandOutput.runCommand(check, "--config", config(10051).toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
    }

    @Test
    void runWarnsAtStartAndAfterAReloadThatAddsASinkWhenTheBudgetsExceedTheHeapAndKeepsDelivering()
            throws Exception {
        try (ZabbixTrapperReceiver first = ZabbixTrapperReceiver.create();
             ZabbixTrapperReceiver second = ZabbixTrapperReceiver.create()) {
            Path config = config(first.port());
            // The serial collector's heap reads as 61.8 MiB of -Xmx64m; the default ring alone is 64 MiB.
            Process courier = startLoggingTo("courier.log", List.of("-XX:+UseSerialGC", "-Xmx64m"),
                    "run", "--config", config.toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> first.rows().size() >= 2);
            assertThat(log()).contains("WARN  [main] RunCommand - ring 64MiB + backlogs in memory 1 x 4MiB = 68MiB of"
                    + " sample budgets exceed the 61.8MiB heap (-Xmx): under overload the courier could run out of"
                    + " memory before it sheds samples; lower ring.size or ledger.memory_window, or raise -Xmx");

            Files.writeString(config, Files.readString(config) + """
                      - name: second
                        type: zabbix
                        server: 127.0.0.1:%d
                        host: app-01
                    """.formatted(second.port()));
            signal(courier, "HUP");
            await().atMost(Duration.ofSeconds(30)).until(() -> second.rows().size() >= 2);
            assertThat(log()).contains("RunCommand - ring 64MiB + backlogs in memory 2 x 4MiB = 72MiB");

            courier.destroy();
            assertThat(courier.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(courier.exitValue()).isZero();
        }
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
