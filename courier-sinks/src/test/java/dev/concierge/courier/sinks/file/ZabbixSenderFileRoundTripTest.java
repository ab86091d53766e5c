package dev.concierge.courier.sinks.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer.ValueType;
import dev.concierge.courier.sinks.zabbix.client.ZabbixKeys;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the file sink writes, fed to the reference reader: {@code zabbix_sender -T -N -i} 6.0 from Debian's
 * zabbix-agent package (PEERS.md), first against the in-process trapper, which records every row exactly,
 * then against a real Zabbix 6.0 server, which stores every value in its history.
 */
class ZabbixSenderFileRoundTripTest {
    private static final Path ZABBIX_SENDER = Path.of("/usr/bin/zabbix_sender");
    // The history syncer writes within a second or two; a busy 2-core machine needs more.
    private static final Duration HISTORY_WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @BeforeAll
    static void needsTheRealSender() {
        Assumptions.assumeTrue(Files.isExecutable(ZABBIX_SENDER), "zabbix_sender is not installed");
    }

    private static Sample sample(String name, Labels labels, MetricType type, SampleValue value, Instant at,
                                 String host) {
        return new Sample(name, labels, type, null, value, at.getEpochSecond(), at.getNano(), host, "app");
    }

    /** Values and keys that exercise every quoting rule, plus enough plain rows for two sender connections. */
    private static List<Sample> trickySamples(Instant start) {
        List<Sample> samples = new ArrayList<>();
        String[] texts = {
            "plain", "two words", " leading and trailing ", "tab\tinside", "say \"hi\"", "\"starts with a quote",
            "back\\slash", "C:\\temp\\new", "ends with backslash\\", "line1\nline2\n", "carriage\rreturn\r", "",
            "\u00fcn\u00efc\u00f6d\u00e9 \u2713 \uD83D\uDE80", "\\\"", "\"",
        };
        for (int i = 0; i < texts.length; i++) {
            samples.add(sample("text" + i, Labels.empty(), MetricType.GAUGE, SampleValue.of(texts[i]),
                    start.plusNanos(i), i % 2 == 0 ? "web-01" : "Linux DB3"));
        }
        samples.add(sample("quoted.key", Labels.of("q", "say \"hi\"", "path", "/a,b c"), MetricType.GAUGE,
                SampleValue.of("v"), start.plusNanos(100), "web-01"));
        samples.add(sample("huge", Labels.empty(), MetricType.COUNTER, SampleValue.of(Long.MAX_VALUE),
                start.plusNanos(101), "web-01"));
        samples.add(sample("exact", Labels.empty(), MetricType.COUNTER, SampleValue.of(9_007_199_254_740_993L),
                start.plusNanos(102), "web-01"));
        samples.add(sample("negative", Labels.empty(), MetricType.GAUGE, SampleValue.of(-3L), start.plusNanos(103),
                "web-01"));
        samples.add(sample("quarter", Labels.empty(), MetricType.GAUGE, SampleValue.of(0.25), start.plusNanos(104),
                "web-01"));
        samples.add(sample("decimal", Labels.empty(), MetricType.GAUGE, SampleValue.of(-1234.5678),
                start.plusNanos(105), "web-01"));
        return samples;
    }

    private static Row rowOf(Sample sample, String host) {
        return new Row(host != null ? host : sample.host(), ZabbixKeys.render(sample), sample.value().render(),
                sample.epochSecond(), sample.nanos());
    }

    private Path writeWithTheSink(FileSinkConfig config, List<Sample> samples) throws Exception {
        try (FileSink sink = FileSink.create(config)) {
            DeliveryOutcome outcome = sink.send(new Batch(1, samples)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        }
        return config.path();
    }

    private record Run(int exitCode, String output) {
    }

    private static Run zabbixSender(int port, Path input) throws Exception {
        Process p = new ProcessBuilder(ZABBIX_SENDER.toString(), "-z", "127.0.0.1", "-p", Integer.toString(port),
                "-T", "-N", "-i", input.toString())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("zabbix_sender finished").isTrue();
        return new Run(p.exitValue(), output);
    }

    @Test
    void zabbixSenderReadsBackEveryRowExactly() throws Exception {
        Instant start = Instant.ofEpochSecond(1_717_171_717L, 5);
        List<Sample> samples = new ArrayList<>(trickySamples(start));
        for (int i = 0; i < 300; i++) {
            samples.add(sample("plain", Labels.of("i", Integer.toString(i)), MetricType.COUNTER, SampleValue.of(i),
                    start.plusSeconds(1 + i), "web-01"));
        }
        Path file = writeWithTheSink(FileSinkConfig.of("f", dir.resolve("values.txt")), samples);

        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Run run = zabbixSender(receiver.port(), file);

            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(run.output()).contains("sent: " + samples.size() + "; skipped: 0; total: " + samples.size());
            assertThat(receiver.rows()).containsExactlyElementsOf(samples.stream().map(s -> rowOf(s, null)).toList());
        }
    }

    @Test
    void zabbixSenderReadsBackEveryRowForTheConfiguredHost() throws Exception {
        List<Sample> samples = trickySamples(Instant.ofEpochSecond(1_717_171_717L, 999_999_000));
        Path file = writeWithTheSink(FileSinkConfig.of("f", dir.resolve("values.txt")).withHost("db \"7\""), samples);

        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Run run = zabbixSender(receiver.port(), file);

            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(receiver.rows())
                    .containsExactlyElementsOf(samples.stream().map(s -> rowOf(s, "db \"7\"")).toList());
        }
    }

    @Test
    void everyValueLandsInARealZabbixServersHistory() throws Exception {
        RealZabbixServer zabbix = RealZabbixServer.shared();
        String host = "courier-file-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        Instant now = Instant.now();
        List<Sample> samples = trickySamples(Instant.ofEpochSecond(now.getEpochSecond(), 0));
        String hostId = zabbix.createHost(host);
        for (Sample sample : samples) {
            zabbix.createTrapperItem(hostId, ZabbixKeys.render(sample), valueTypeOf(sample.value()));
        }
        zabbix.reloadConfigCache();
        Path file = writeWithTheSink(FileSinkConfig.of("f", dir.resolve("values.txt")).withHost(host), samples);

        Run run = zabbixSender(zabbix.trapperPort(), file);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("processed: " + samples.size() + "; failed: 0");
        for (Sample sample : samples) {
            String key = ZabbixKeys.render(sample);
            await(key).atMost(HISTORY_WAIT).until(() -> !zabbix.historyValues(host, key).isEmpty());
            assertThat(zabbix.historyValues(host, key)).as(key).containsExactly(sample.value().render());
        }
    }

    private static ValueType valueTypeOf(SampleValue value) {
        if (value instanceof SampleValue.Text) {
            return ValueType.TEXT;
        }
        if (value instanceof SampleValue.Integer i && i.value() >= 0) {
            return ValueType.UNSIGNED;
        }
        return ValueType.FLOAT;
    }
}
