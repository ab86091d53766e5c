package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.app.discovery.DiscoverySnapshot;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.sources.dropwizard.DropwizardDiscovery;
import dev.concierge.courier.sources.dropwizard.DropwizardMetricNames;
import dev.concierge.courier.sources.prometheus.PrometheusDiscovery;
import dev.concierge.courier.sources.prometheus.PrometheusFormat;
import dev.concierge.courier.sources.prometheus.PrometheusTextParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code courier discover --from} and {@code --data-dir/--source}: answers from the snapshot courier run keeps. */
class DiscoverFromSnapshotTest {
    // A gauge whose value failed (null) is still an entity; discovery must list it like --file does.
    private static final String DOCUMENT = """
            {"version":"4.0.0","gauges":{"jvm.heap":{"value":1},"pool.broken":{"value":null}},
             "counters":{"jobs":{"count":3}},"histograms":{"sizes":{"count":0}},
             "meters":{"logins":{"count":1,"m15_rate":0,"m1_rate":0,"m5_rate":0,"mean_rate":0,"units":"events/second"}},
             "timers":{"app.requests":{"count":1},"db.query":{"count":2}}}
            """;
    private static final String EXPOSITION = """
            # TYPE http_duration_seconds histogram
            http_duration_seconds_bucket{le="0.1",path="/"} 1
            http_duration_seconds_bucket{le="+Inf",path="/"} 2
            http_duration_seconds_sum{path="/"} 0.3
            http_duration_seconds_count{path="/"} 2
            # TYPE rpc_latency summary
            rpc_latency{quantile="0.5"} NaN
            rpc_latency_sum 0
            rpc_latency_count 0
            # TYPE node_load1 gauge
            node_load1 0.25
            """;
    private static final Duration INTERVAL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Path write(DiscoverySnapshot snapshot) throws Exception {
        Path file = DiscoverySnapshot.fileFor(dir.resolve("discovery"), snapshot.source());
        snapshot.writeAtomically(file);
        return file;
    }

    private Path dropwizardSnapshot(Instant at) throws Exception {
        return write(DiscoverySnapshot.of("orders", "dropwizard", at, INTERVAL, DropwizardDiscovery.rows(
                DropwizardMetricNames.read(DOCUMENT.getBytes(StandardCharsets.UTF_8), "test"))));
    }

    @Test
    void answersEveryKindFromTheSnapshotWithTheSameBytesAsFromTheDocument() throws Exception {
        Path document = Files.writeString(dir.resolve("metrics.json"), DOCUMENT);
        Path snapshot = dropwizardSnapshot(Instant.now());

        for (List<String> filter : List.of(List.<String>of(), List.of("--kind", "timers"), List.of("--kind", "gauges"),
                List.of("--kind", "histograms"), List.of("--kind", "counters", "--format", "data"))) {
            CommandOutput fromFile = CommandOutput.run(args(filter, "discover", "--file", document.toString()));
            CommandOutput fromSnapshot = CommandOutput.run(args(filter, "discover", "--from", snapshot.toString()));

            assertThat(fromSnapshot.exitCode()).as("%s", filter).isZero();
            assertThat(fromSnapshot.err()).isEmpty();
            assertThat(fromSnapshot.out()).as("%s", filter).isEqualTo(fromFile.out());
        }
        assertThat(CommandOutput.run("discover", "--from", snapshot.toString(), "--kind", "gauges").out().strip())
                .isEqualTo("[{\"{#GAUGE}\":\"jvm.heap\"},{\"{#GAUGE}\":\"pool.broken\"}]");
    }

    @Test
    void answersAPrometheusFamilyFromTheSnapshotWithTheSameBytesAsFromTheExposition() throws Exception {
        Path exposition = Files.writeString(dir.resolve("metrics.prom"), EXPOSITION);
        Path snapshot = write(DiscoverySnapshot.of("node", "prometheus", Instant.now(), INTERVAL,
                PrometheusDiscovery.rows(new PrometheusTextParser().parse(EXPOSITION.getBytes(StandardCharsets.UTF_8),
                        PrometheusFormat.TEXT_0_0_4, Instant.now(), "-", "-"))));

        for (List<String> filter : List.of(List.<String>of(), List.of("--family", "http_duration_seconds"),
                List.of("--family", "http_duration_seconds_bucket"), List.of("--family", "rpc_latency"))) {
            CommandOutput fromFile = CommandOutput.run(args(filter, "discover", "--type", "prometheus",
                    "--file", exposition.toString()));
            CommandOutput fromSnapshot = CommandOutput.run(args(filter, "discover", "--from", snapshot.toString()));

            assertThat(fromSnapshot.exitCode()).as("%s", filter).isZero();
            assertThat(fromSnapshot.out()).as("%s", filter).isEqualTo(fromFile.out());
        }
        assertThat(CommandOutput.run("discover", "--from", snapshot.toString(), "--family", "rpc_latency").out())
                .contains("{\"{#NAME}\":\"rpc_latency\",\"{#QUANTILE}\":\"0.5\"}");
    }

    @Test
    void findsTheSnapshotOfASourceByDataDirAndSourceName() throws Exception {
        write(DiscoverySnapshot.of("orders/eu west", "dropwizard", Instant.now(), INTERVAL, DropwizardDiscovery.rows(
                DropwizardMetricNames.read(DOCUMENT.getBytes(StandardCharsets.UTF_8), "test"))));

        CommandOutput result = CommandOutput.run("discover", "--data-dir", dir.toString(), "--source", "orders/eu west",
                "--kind", "meters");

        assertThat(Files.exists(dir.resolve("discovery/orders%2Feu%20west.json"))).isTrue();
        assertThat(result.exitCode()).isZero();
        assertThat(result.out().strip()).isEqualTo("[{\"{#METER}\":\"logins\"}]");
    }

    @Test
    void refusesAStaleSnapshotWithItsAgeAndPrintsNothing() throws Exception {
        Path snapshot = dropwizardSnapshot(Instant.now().minus(Duration.ofHours(1)));

        CommandOutput stale = CommandOutput.run("discover", "--from", snapshot.toString(), "--kind", "timers");
        CommandOutput allowed = CommandOutput.run("discover", "--from", snapshot.toString(), "--kind", "timers",
                "--max-age", "2h");

        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.out()).isEmpty();
        assertThat(stale.err()).startsWith("courier discover: " + snapshot + ": collected 36")
                .contains("by source orders").contains("(expected: at most 30 s;")
                .contains("is courier run collecting it?");
        assertThat(allowed.exitCode()).isZero();
        assertThat(allowed.out().strip()).isEqualTo("[{\"{#TIMER}\":\"app.requests\"},{\"{#TIMER}\":\"db.query\"}]");
    }

    @Test
    void refusesAPrometheusSnapshotWhoseExpositionHadMalformedLines() throws Exception {
        String broken = EXPOSITION + "node_load5 {oops\n";
        Path snapshot = write(DiscoverySnapshot.of("node", "prometheus", Instant.now(), INTERVAL,
                PrometheusDiscovery.rows(new PrometheusTextParser().parse(broken.getBytes(StandardCharsets.UTF_8),
                        PrometheusFormat.TEXT_0_0_4, Instant.now(), "-", "-"))));

        CommandOutput result = CommandOutput.run("discover", "--from", snapshot.toString(), "--family", "node_load1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("source node has no complete list: 1 malformed lines in the last exposition");
    }

    @Test
    void refusesAConsulServiceWithoutACurrentAnswerAndAnswersTheOthers() throws Exception {
        Map<String, String> web = new LinkedHashMap<>();
        web.put("{#SERVICE}", "web");
        web.put("{#INSTANCE}", "web-1");
        web.put("{#NODE}", "n1");
        web.put("{#ADDRESS}", "10.0.3.7");
        web.put("{#PORT}", "9102");
        Map<String, Boolean> services = new LinkedHashMap<>();
        services.put("billing", false);
        services.put("web", true);
        Path snapshot = write(DiscoverySnapshot.of("consul", "consul", Instant.now(), INTERVAL,
                LldRows.byGroup(services, List.of(new LldRow("web", web)))));

        CommandOutput one = CommandOutput.run("discover", "--from", snapshot.toString(), "--service", "web");
        CommandOutput all = CommandOutput.run("discover", "--from", snapshot.toString());
        CommandOutput unknown = CommandOutput.run("discover", "--from", snapshot.toString(), "--service", "mail");

        assertThat(one.exitCode()).isZero();
        assertThat(one.out().strip()).isEqualTo("[{\"{#SERVICE}\":\"web\",\"{#INSTANCE}\":\"web-1\",\"{#NODE}\":\"n1\","
                + "\"{#ADDRESS}\":\"10.0.3.7\",\"{#PORT}\":\"9102\"}]");
        assertThat(all.exitCode()).isEqualTo(1);
        assertThat(all.out()).isEmpty();
        assertThat(all.err()).contains("service billing has no current answer from Consul");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("service mail is not watched by source consul (watched: [billing, web])");
    }

    @Test
    void refusesATruncatedSnapshotAndSaysWhenThereIsNoneYet() throws Exception {
        Path snapshot = dropwizardSnapshot(Instant.now());
        byte[] whole = Files.readAllBytes(snapshot);
        Files.write(snapshot, java.util.Arrays.copyOf(whole, whole.length / 2));

        CommandOutput truncated = CommandOutput.run("discover", "--from", snapshot.toString());
        CommandOutput missing = CommandOutput.run("discover", "--data-dir", dir.toString(), "--source", "nobody");

        assertThat(truncated.exitCode()).isEqualTo(1);
        assertThat(truncated.out()).isEmpty();
        assertThat(truncated.err()).contains("not a discovery snapshot");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("nobody.json: no snapshot (courier run writes it after the source's first "
                + "successful collect)");
    }

    @Test
    void refusesAFilterThatDoesNotFitTheSnapshotsType() throws Exception {
        Path snapshot = dropwizardSnapshot(Instant.now());

        CommandOutput family = CommandOutput.run("discover", "--from", snapshot.toString(), "--family", "x");
        CommandOutput type = CommandOutput.run("discover", "--from", snapshot.toString(), "--type", "consul");

        assertThat(family.exitCode()).isEqualTo(2);
        assertThat(family.err()).contains("--family applies to --type prometheus only");
        assertThat(type.exitCode()).isEqualTo(2);
        assertThat(type.err()).contains("is a snapshot of a dropwizard source");
    }

    /** {@code head} followed by {@code filter}. */
    private static String[] args(List<String> filter, String... head) {
        List<String> all = new java.util.ArrayList<>(List.of(head));
        all.addAll(filter);
        return all.toArray(String[]::new);
    }
}
