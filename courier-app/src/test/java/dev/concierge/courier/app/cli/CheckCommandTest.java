package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.app.testing.ExpositionServer;
import dev.concierge.courier.app.wiring.ContainerEnvironment;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier check}: what it finds without sending, each at its line and column, and with {@code --connect}
 * what it finds by reaching real local peers once.
 */
class CheckCommandTest {
    private static final ContainerEnvironment NO_CONTAINER =
            new ContainerEnvironment(Optional.empty(), "app-01", Optional.empty());

    @TempDir
    Path dir;

    private Path metrics() throws IOException {
        Path metrics = dir.resolve("metrics.json");
        Files.writeString(metrics, "{\"version\":\"4.0.0\",\"gauges\":{},\"counters\":{\"jobs\":{\"count\":1}},"
                + "\"histograms\":{},\"meters\":{},\"timers\":{}}");
        return metrics;
    }

    private Path config(String yaml) throws IOException {
        Path config = dir.resolve("courier.yaml");
        Files.writeString(config, yaml);
        return config;
    }

    private CommandOutput check(Path config, String... more) {
        return check(NO_CONTAINER, config, more);
    }

    private CommandOutput check(ContainerEnvironment container, Path config, String... more) {
        CheckCommand check = new CheckCommand();
        check.maxHeap = Long.MAX_VALUE;
        check.container = container;
        String[] args = new String[more.length + 2];
        args[0] = "--config";
        args[1] = config.toString();
        System.arraycopy(more, 0, args, 2, more.length);
        return CommandOutput.runCommand(check, args);
    }

    /** A port on 127.0.0.1 that was free a moment ago and on which nothing listens. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aMissingFileSourceIsAProblemAtItsLineAndColumn() throws Exception {
        Path config = config("""
                data_dir: %s
                sources:
                  - name: app
                    type: dropwizard
                    file: %s
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1:10051", host: app-01}
                """.formatted(dir.resolve("state"), dir.resolve("missing.json")));

        CommandOutput result = check(config);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(config + ":5:11: sources[0].file: \"" + dir.resolve("missing.json")
                + "\", which does not exist (expected: a file the courier can read at each collect)");
    }

    @Test
    void aDataDirThatCannotBeCreatedIsAProblemAtItsLineAndColumn() throws Exception {
        // A file where a directory must be: refused even for the superuser, who may write anywhere else.
        Path inTheWay = Files.writeString(dir.resolve("a-file"), "");
        Path config = config("""
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1:10051", host: app-01}
                sources:
                  - {name: app, type: dropwizard, file: %s}
                data_dir: %s
                """.formatted(metrics(), inTheWay.resolve("state")));

        CommandOutput result = check(config);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(config + ":5:11: data_dir: \"" + inTheWay.resolve("state")
                + "\", which cannot be created: " + inTheWay + " is not a directory (expected: a directory the "
                + "courier can write to, or create");
    }

    @Test
    void noSourcesAndNoSinksAreProblemsAtTheirLines() throws Exception {
        Path config = config("""
                data_dir: %s
                sources: []
                sinks: []
                """.formatted(dir.resolve("state")));

        CommandOutput result = check(config);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(config + ":2:10: sources: no sources (expected: at least one source")
                .contains(config + ":3:8: sinks: no sinks (expected: at least one sink");
    }

    @Test
    void aFileSinkWhoseDirectoryCannotBeCreatedIsAProblemAtItsPath() throws Exception {
        Path inTheWay = Files.writeString(dir.resolve("a-file"), "");
        Path config = config("""
                data_dir: %s
                sources:
                  - {name: app, type: dropwizard, file: %s}
                sinks:
                  - name: spool
                    type: file
                    path: %s
                """.formatted(dir.resolve("state"), metrics(), inTheWay.resolve("spool/zabbix.sender")));

        CommandOutput result = check(config);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(config + ":7:11: sinks[0].path: a directory \"" + inTheWay.resolve("spool")
                        + "\", which cannot be created: " + inTheWay + " is not a directory (expected: a directory the "
                        + "courier can write the file to, or create)");
    }

    @Test
    void aSinkRoutedToASourceThatDoesNotExistIsStillAProblem() throws Exception {
        Path config = config("""
                data_dir: %s
                sources:
                  - {name: app, type: dropwizard, file: %s}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1:10051", host: app-01, sources: [ap]}
                """.formatted(dir.resolve("state"), metrics()));

        CommandOutput result = check(config);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(":5:").contains("no source named \"ap\" (expected: one of app)");
    }

    @Test
    void connectReachesEachSourceAndDestinationOnceAndFailsWhenOneCannotBeReached() throws Exception {
        try (ServerSocket zabbix = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ExpositionServer node = ExpositionServer.serving("node_load1 0.25\n")) {
            int graphite = closedPort();
            int app = closedPort();
            Path config = config("""
                    data_dir: %s
                    sources:
                      - {name: node, type: prometheus, url: "http://127.0.0.1:%d/metrics", host: node-01}
                      - {name: app, type: dropwizard, url: "http://127.0.0.1:%d/metrics", host: app-01}
                      - {name: local, type: dropwizard, file: %s, host: app-01}
                    sinks:
                      - {name: zabbix, type: zabbix, server: "127.0.0.1:%d"}
                      - {name: graphite, type: graphite, server: "127.0.0.1:%d"}
                      - {name: spool, type: file, path: %s}
                    """.formatted(dir.resolve("state"), node.port(), app, metrics(), zabbix.getLocalPort(), graphite,
                    dir.resolve("spool/zabbix.sender")));

            CommandOutput result = check(config, "--connect");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.out().lines().skip(1)).containsExactly(
                    "ok     source node -> http://127.0.0.1:" + node.port() + "/metrics: 1 sample(s)",
                    result.out().lines().filter(line -> line.startsWith("FAILED source app -> http://127.0.0.1:"
                            + app + "/metrics: ")).findFirst().orElse("FAILED source app (missing)"),
                    "ok     source local -> " + dir.resolve("metrics.json") + ": 1 sample(s)",
                    "ok     sink zabbix -> tcp://127.0.0.1:" + zabbix.getLocalPort() + ": connected",
                    "FAILED sink graphite -> tcp://127.0.0.1:" + graphite + ": Connection refused",
                    "-      sink spool: nothing to reach");
        }
    }

    @Test
    void connectExitsZeroWhenEveryPeerIsReached() throws Exception {
        try (ServerSocket zabbix = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path config = config("""
                    data_dir: %s
                    sources:
                      - {name: app, type: dropwizard, file: %s, host: app-01}
                    sinks:
                      - {name: zabbix, type: zabbix, server: "127.0.0.1:%d"}
                    """.formatted(dir.resolve("state"), metrics(), zabbix.getLocalPort()));

            CommandOutput result = check(config, "--connect");

            assertThat(result.exitCode()).isZero();
            assertThat(result.out()).contains("ok     sink zabbix -> tcp://127.0.0.1:" + zabbix.getLocalPort());
        }
    }

    @Test
    void withoutConnectNothingIsReached() throws Exception {
        Path config = config("""
                data_dir: %s
                sources:
                  - {name: app, type: dropwizard, file: %s, host: app-01}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1:%d"}
                """.formatted(dir.resolve("state"), metrics(), closedPort()));

        CommandOutput result = check(config);

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("configuration OK: ").doesNotContain("FAILED");
    }

    private static ContainerEnvironment dockerContainer(Path root) throws IOException {
        Files.createFile(root.resolve(".dockerenv"));
        return ContainerEnvironment.detect(root, Map.of(), "3f2a9c1d7e4b");
    }

    @Test
    void inAContainerWarnsThatSourcesWithoutHostReachZabbixAsTheContainersId() throws Exception {
        ContainerEnvironment container = dockerContainer(Files.createDirectories(dir.resolve("root")));
        Path config = config("""
                data_dir: %s
                sources:
                  - {name: app, type: dropwizard, file: %s}
                  - {name: named, type: dropwizard, file: %s, host: app-01}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1:10051"}
                """.formatted(dir.resolve("state"), metrics(), metrics()));

        CommandOutput result = check(container, config);

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEqualTo("courier: warning: running in a container (/.dockerenv): source(s) app ("
                + config + ":3:5) set no host, so their rows reach Zabbix sink(s) zabbix as host \"3f2a9c1d7e4b\", "
                + "this container's id, which no Zabbix host is called: Zabbix refuses every value; set host on each "
                + "source, or on the zabbix sink" + System.lineSeparator());
    }

    @Test
    void inAContainerSaysNothingWhenTheHostIsSetOnTheSourcesOrTheSink() throws Exception {
        ContainerEnvironment container = dockerContainer(Files.createDirectories(dir.resolve("root")));
        Path onSources = config("""
                data_dir: %s
                sources:
                  - {name: app, type: dropwizard, file: %s, host: app-01}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1:10051"}
                """.formatted(dir.resolve("state"), metrics()));
        assertThat(check(container, onSources).err()).isEmpty();

        Path onSink = config("""
                data_dir: %s
                sources:
                  - {name: app, type: dropwizard, file: %s}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1:10051", host: app-01}
                """.formatted(dir.resolve("state"), metrics()));
        assertThat(check(container, onSink).err()).isEmpty();
    }
}
