package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.cli.SenderRuns.Run;
import dev.concierge.courier.app.send.SenderTlsOptions;
import dev.concierge.courier.app.send.ZabbixSend;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier send} and the real {@code zabbix_sender} 6.0 fed the same input, each against its own
 * in-process trapper: the same rows arrive, and both print the same summary and exit with the same code.
 */
class SendCommandTest {
    private static final long START = 1_717_171_717L;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsTheRealSender() {
        Assumptions.assumeTrue(SenderRuns.zabbixSenderInstalled(), "zabbix_sender is not installed");
    }

    /** Several hosts, the default host, every quoting rule, and more lines than one zabbix_sender batch. */
    private Path timestampedFile() throws IOException {
        StringBuilder text = new StringBuilder();
        String[] values = {"plain", "\"two words\"", "rest of the line, unquoted  ", "\"say \\\"hi\\\"\"",
            "\"C:\\\\temp\"", "\"line1\\nline2\"", "\"\"", "\u00fcn\u00efc\u00f6d\u00e9 \u2713"};
        for (int i = 0; i < 700; i++) {
            String host = i % 3 == 0 ? "-" : i % 3 == 1 ? "web-01" : "\"Linux DB3\"";
            String key = i % 5 == 0 ? "\"app.status[main, x]\"" : "app.key" + (i % 7);
            // Clocks go back and forth, so ordering by time changes the order on the wire.
            long clock = START + (i * 37L) % 101;
            text.append(host).append(' ').append(key).append(' ').append(clock).append(' ').append(i * 1000)
                    .append(' ').append(values[i % values.length]).append(i % 4 == 0 ? "\r\n" : "\n");
        }
        return Files.writeString(dir.resolve("timestamped.txt"), text, StandardCharsets.UTF_8);
    }

    private record Received(String host, String key, String value, long clock, int ns) {
        static Received of(Row row) {
            return new Received(row.host(), row.key(), row.value(), row.clock(), row.ns());
        }
    }

    private record Untimed(String host, String key, String value) {
        static Untimed of(Row row) {
            return new Untimed(row.host(), row.key(), row.value());
        }
    }

    private static String[] args(int port, String... rest) {
        List<String> all = new ArrayList<>(List.of("-z", "127.0.0.1", "-p", Integer.toString(port)));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    @Test
    void sendsTheSameTimestampedRowsAsZabbixSender() throws Exception {
        Path file = timestampedFile();
        try (ZabbixTrapperReceiver theirs = ZabbixTrapperReceiver.create();
             ZabbixTrapperReceiver ours = ZabbixTrapperReceiver.create()) {
            Run reference = SenderRuns.zabbixSender(args(theirs.port(), "-s", "default host", "-T", "-N", "-i",
                    file.toString()));
            Run run = SenderRuns.courierSend(args(ours.port(), "-s", "default host", "-T", "-N", "-i",
                    file.toString()));

            assertThat(reference.exitCode()).as(reference.out()).isZero();
            assertThat(run.exitCode()).as(run.out()).isZero();
            assertThat(run.summary()).isEqualTo(reference.summary()).isEqualTo("sent: 700; skipped: 0; total: 700");
            assertThat(run.processed()).isEqualTo(reference.processed()).isEqualTo(700);
            assertThat(ours.rows()).map(Received::of)
                    .containsExactlyInAnyOrderElementsOf(theirs.rows().stream().map(Received::of).toList());
            assertThat(run.servers()).containsOnly("127.0.0.1:" + ours.port());
        }
    }

    @Test
    void sendsEachRequestForOneHostOrderedByTime() throws Exception {
        Path file = timestampedFile();
        try (ZabbixTrapperReceiver ours = ZabbixTrapperReceiver.create()) {
            Run run = SenderRuns.courierSend(args(ours.port(), "-s", "default host", "-T", "-N",
                    "--rows-per-request", "50", "-i", file.toString()));

            assertThat(run.exitCode()).as(run.out()).isZero();
            for (ZabbixTrapperReceiver.Exchange exchange : ours.exchanges()) {
                List<Row> rows = exchange.request().rows();
                assertThat(rows).hasSizeLessThanOrEqualTo(50);
                assertThat(rows).map(Row::host).containsOnly(rows.get(0).host());
                assertThat(rows).isSortedAccordingTo((a, b) -> a.clock() != b.clock()
                        ? Long.compare(a.clock(), b.clock()) : Integer.compare(a.ns(), b.ns()));
            }
        }
    }

    @Test
    void sendsTheSameValuesWithoutTimestamps() throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"),
                "h1 k1 v1\n- k2 \"quoted \\\"x\\\" \\\\ \\n end\"\nh1 k3 rest of line  \n\"h 2\" k1 \"\"\n");
        try (ZabbixTrapperReceiver theirs = ZabbixTrapperReceiver.create();
             ZabbixTrapperReceiver ours = ZabbixTrapperReceiver.create()) {
            Run reference = SenderRuns.zabbixSender(args(theirs.port(), "-s", "myhost", "-i", file.toString()));
            Run run = SenderRuns.courierSend(args(ours.port(), "-s", "myhost", "-i", file.toString()));

            assertThat(run.exitCode()).isEqualTo(reference.exitCode()).isZero();
            assertThat(run.summary()).isEqualTo(reference.summary()).isEqualTo("sent: 4; skipped: 0; total: 4");
            assertThat(ours.rows()).map(Untimed::of)
                    .containsExactlyInAnyOrderElementsOf(theirs.rows().stream().map(Untimed::of).toList());
        }
    }

    @Test
    void sendsOneValueFromTheCommandLine() throws Exception {
        try (ZabbixTrapperReceiver theirs = ZabbixTrapperReceiver.create();
             ZabbixTrapperReceiver ours = ZabbixTrapperReceiver.create()) {
            Run reference = SenderRuns.zabbixSender(args(theirs.port(), "-s", "web 01", "-k", "app.x", "-o", "-5"));
            Run run = SenderRuns.courierSend(args(ours.port(), "-s", "web 01", "-k", "app.x", "-o", "-5"));

            assertThat(run.exitCode()).isEqualTo(reference.exitCode()).isZero();
            assertThat(withoutSeconds(run.out())).isEqualTo(withoutSeconds(reference.out())
                    .replace(Integer.toString(theirs.port()), Integer.toString(ours.port())));
            assertThat(ours.rows()).map(Untimed::of).containsExactly(new Untimed("web 01", "app.x", "-5"));
        }
    }

    @Test
    void failedValuesGiveExitCodeTwoAndTheSameCountsAsZabbixSender() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            text.append("web-01 ").append(i % 10 == 0 ? "unknown.key" : "app.key" + i % 3).append(' ')
                    .append(START + i).append(' ').append(i).append('\n');
        }
        Path file = Files.writeString(dir.resolve("unknown.txt"), text);
        try (ZabbixTrapperReceiver theirs = ZabbixTrapperReceiver.create(0, k -> !k.startsWith("unknown"), (r, p) -> { });
             ZabbixTrapperReceiver ours = ZabbixTrapperReceiver.create(0, k -> !k.startsWith("unknown"), (r, p) -> { })) {
            Run reference = SenderRuns.zabbixSender(args(theirs.port(), "-T", "-i", file.toString()));
            Run run = SenderRuns.courierSend(args(ours.port(), "-T", "-i", file.toString()));

            assertThat(run.exitCode()).isEqualTo(reference.exitCode()).isEqualTo(2);
            assertThat(run.summary()).isEqualTo(reference.summary()).isEqualTo("sent: 600; skipped: 0; total: 600");
            assertThat(run.processed()).isEqualTo(reference.processed()).isEqualTo(540);
            assertThat(run.failed()).isEqualTo(reference.failed()).isEqualTo(60);
        }
    }

    @Test
    void aDeadServerGivesExitCodeOneForBoth() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        Path file = Files.writeString(dir.resolve("one.txt"), "h1 k1 v1\n");

        Run reference = SenderRuns.zabbixSender(args(deadPort, "-i", file.toString()));
        Run run = SenderRuns.courierSend(args(deadPort, "-i", file.toString()));

        assertThat(run.exitCode()).isEqualTo(reference.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo(reference.out()).isEqualTo("Sending failed. Use option -vv for more detailed output.\n");
    }

    @Test
    void aMalformedLineStopsBothWithTheSameMessage() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.txt"), "h1 k1 v1\nh1 k2 v2\nh1 k3\nh1 k4 v4\n");
        Path badClock = Files.writeString(dir.resolve("bad-clock.txt"), "h1 k1 17 v1\nh1 k2 x v2\n");
        try (ZabbixTrapperReceiver theirs = ZabbixTrapperReceiver.create();
             ZabbixTrapperReceiver ours = ZabbixTrapperReceiver.create()) {
            for (String[] options : List.of(new String[] {"-i", file.toString()},
                    new String[] {"-v", "-T", "-i", badClock.toString()},
                    new String[] {"-T", "-i", badClock.toString()})) {
                Run reference = SenderRuns.zabbixSender(args(theirs.port(), options));
                Run run = SenderRuns.courierSend(args(ours.port(), options));

                assertThat(run.exitCode()).as(run.out()).isEqualTo(reference.exitCode()).isEqualTo(1);
                assertThat(run.logLines()).isEqualTo(reference.logLines());
                assertThat(run.summary()).isEqualTo(reference.summary());
            }
            assertThat(SenderRuns.courierSend(args(ours.port(), "-i", file.toString())).logLines())
                    .containsExactly("ERROR: [line 3] 'Key value' required");
            assertThat(ours.rows()).isEmpty();
        }
    }

    @Test
    void readsStandardInputAndTheAgentConfiguration() throws Exception {
        try (ZabbixTrapperReceiver ours = ZabbixTrapperReceiver.create()) {
            Path config = Files.writeString(dir.resolve("zabbix_agentd.conf"), "# agent\nServer=192.0.2.1\n"
                    + "ServerActive = 127.0.0.1:" + ours.port() + "\nHostname=cfg host,other\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = new ZabbixSend(new ByteArrayInputStream("- k1 v1\nh2 k2 v2\n".getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                    .run(mode(config, null, "-", false));

            assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("Response from \"127.0.0.1:" + ours.port() + "\"")
                    .endsWith("sent: 2; skipped: 0; total: 2\n");
            assertThat(ours.rows()).map(Untimed::of)
                    .containsExactlyInAnyOrder(new Untimed("cfg host", "k1", "v1"), new Untimed("h2", "k2", "v2"));
        }
    }

    @Test
    void realTimeSendsLinesAsTheyArriveOnStandardInput() throws Exception {
        try (ZabbixTrapperReceiver ours = ZabbixTrapperReceiver.create();
             PipedOutputStream feed = new PipedOutputStream();
             PipedInputStream stdin = new PipedInputStream(feed)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> new ZabbixSend(stdin,
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err)
                    .run(mode(null, "127.0.0.1:" + ours.port(), "-", true)));

            feed.write("h1 k1 first\n".getBytes(StandardCharsets.UTF_8));
            feed.flush();
            // Sent while standard input is still open: nothing more arrived within 0.2 s.
            await().atMost(Duration.ofSeconds(30)).until(() -> ours.rows().size() == 1);
            feed.write("h1 k1 second\n".getBytes(StandardCharsets.UTF_8));
            feed.flush();
            await().atMost(Duration.ofSeconds(30)).until(() -> ours.rows().size() == 2);
            feed.close();

            assertThat(code.get(30, TimeUnit.SECONDS)).isZero();
            assertThat(ours.rows()).map(Row::value).containsExactly("first", "second");
            assertThat(ours.exchanges()).hasSize(2);
            assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("sent: 2; skipped: 0; total: 2\n");
        }
    }

    @Test
    void refusesWhatZabbixSenderRefuses() {
        assertThat(CommandOutput.run("send", "-k", "k", "-o", "v", "-s", "h").exitCode()).isEqualTo(1);
        assertThat(CommandOutput.run("send", "-z", "127.0.0.1", "-k", "k", "-o", "v").err())
                .contains("too few or mutually exclusive options used");
        assertThat(CommandOutput.run("send", "-z", "127.0.0.1", "-t", "301", "-i", "x").err())
                .contains("Invalid timeout, valid range 1:300 seconds");
        assertThat(CommandOutput.run("send", "-z", "127.0.0.1", "-N", "-i", "x").exitCode()).isEqualTo(1);
        assertThat(CommandOutput.run("send", "--no-such-option").exitCode()).isEqualTo(1);
    }

    private static String withoutSeconds(String out) {
        return out.replaceAll("seconds spent: [0-9.]+", "seconds spent: S");
    }

    private static ZabbixSend.Mode mode(Path config, String server, String input, boolean realTime) {
        return new ZabbixSend.Mode(config, server, null, null, null, null, input, false, false, realTime, null, 0,
                1000, 4, "auto", SenderTlsOptions.NONE);
    }
}
