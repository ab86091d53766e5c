package dev.concierge.courier.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.pipeline.SourceStats;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.sinks.zabbix.ZabbixSink;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig;
import dev.concierge.courier.sinks.zabbix.client.ZabbixKeys;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import dev.concierge.courier.sources.dropwizard.DropwizardConfig;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Dropwizard file that is first truncated, then far over the size cap, then valid: the pipeline counts
 * the two bad collects with messages that say what was wrong, keeps its schedule, and delivers the valid
 * document's values.
 */
class DropwizardBadInputTest {
    private static final String HOST = "courier-e2e-bad-input";
    private static final long FIFTY_MEGABYTES = 50L * 1000 * 1000;

    @TempDir
    Path dir;

    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
    private ZabbixTrapperReceiver receiver;
    private GatedSource source;
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (source != null) {
            source.finish();
        }
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(2));
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void keepsRunningThroughATruncatedAndAnOversizedDocumentAndDeliversTheNextValidOne() throws Exception {
        byte[] valid = MetricsDocuments.write(MetricsDocuments.everyKind());
        Path file = dir.resolve("metrics.json");
        DropwizardConfig config = DropwizardConfig.ofFile("dropwizard", file).withHost(HOST);
        assertThat(config.maxBytes()).isEqualTo(16L * 1024 * 1024);
        source = new GatedSource(DropwizardJsonSource.create(config));
        receiver = ZabbixTrapperReceiver.create();
        start();
        SourceStats stats = pipeline.sourceStats().get("dropwizard");

        byte[] truncated = Arrays.copyOf(valid, valid.length / 2);
        Files.write(file, truncated);
        source.allow(1);
        await("the truncated document's failure").until(() -> stats.failures() == 1 && stats.lastError() != null);
        assertThat(stats.lastError()).isEqualTo(file + ": malformed Dropwizard JSON at line " + lines(truncated)
                + ", column " + (lastLineLength(truncated) + 1) + ": unexpected end of input (truncated document?)");

        writeOversized(file, valid);
        source.allow(1);
        await("the oversized document's failure").until(() -> stats.failures() == 2
                && stats.lastError() != null && stats.lastError().contains("cap"));
        assertThat(stats.lastError()).isEqualTo(file + ": file exceeds 16MiB cap (size: " + FIFTY_MEGABYTES + ")");

        Files.write(file, valid);
        List<Sample> expected;
        try (DropwizardJsonSource reference = DropwizardJsonSource.create(config)) {
            expected = MetricsDocuments.collectOnce(reference);
        }
        source.allow(1);
        await("the valid document's delivery").until(() -> stats.lastError() == null
                && ledger.totals("zabbix").accepted() == expected.size());

        assertThat(stats.failures()).isEqualTo(2);
        assertThat(source.collects()).isEqualTo(3);
        assertThat(stats.runs()).isGreaterThanOrEqualTo(3);
        assertThat(stats.accepted()).isEqualTo(expected.size());
        assertThat(pipeline.sinkStats().get("zabbix").delivered()).isEqualTo(expected.size());
        List<Row> received = receiver.rows();
        assertThat(received).extracting(Row::host).containsOnly(HOST);
        assertThat(received).extracting(row -> Map.entry(row.key(), row.value()))
                .containsExactlyInAnyOrderElementsOf(expected.stream()
                        .map(sample -> Map.entry(ZabbixKeys.render(sample), sample.value().render())).toList());
        // One collect, one timestamp: the rows are that collect's and no other's.
        assertThat(received).extracting(row -> List.of(row.clock(), (long) row.ns())).containsOnly(
                List.of(source.accepted().get(0).epochSecond(), (long) source.accepted().get(0).nanos()));
    }

    private void start() {
        ZabbixSink sink = ZabbixSink.create(ZabbixSinkConfig.of("zabbix", "127.0.0.1", receiver.port()));
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(source, Duration.ofMillis(100))),
                List.of(new SinkSpec(sink, FullJitterBackoff.of(Duration.ofMillis(10), Duration.ofMillis(100), 2),
                        1 << 20)),
                Clock.systemUTC());
        pipeline.start();
    }

    /** A valid document padded with trailing whitespace to 50 MB: well-formed, but over the cap. */
    private static void writeOversized(Path file, byte[] valid) throws IOException {
        byte[] spaces = new byte[1 << 20];
        Arrays.fill(spaces, (byte) ' ');
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(valid);
            long left = FIFTY_MEGABYTES - valid.length;
            while (left > 0) {
                int chunk = (int) Math.min(spaces.length, left);
                out.write(spaces, 0, chunk);
                left -= chunk;
            }
        }
        assertThat(Files.size(file)).isEqualTo(FIFTY_MEGABYTES);
    }

    private static int lines(byte[] text) {
        int lines = 1;
        for (byte b : text) {
            lines += b == '\n' ? 1 : 0;
        }
        return lines;
    }

    private static int lastLineLength(byte[] text) {
        String s = new String(text, StandardCharsets.UTF_8);
        return s.length() - s.lastIndexOf('\n') - 1;
    }
}
