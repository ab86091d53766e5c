package dev.concierge.courier.sinks.zabbix.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byte compatibility with the reference sender, {@code zabbix_sender} 6.0 from Debian's zabbix-agent
 * package (PEERS.md). Skipped only where the binary is absent.
 */
class ZabbixSenderCompatibilityTest {

    private static final Path ZABBIX_SENDER = Path.of("/usr/bin/zabbix_sender");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsTheRealSender() {
        Assumptions.assumeTrue(Files.isExecutable(ZABBIX_SENDER), "zabbix_sender is not installed");
    }

    /** Samples whose keys and values exercise quoting, escapes, UTF-8 and exact integers; in time order. */
    private static List<Sample> samples() {
        return List.of(
                new Sample("app.requests", Labels.empty(), MetricType.TIMER, "p99", SampleValue.of(0.25),
                        1_717_171_717L, 120_000_000, "web-01", "app"),
                new Sample("http_requests", Labels.of("path", "/a,b", "code", "200"), MetricType.COUNTER, null,
                        SampleValue.of(9_007_199_254_740_993L), 1_717_171_717L, 120_000_001, "web-01", "app"),
                new Sample("build", Labels.of("q", "say \"hi\""), MetricType.GAUGE, "info",
                        SampleValue.of("v1.2 \"rc\" back\\slash\nsecond line, \u00fcn\u00efc\u00f6d\u00e9 \u2713"),
                        1_717_171_718L, 0, "Linux DB3", "app"),
                new Sample("jobs.active", Labels.empty(), MetricType.COUNTER, null, SampleValue.of(-3L),
                        1_717_171_719L, 999_999_999, "web-01", "app"));
    }

    private static List<Row> rows() {
        return samples().stream().map(s -> Row.of(s, null)).toList();
    }

    /** One input line per row, {@code -T -N} layout, every text field quoted (PROTOCOLS.md §1.7). */
    private Path inputFile(List<Row> rows) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Row row : rows) {
            text.append(quote(row.host())).append(' ').append(quote(row.key())).append(' ')
                    .append(row.clock()).append(' ').append(row.ns()).append(' ').append(quote(row.value())).append('\n');
        }
        Path file = dir.resolve("values.txt");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static String quote(String field) {
        return '"' + field.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    private record Run(int exitCode, String output) {
    }

    private Run zabbixSender(int port, Path input) throws Exception {
        Process p = new ProcessBuilder(ZABBIX_SENDER.toString(), "-z", "127.0.0.1", "-p", Integer.toString(port),
                "-T", "-N", "-i", input.toString())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("zabbix_sender finished").isTrue();
        return new Run(p.exitValue(), output);
    }

    @Test
    void ourRequestCarriesTheSameRowsAndBytesAsZabbixSender() throws Exception {
        List<Row> rows = rows();
        byte[] captured;
        try (ScriptedTrapper capture = new ScriptedTrapper(request -> ScriptedTrapper.success(4, 0, 4))) {
            Run run = zabbixSender(capture.port(), inputFile(rows));
            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(capture.frames()).hasSize(1);
            captured = capture.frames().get(0);
        }

        // Their frame through our decoder: the same rows, field for field.
        EmbeddedChannel decoder = new EmbeddedChannel(new ZabbixFrameDecoder());
        decoder.writeInbound(Unpooled.wrappedBuffer(captured));
        ZabbixFrame frame = decoder.readInbound();
        byte[] theirJson = ByteBufUtil.getBytes(frame.content());
        frame.release();
        assertThat(frame.compressed()).isFalse();
        ZabbixSenderRequest theirs = ZabbixSenderRequest.parse(theirJson, Instant.EPOCH);
        assertThat(theirs.rows()).containsExactlyElementsOf(rows);

        // Ours for the same rows, stamped with their send time: the same frame, byte for byte.
        ZabbixSenderRequest ours = ZabbixSenderRequest.of(rows, Instant.ofEpochSecond(theirs.clock(), theirs.ns()));
        EmbeddedChannel encoder = new EmbeddedChannel(new ZabbixFrameEncoder());
        encoder.writeOutbound(Unpooled.wrappedBuffer(ours.toJson()));
        ByteBuf ourFrame = encoder.readOutbound();
        assertThat(new String(ours.toJson(), StandardCharsets.UTF_8))
                .isEqualTo(new String(theirJson, StandardCharsets.UTF_8));
        assertThat(ByteBufUtil.getBytes(ourFrame)).isEqualTo(captured);
        ourFrame.release();
    }

    @Test
    void zabbixSenderGetsProcessedCountsFromOurReceiverAndExitsZero() throws Exception {
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Run run = zabbixSender(receiver.port(), inputFile(rows()));

            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(run.output()).contains("processed: 4; failed: 0; total: 4").contains("sent: 4; skipped: 0");
            assertThat(receiver.rows()).containsExactlyElementsOf(rows());
        }
    }

    @Test
    void zabbixSenderExitsTwoWhenOurReceiverFailsAKey() throws Exception {
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create(0, key -> !key.startsWith("gauge["),
                (row, processed) -> { })) {
            Run run = zabbixSender(receiver.port(), inputFile(rows()));

            assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
            assertThat(run.output()).contains("processed: 3; failed: 1; total: 4");
        }
    }
}
