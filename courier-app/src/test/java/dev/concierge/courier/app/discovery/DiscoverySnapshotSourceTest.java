package dev.concierge.courier.app.discovery;

import dev.concierge.courier.app.utf8plugin.Utf8ExporterSourceType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.process.DropReason;
import dev.concierge.courier.core.process.LabelRewrite;
import dev.concierge.courier.core.process.NameRewrite;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.process.SampleSelector;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.LldDiscoverable;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.core.testing.ManualClock;
import dev.concierge.courier.sources.dropwizard.DropwizardConfig;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoverySnapshotSourceTest {
    private static final String DOCUMENT = """
            {"version":"4.0.0","gauges":{"pool.broken":{"value":null}},"counters":{"jobs":{"count":3}},
             "histograms":{},"meters":{},"timers":{"app.requests":{"count":1}}}
            """;

    @TempDir
    Path dir;

    @Test
    void writesTheSnapshotAfterACollectAndLeavesItAloneWhenACollectFails() throws Exception {
        Path metrics = Files.writeString(dir.resolve("metrics.json"), DOCUMENT);
        Instant first = Instant.parse("2025-05-01T10:00:00Z");
        Clock clock = Clock.fixed(first, ZoneOffset.UTC);
        DropwizardJsonSource dropwizard = DropwizardJsonSource.create(new DropwizardConfig("orders", null, metrics,
                Duration.ofSeconds(10), Duration.ofSeconds(1), 1 << 20, "app-01"), clock);
        List<Sample> offered = new ArrayList<>();
        try (Source source = DiscoverySnapshotSource.wrap(dropwizard, "dropwizard", dir, Duration.ofSeconds(10), clock)) {
            source.collect(offered::add);

            Path file = dir.resolve("discovery/orders.json");
            DiscoverySnapshot written = DiscoverySnapshot.read(file);
            assertThat(written.collectedAt()).isEqualTo(first);
            assertThat(written.interval()).isEqualTo(Duration.ofSeconds(10));
            assertThat(written.rows()).extracting(LldRow::macros).containsExactly(
                    Map.of("{#TYPE}", "counter", "{#NAME}", "jobs"),
                    Map.of("{#TYPE}", "gauge", "{#NAME}", "pool.broken"),
                    Map.of("{#TYPE}", "timer", "{#NAME}", "app.requests"));
            assertThat(offered).extracting(Sample::name).doesNotContain("pool.broken");
            byte[] before = Files.readAllBytes(file);

            Files.writeString(metrics, DOCUMENT.substring(0, 40));
            assertThatThrownBy(() -> source.collect(offered::add)).isInstanceOf(SourceException.class);

            assertThat(Files.readAllBytes(file)).isEqualTo(before);
            try (var listing = Files.list(file.getParent())) {
                assertThat(listing).containsExactly(file);
            }
        }
    }

    @Test
    void theSnapshotNamesThePrometheusSeriesByTheKeysTheDefaultEscapingGives() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2025-05-01T10:00:00Z"), ZoneOffset.UTC);
        Source exporter = new Utf8ExporterSourceType()
                .create(new Utf8ExporterSourceType.Config("app"));
        try (Source source = DiscoverySnapshotSource.wrap(exporter, "utf8", dir, Duration.ofSeconds(10), clock)) {
            source.collect(sample -> true);

            assertThat(DiscoverySnapshot.read(dir.resolve("discovery/app.json")).rows()).extracting(LldRow::macros)
                    .containsExactly(Map.of("{#NAME}", "my_metric", "{#A_B}", "x"));
        }
    }

    @Test
    void aCollectThatFindsTheSameRowsLeavesTheFileAsItWasAndMarksItFresh() throws Exception {
        Path metrics = Files.writeString(dir.resolve("metrics.json"), DOCUMENT);
        Instant first = Instant.parse("2025-05-01T10:00:00Z");
        ManualClock clock = new ManualClock(first);
        DropwizardJsonSource dropwizard = DropwizardJsonSource.create(new DropwizardConfig("orders", null, metrics,
                Duration.ofSeconds(10), Duration.ofSeconds(1), 1 << 20, "app-01"), clock);
        DiscoverySnapshotSource source = (DiscoverySnapshotSource) DiscoverySnapshotSource.wrap(dropwizard,
                "dropwizard", dir, Duration.ofSeconds(10), clock);
        Path file = source.file();
        source.collect(sample -> true);
        byte[] asWritten = Files.readAllBytes(file);
        Object fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();

        clock.advance(Duration.ofSeconds(10));
        source.collect(sample -> true);
        clock.advance(Duration.ofSeconds(10));
        source.collect(sample -> true);

        assertThat(source.writes()).isEqualTo(1);
        assertThat(Files.readAllBytes(file)).isEqualTo(asWritten);
        assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey()).isEqualTo(fileKey);
        DiscoverySnapshot read = DiscoverySnapshot.read(file);
        assertThat(read.collectedAt()).isEqualTo(first.plusSeconds(20));
        assertThat(read.refusal(first.plusSeconds(45), Duration.ofSeconds(30), List.of())).isNull();
        assertThat(read.refusal(first.plusSeconds(51), Duration.ofSeconds(30), List.of())).contains("31 s ago");

        Files.writeString(metrics, DOCUMENT.replace("\"jobs\"", "\"jobs\":{\"count\":1},\"retries\""));
        clock.advance(Duration.ofSeconds(10));
        source.collect(sample -> true);

        assertThat(source.writes()).isEqualTo(2);
        DiscoverySnapshot changed = DiscoverySnapshot.read(file);
        assertThat(changed.collectedAt()).isEqualTo(first.plusSeconds(30));
        assertThat(changed.rows()).extracting(LldRow::macros).contains(Map.of("{#TYPE}", "counter",
                "{#NAME}", "retries"));
    }

    @Test
    void aSnapshotRemovedBehindTheCourierIsWrittenAgainAtTheNextCollect() throws Exception {
        Path metrics = Files.writeString(dir.resolve("metrics.json"), DOCUMENT);
        ManualClock clock = new ManualClock(Instant.parse("2025-05-01T10:00:00Z"));
        DiscoverySnapshotSource source = (DiscoverySnapshotSource) DiscoverySnapshotSource.wrap(
                DropwizardJsonSource.create(new DropwizardConfig("orders", null, metrics, Duration.ofSeconds(10),
                        Duration.ofSeconds(1), 1 << 20, "app-01"), clock), "dropwizard", dir, Duration.ofSeconds(10),
                clock);
        source.collect(sample -> true);
        Files.delete(source.file());

        source.collect(sample -> true);

        assertThat(DiscoverySnapshot.read(source.file()).rows()).hasSize(3);
        assertThat(source.writes()).isEqualTo(2);
    }

    /** A source whose discovery answer throws. */
    private static final class BrokenDiscoverySource implements Source, LldDiscoverable {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public void collect(Emitter out) {
            out.offer(Sample.of("up", MetricType.GAUGE, null, SampleValue.of(1), Instant.EPOCH, "h", "broken"));
        }

        @Override
        public Optional<LldRows> lldRows() {
            throw new IllegalStateException("no rows today");
        }
    }

    @Test
    void aDiscoveryAnswerThatThrowsFailsNeitherTheCollectNorItsSamples() throws Exception {
        List<Sample> offered = new ArrayList<>();
        DiscoverySnapshotSource source = (DiscoverySnapshotSource) DiscoverySnapshotSource.wrap(
                new BrokenDiscoverySource(), "broken", dir, Duration.ofSeconds(10), Clock.systemUTC());

        source.collect(offered::add);

        assertThat(offered).hasSize(1);
        assertThat(source.writeFailures()).isEqualTo(1);
        assertThat(Files.exists(source.file())).isFalse();
    }

    @Test
    void aRunningCourierKeepsTheSnapshotOfEachSourceFresh() throws Exception {
        Path metrics = Files.writeString(dir.resolve("metrics.json"), DOCUMENT);
        Path config = Files.writeString(dir.resolve("courier.yaml"), """
                data_dir: %s
                sources:
                  - {name: app, type: dropwizard, file: %s, interval: 100ms, timeout: 100ms}
                sinks:
                  - {name: spool, type: file, path: %s, fsync: none}
                """.formatted(dir.resolve("state"), metrics, dir.resolve("spool.txt")));
        Path snapshot = dir.resolve("state/discovery/app.json");

        try (Courier courier = Courier.start(CourierConfig.load(new YamlConfigParser(Map.of()), config))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(snapshot));
            assertThat(DiscoverySnapshot.read(snapshot).rows()).hasSize(3);

            Files.writeString(metrics, DOCUMENT.replace("\"jobs\"", "\"jobs\":{\"count\":1},\"retries\""));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    DiscoverySnapshot.read(snapshot).rows())
                    .extracting(LldRow::macros).contains(Map.of("{#TYPE}", "counter", "{#NAME}", "retries")));
            DiscoverySnapshot latest = DiscoverySnapshot.read(snapshot);
            assertThat(latest.refusal(Instant.now(), Duration.ofSeconds(10), List.of())).isNull();
        }
    }

    @Test
    void writesTheRowsAsTheSourcesRulesLeaveThemWithoutCountingTheirDrops() throws Exception {
        Path metrics = Files.writeString(dir.resolve("metrics.json"), DOCUMENT);
        Clock clock = Clock.fixed(Instant.parse("2025-05-01T10:00:00Z"), ZoneOffset.UTC);
        DropwizardJsonSource dropwizard = DropwizardJsonSource.create(new DropwizardConfig("orders", null, metrics,
                Duration.ofSeconds(10), Duration.ofSeconds(1), 1 << 20, "app-01"), clock);
        SampleProcessor rules = SampleProcessor.of(List.of(SampleSelector.parse("app.*")), List.of(), List.of(), null,
                List.of(NameRewrite.of("app\\.(.*)", "web.$1")), LabelRewrite.none());

        try (Source source = DiscoverySnapshotSource.wrap(dropwizard, "dropwizard", rules, dir, Duration.ofSeconds(10),
                clock)) {
            source.collect(sample -> true);

            assertThat(DiscoverySnapshot.read(dir.resolve("discovery/orders.json")).rows()).extracting(LldRow::macros)
                    .containsExactly(Map.of("{#TYPE}", "timer", "{#NAME}", "web.requests"));
            assertThat(((LldDiscoverable) source).lldRows()).get().extracting(LldRows::rows).asList().hasSize(1);
        }
        assertThat(rules.dropped(DropReason.NOT_INCLUDED)).isZero();
    }

    @Test
    void aRunningCourierWritesTheSnapshotAsTheSourcesRulesLeaveIt() throws Exception {
        Path metrics = Files.writeString(dir.resolve("metrics.json"), DOCUMENT);
        Path config = Files.writeString(dir.resolve("courier.yaml"), """
                data_dir: %s
                sources:
                  - name: app
                    type: dropwizard
                    file: %s
                    interval: 100ms
                    timeout: 100ms
                    exclude: ['pool.*']
                    rename:
                      - {match: 'app\\.(.*)', replace: 'web.$1'}
                sinks:
                  - {name: spool, type: file, path: %s, fsync: none}
                """.formatted(dir.resolve("state"), metrics, dir.resolve("spool.txt")));
        Path snapshot = dir.resolve("state/discovery/app.json");

        try (Courier courier = Courier.start(CourierConfig.load(new YamlConfigParser(Map.of()), config))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(snapshot));

            assertThat(DiscoverySnapshot.read(snapshot).rows()).extracting(LldRow::macros).containsExactly(
                    Map.of("{#TYPE}", "counter", "{#NAME}", "jobs"),
                    Map.of("{#TYPE}", "timer", "{#NAME}", "web.requests"));
        }
    }

    /** A discovering source with every optional ability the pipeline asks a source about. */
    private static final class AbleSource implements Source, LldDiscoverable,
            dev.concierge.courier.core.spi.CountsEvents, dev.concierge.courier.core.spi.ReportsState,
            dev.concierge.courier.core.spi.LeavesBeforeStop {
        boolean left;

        @Override
        public String name() {
            return "shared";
        }

        @Override
        public void collect(Emitter out) {
        }

        @Override
        public Optional<LldRows> lldRows() {
            return Optional.empty();
        }

        @Override
        public dev.concierge.courier.core.spi.SecretMask secrets() {
            return dev.concierge.courier.core.spi.SecretMask.of(dev.concierge.courier.core.spi.Secret.of("acl-token"));
        }

        @Override
        public Map<String, java.util.function.LongSupplier> events() {
            return Map.of("handoffs_in", () -> 3);
        }

        @Override
        public Map<String, java.util.function.DoubleSupplier> gauges() {
            return Map.of("targets.owned", () -> 5);
        }

        @Override
        public Map<String, Object> state() {
            return Map.of("sharing", Map.of("targets_owned", 5));
        }

        @Override
        public Duration leave() {
            left = true;
            return Duration.ofSeconds(7);
        }
    }

    @Test
    void passesTheWrappedSourcesAbilitiesOnSoThePipelineStillSeesThem() {
        AbleSource able = new AbleSource();
        Source wrapped = DiscoverySnapshotSource.wrap(able, "consul", dir, Duration.ofSeconds(10), Clock.systemUTC());

        assertThat(wrapped.secrets().apply("ACL not found: acl-token")).isEqualTo("ACL not found: ******");
        assertThat(dev.concierge.courier.core.spi.CountsEvents.of(wrapped).get("handoffs_in").getAsLong()).isEqualTo(3);
        dev.concierge.courier.core.spi.ReportsState reports = dev.concierge.courier.core.spi.ReportsState.of(wrapped);
        assertThat(reports).isNotNull();
        assertThat(reports.gauges().get("targets.owned").getAsDouble()).isEqualTo(5);
        assertThat(reports.state()).containsKey("sharing");
        assertThat(wrapped).isInstanceOf(dev.concierge.courier.core.spi.LeavesBeforeStop.class);
        assertThat(((dev.concierge.courier.core.spi.LeavesBeforeStop) wrapped).leave()).isEqualTo(Duration.ofSeconds(7));
        assertThat(able.left).isTrue();
    }
}
