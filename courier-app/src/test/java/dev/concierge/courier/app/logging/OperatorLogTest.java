package dev.concierge.courier.app.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.testing.StuckSink;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.ledger.LedgerTotals;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.core.pipeline.SourceStats;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.core.testing.CapturedStderr;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.ManualNanoClock;
import dev.concierge.courier.core.testing.RecordingSink;
import dev.concierge.courier.core.testing.Samples;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What an operator reads, through the courier's real logging: a failure is one WARN line when it starts and
 * one INFO line when it ends, not a line per attempt; in plain words; with the sink or source as a JSON field;
 * and what a destination cannot store by design is said once, not warned about per batch.
 */
class OperatorLogTest {
    private static final Duration BACKOFF = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private final ManualNanoClock nanoClock = new ManualNanoClock();
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            nanoClock.advance(Duration.ofDays(1));
            pipeline.stop(Duration.ofSeconds(5));
        }
    }

    private static List<String> lines(String log, String level, String containing) {
        List<String> found = new ArrayList<>();
        for (String line : log.split("\\R")) {
            if (line.contains(" " + level + " ") && line.contains(containing)) {
                found.add(line);
            }
        }
        return found;
    }

    private void startOutage(RecordingSink sink, Source source) {
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20),
                new InMemoryDeliveryLedger(Clock.systemUTC(), 100), List.of(new ScheduledSource(source,
                        Duration.ofHours(1))),
                List.of(new SinkSpec(sink, failures -> BACKOFF, 1 << 20)), Clock.systemUTC(), nanoClock);
        pipeline.start();
    }

    /** Fails its first {@code failures} attempts with a Netty connect error, then delivers. */
    private static RecordingSink downFor(String name, int failures) {
        AtomicInteger attempts = new AtomicInteger();
        return new RecordingSink(name).answering(batch -> attempts.incrementAndGet() <= failures
                ? DeliveryOutcome.Retry.of("127.0.0.1:10051: 1 of 1 frames: connect: "
                        + "io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: "
                        + "/127.0.0.1:10051")
                : new DeliveryOutcome.Delivered("processed: 20"));
    }

    private void failAttempts(SinkStats stats, RecordingSink sink, int failures) {
        for (int attempt = 1; attempt <= failures; attempt++) {
            int sent = attempt;
            await().until(() -> sink.sent().size() == sent && stats.retries() == sent);
            nanoClock.advance(BACKOFF);
        }
    }

    @Test
    void anOutageOfThirteenAttemptsLogsOneWarningWhenItStartsAndOneLineWhenItEnds() {
        int failures = 13;
        RecordingSink sink = downFor("zabbix-main", failures);
        try (CapturedStderr stderr = new CapturedStderr()) {
            startOutage(sink, new ListSource("app", run -> run == 0 ? Samples.counters("app", 20) : List.of()));
            SinkStats stats = pipeline.sinkStats().get("zabbix-main");
            failAttempts(stats, sink, failures);
            // The counters move before the recovery line is written: wait for the line itself.
            await().until(() -> stats.delivered() == 20 && stderr.text().contains("delivering again"));
            String log = stderr.text();

            assertThat(lines(log, "WARN", "zabbix-main")).singleElement().asString()
                    .contains("sink zabbix-main: delivery failing: 127.0.0.1:10051: 1 of 1 frames: connect: "
                            + "connection refused: /127.0.0.1:10051; its samples are kept and sent again (next "
                            + "attempt in 1s, ");
            assertThat(lines(log, "INFO", "zabbix-main")).singleElement().asString()
                    .contains("sink zabbix-main: delivering again after failing for 13s (13 failed attempts since ");
            assertThat(log).doesNotContain("AnnotatedConnectException").doesNotContain("PT1S");
        }
    }

    @Test
    void aDeadSourceWarnsOnceAndSaysWhenItCollectsAgain() {
        int failedRuns = 20;
        AtomicInteger runs = new AtomicInteger();
        Source source = new Source() {
            @Override
            public String name() {
                return "billing";
            }

            @Override
            public void collect(Emitter out) throws SourceException {
                if (runs.getAndIncrement() < failedRuns) {
                    throw new SourceException("/var/lib/billing/metrics.json: java.nio.file.NoSuchFileException: "
                            + "/var/lib/billing/metrics.json");
                }
                Samples.counters("billing", 1).forEach(out::offer);
            }
        };
        try (CapturedStderr stderr = new CapturedStderr()) {
            pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20),
                    new InMemoryDeliveryLedger(Clock.systemUTC(), 100),
                    List.of(new ScheduledSource(source, Duration.ofMillis(20))), List.of(), Clock.systemUTC(),
                    nanoClock);
            pipeline.start();
            SourceStats stats = pipeline.sourceStats().get("billing");
            // The stats move before the recovery line is written: wait for the line itself.
            await().until(() -> stats.lastSuccess() != null && stderr.text().contains("collecting again"));
            String log = stderr.text();

            assertThat(lines(log, "WARN", "billing: collect")).singleElement().asString()
                    .contains("source billing: collect failing: /var/lib/billing/metrics.json: no such file: "
                            + "/var/lib/billing/metrics.json; next collect in 20ms");
            assertThat(lines(log, "INFO", "billing")).singleElement().asString()
                    .contains("source billing: collecting again after failing for ")
                    .contains("(20 failed collects since ");
            assertThat(log).doesNotContain("NoSuchFileException");
            assertThat(stats.failingSince()).isNull();
        }
    }

    @Test
    void jsonLinesCarryTheSinkAndTheSourceAsFields() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        try (CapturedStderr stderr = new CapturedStderr()) {
            context.reset();
            new CourierLogConfigurator(Map.of("COURIER_LOG_FORMAT", "json")).configure(context);
            RecordingSink sink = downFor("zabbix-main", 1);
            startOutage(sink, new Source() {
                @Override
                public String name() {
                    return "billing";
                }

                @Override
                public void collect(Emitter out) throws SourceException {
                    Samples.counters("billing", 3).forEach(out::offer);
                    throw new SourceException("timed out after 5s");
                }
            });
            SinkStats stats = pipeline.sinkStats().get("zabbix-main");
            failAttempts(stats, sink, 1);
            await().until(() -> stats.delivered() == 3);
            pipeline.stop(Duration.ofSeconds(5));
            pipeline = null;
            List<JsonNode> lines = new ArrayList<>();
            for (String line : stderr.text().split("\\R")) {
                if (line.startsWith("{")) {
                    lines.add(new ObjectMapper().readTree(line));
                }
            }

            assertThat(lines).filteredOn(line -> line.get("formattedMessage").asText().startsWith("sink zabbix-main:"))
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(line -> assertThat(line.path("mdc").path("sink").asText()).isEqualTo("zabbix-main"));
            assertThat(lines).filteredOn(line -> line.get("formattedMessage").asText().startsWith("source billing:"))
                    .isNotEmpty()
                    .allSatisfy(line -> assertThat(line.path("mdc").path("source").asText()).isEqualTo("billing"));
        } finally {
            context.reset();
            new CourierLogConfigurator().configure(context);
        }
    }

    @Test
    void aRingThatRefusesSamplesWarnsWithTheCountsOfTheCollect() throws Exception {
        StuckSink stuck = new StuckSink();
        try (CapturedStderr stderr = new CapturedStderr()) {
            pipeline = Pipeline.create(MultiProducerBroadcastRing.create(16, 1 << 20),
                    new InMemoryDeliveryLedger(Clock.systemUTC(), 100),
                    List.of(new ScheduledSource(new ListSource("billing", run -> Samples.counters("billing", 100)),
                            Duration.ofHours(1))),
                    List.of(new SinkSpec(stuck, failures -> BACKOFF, 1 << 20)), Clock.systemUTC(), nanoClock);
            pipeline.start();
            SourceStats stats = pipeline.sourceStats().get("billing");
            await().until(() -> stats.runs() == 1 && stats.lastCollectEnded() != null);
            stuck.release();

            // The sink's thread may take a chunk into its backlog before it stops: at least two rings' worth refused.
            long refused = stats.lastCollectRefused();
            assertThat(refused).isBetween(68L, 84L);
            assertThat(lines(stderr.text(), "WARN", "ring full")).singleElement().asString()
                    .contains("source billing: ring full: refused " + refused
                            + " of 100 samples of its last collect; they are lost");
        }
    }

    /** 2,000 timers: seventeen fields each, two of them text ({@code duration_units}, {@code rate_units}). */
    private static String twoThousandTimers() {
        StringBuilder json = new StringBuilder("{\"version\":\"4.0.0\",\"gauges\":{},\"counters\":{},"
                + "\"histograms\":{},\"meters\":{},\"timers\":{");
        for (int i = 0; i < 2000; i++) {
            json.append(i == 0 ? "" : ",").append("\"requests.").append(i).append("\":{\"count\":500,\"max\":0.25,"
                    + "\"mean\":0.012,\"min\":0.001,\"p50\":0.01,\"p75\":0.014,\"p95\":0.03,\"p98\":0.05,\"p99\":0.08,"
                    + "\"p999\":0.2,\"stddev\":0.01,\"m15_rate\":1.2,\"m1_rate\":2.5,\"m5_rate\":1.8,\"mean_rate\":1.6,"
                    + "\"duration_units\":\"seconds\",\"rate_units\":\"calls/second\"}");
        }
        return json.append("}}").toString();
    }

    @Test
    void textThatGraphiteCannotStoreIsSaidOnceNotWarnedAboutPerBatch() throws Exception {
        Path metrics = dir.resolve("metrics.json");
        Files.writeString(metrics, twoThousandTimers());
        try (ServerSocket carbon = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             CapturedStderr stderr = new CapturedStderr()) {
            Thread drain = new Thread(() -> {
                try (Socket connection = carbon.accept(); InputStream in = connection.getInputStream()) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (java.io.IOException closed) {
                    // The test is over.
                }
            }, "carbon-drain");
            drain.setDaemon(true);
            drain.start();
            Path file = dir.resolve("courier.yaml");
            Files.writeString(file, """
                    data_dir: %s
                    sources:
                      - {name: app, type: dropwizard, file: %s, interval: 1h}
                    sinks:
                      - {name: graphite-main, type: graphite, server: "127.0.0.1:%d"}
                    """.formatted(dir.resolve("state"), metrics, carbon.getLocalPort()));
            CourierConfig config = CourierConfig.load(new YamlConfigParser(Map.of()), file);
            try (Courier courier = Courier.start(config)) {
                SourceStats source = courier.pipeline().sourceStats().get("app");
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    LedgerTotals totals = courier.pipeline().ledger().totals("graphite-main");
                    return source.runs() == 1 && source.accepted() > 0
                            && totals.accepted() + totals.rejected() == source.accepted();
                });
                LedgerTotals totals = courier.pipeline().ledger().totals("graphite-main");
                SinkStats sink = courier.pipeline().sinkStats().get("graphite-main");
                assertThat(totals.rejected()).as("the text values, recorded as rejected").isEqualTo(4000);
                assertThat(sink.batches()).as("more than one batch").isGreaterThan(1);
            }
            String log = stderr.text();

            assertThat(lines(log, "WARN", "graphite-main")).isEmpty();
            assertThat(lines(log, "INFO", "cannot store by design")).singleElement().asString()
                    .contains("sink graphite-main: skips what its destination cannot store by design")
                    .contains("text (Graphite stores numbers only)");
        }
    }
}
