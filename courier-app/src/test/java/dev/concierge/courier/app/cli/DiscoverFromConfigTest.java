package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.app.testing.ExpositionServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code courier discover --config FILE --source NAME}: the rows of a configured source as its rules leave them. */
class DiscoverFromConfigTest {
    private static final String EXPOSITION = """
            # TYPE node_cpu_seconds_total counter
            node_cpu_seconds_total{cpu="0",mode="idle"} 1
            node_cpu_seconds_total{cpu="0",mode="user"} 3
            # TYPE node_load1 gauge
            node_load1 0.5
            # TYPE node_load5 gauge
            node_load5 0.25
            # TYPE go_goroutines gauge
            go_goroutines 7
            """;

    @TempDir
    Path dir;

    private ExpositionServer exporter;

    @BeforeEach
    void startExporter() throws IOException {
        exporter = ExpositionServer.serving(EXPOSITION);
    }

    @AfterEach
    void stopExporter() {
        exporter.close();
    }

    private Path config(String rules) throws IOException {
        return Files.writeString(dir.resolve("courier.yaml"), """
                data_dir: %s
                sources:
                  - name: node
                    type: prometheus
                    url: http://127.0.0.1:%d/metrics
                    host: web-01
                %s
                  - name: app
                    type: dropwizard
                    file: %s
                sinks:
                  - {name: spool, type: file, path: %s, fsync: none}
                """.formatted(dir.resolve("state"), exporter.port(), rules.indent(4).stripTrailing(),
                dir.resolve("absent.json"), dir.resolve("spool.txt")));
    }

    @Test
    void printsTheSeriesAsTheSourcesRulesLeaveThem() throws IOException {
        Path config = config("""
                include: ['node_load*', 'node_cpu_seconds_total{mode="user"}']
                rename:
                  - {match: 'node_(.*)', replace: 'host.$1'}
                labels: {rename: {mode: cpu_mode}}
                """);

        CommandOutput result = CommandOutput.run("discover", "--config", config.toString(), "--source", "node");

        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("["
                + "{\"{#NAME}\":\"host.cpu_seconds_total\",\"{#CPU}\":\"0\",\"{#CPU_MODE}\":\"user\"},"
                + "{\"{#NAME}\":\"host.load1\"},"
                + "{\"{#NAME}\":\"host.load5\"}]\n");
        // Nothing but the source was created: no ledger, no sink file.
        assertThat(dir.resolve("state")).doesNotExist();
        assertThat(dir.resolve("spool.txt")).doesNotExist();
    }

    @Test
    void withASinkPrintsTheRowsAsThatSinksRulesLeaveThemToo() throws IOException {
        Path config = Files.writeString(dir.resolve("sinks.yaml"), """
                data_dir: %s
                sources:
                  - name: node
                    type: prometheus
                    url: http://127.0.0.1:%d/metrics
                    include: ['node_load*']
                  - name: other
                    type: prometheus
                    url: http://127.0.0.1:%2$d/metrics
                sinks:
                  - name: zabbix
                    type: file
                    path: %s
                    exclude: ['node_load5']
                    rename: [{match: 'node_(.*)', replace: 'node.$1'}]
                  - {name: others, type: file, path: %3$s, sources: [other]}
                """.formatted(dir.resolve("state"), exporter.port(), dir.resolve("spool.txt")));

        CommandOutput sink = CommandOutput.run("discover", "-c", config.toString(), "--source", "node",
                "--sink", "zabbix");
        CommandOutput source = CommandOutput.run("discover", "-c", config.toString(), "--source", "node");

        assertThat(sink.exitCode()).isZero();
        assertThat(sink.out()).isEqualTo("[{\"{#NAME}\":\"node.load1\"}]\n");
        assertThat(source.out()).isEqualTo("[{\"{#NAME}\":\"node_load1\"},{\"{#NAME}\":\"node_load5\"}]\n");
        CommandOutput notRouted = CommandOutput.run("discover", "-c", config.toString(), "--source", "node",
                "--sink", "others");
        assertThat(notRouted.exitCode()).isEqualTo(2);
        assertThat(notRouted.err()).contains("--sink others does not take source node (its sources: other)");
        assertThat(CommandOutput.run("discover", "-c", config.toString(), "--source", "node", "--sink", "nope")
                .err()).contains("--sink nope: no such sink in " + config + " (expected: one of zabbix, others)");
        assertThat(CommandOutput.run("discover", "--data-dir", dir.toString(), "--source", "node", "--sink", "zabbix")
                .exitCode()).isEqualTo(2);
    }

    @Test
    void takesTheFormatAndFilterOptionsOfTheSourcesType() throws IOException {
        Path config = config("rename: [{match: 'node_(.*)', replace: 'host.$1'}]");

        CommandOutput result = CommandOutput.run("discover", "-c", config.toString(), "--source", "node",
                "--family", "host.load5", "--format", "data");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("{\"data\":[{\"{#NAME}\":\"host.load5\"}]}\n");
        assertThat(CommandOutput.run("discover", "-c", config.toString(), "--source", "node", "--kind", "timers")
                .exitCode()).isEqualTo(2);
    }

    @Test
    void listsEverySeriesOfASourceWithoutRules() throws IOException {
        CommandOutput result = CommandOutput.run("discover", "--config", config("").toString(), "--source", "node");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("["
                + "{\"{#NAME}\":\"go_goroutines\"},"
                + "{\"{#NAME}\":\"node_cpu_seconds_total\",\"{#CPU}\":\"0\",\"{#MODE}\":\"idle\"},"
                + "{\"{#NAME}\":\"node_cpu_seconds_total\",\"{#CPU}\":\"0\",\"{#MODE}\":\"user\"},"
                + "{\"{#NAME}\":\"node_load1\"},"
                + "{\"{#NAME}\":\"node_load5\"}]\n");
    }

    @Test
    void anUnknownSourceIsAUsageErrorListingTheNames() throws IOException {
        CommandOutput result = CommandOutput.run("discover", "--config", config("").toString(), "--source", "nod");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("--source nod: no such source").contains("(expected: one of node, app)");
    }

    @Test
    void aCollectThatFailsPrintsNothingAndExitsOne() throws IOException {
        CommandOutput result = CommandOutput.run("discover", "--config", config("").toString(), "--source", "app");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("courier discover: source app: ").contains("absent.json");
    }

    @Test
    void aConfigurationWithProblemsIsAUsageError() throws IOException {
        Path config = config("include: ['/node_(/']");

        CommandOutput result = CommandOutput.run("discover", "--config", config.toString(), "--source", "node");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("has problems");
    }
}
