package dev.concierge.courier.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.concierge.courier.app.CourierMain;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite: an operator's worst days, each played with real courier processes. A courier collects from a
 * metrics target while its Zabbix server is down, is killed with SIGKILL (kill -9), has its data directory
 * damaged or its disk filled, and is started again against a server that is up. For each scenario it reports
 * one row: values the target served, values the courier accepted, values delivered (distinct), lost and
 * recorded as {@code DROPPED} in the ledger, lost without a record, duplicated, and how long the restarted
 * courier took to deliver what it still owed. The promise under test: nothing lost without a record.
 *
 * <p>The table is printed and written to {@code target/fault-suite.md}; README's "What the courier guarantees"
 * quotes a run of it. Every kill comes after the courier has moved every accepted value from its ring into the
 * sink's backlog (so the ring window, a separate measure, is not part of these numbers).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultSuiteTest {
    private static final int SERIES = 200;
    private static final int SCRAPES = 5;
    private static final List<String> TABLE = Collections.synchronizedList(new ArrayList<>());
    private static final Pattern ADMIN = Pattern.compile("admin endpoint on http://([0-9.]+:[0-9]+)/");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path dir;

    private Path dataDir;
    private Target target;
    private Path mounted;

    @AfterEach
    void stopEverything() throws Exception {
        for (Process process : started) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        if (target != null) {
            target.server.stop(0);
        }
        if (mounted != null) {
            new ProcessBuilder("umount", mounted.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void printTable() throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "| scenario | served | accepted | delivered | lost, recorded | lost, unrecorded | duplicated | recovery |",
                "|---|---:|---:|---:|---:|---:|---:|---:|"));
        synchronized (TABLE) {
            lines.addAll(TABLE.stream().sorted().toList());
        }
        String table = String.join(System.lineSeparator(), lines);
        System.out.println(table);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("fault-suite.md"), table + System.lineSeparator());
        }
    }

    // ---------------------------------------------------------------- the scenarios

    @Test
    void killMinus9DuringAnOutage() throws Exception {
        Outage outage = collectDuringAnOutage("64MiB");
        outage.kill();

        Result result = restartAndDeliver("kill -9 during an outage", outage);

        assertThat(result.recorded()).isZero();
        assertThat(result.delivered()).isEqualTo(outage.accepted);
    }

    @Test
    void outagePastTheBacklogBudget() throws Exception {
        Outage outage = collectDuringAnOutage("16KiB");
        outage.kill();

        Result result = restartAndDeliver("outage past the budget (16 KiB backlog)", outage);

        assertThat(result.recorded()).isPositive();
    }

    @Test
    void segmentTruncatedWhileStopped() throws Exception {
        Outage outage = collectDuringAnOutage("64MiB");
        outage.kill();
        Path segment = onlySegment();
        long size = Files.size(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(size * 6 / 10);
        }

        Result result = restartAndDeliver("segment truncated to 60 %", outage);

        assertThat(result.recorded()).isPositive();
        assertThat(result.log()).contains("WARN").contains(segment.toString());
    }

    @Test
    void segmentDeletedWhileStopped() throws Exception {
        Outage outage = collectDuringAnOutage("64MiB");
        outage.kill();
        Path segment = onlySegment();
        Files.delete(segment);

        Result result = restartAndDeliver("segment deleted", outage);

        assertThat(result.recorded()).isEqualTo(outage.accepted);
        assertThat(result.log()).contains("WARN").contains("segment missing").contains(segment.toString());
    }

    @Test
    void byteFlippedInTheMiddleOfASegment() throws Exception {
        Outage outage = collectDuringAnOutage("64MiB");
        outage.kill();
        Path segment = onlySegment();
        flipByte(segment, Files.size(segment) / 2);

        Result result = restartAndDeliver("one byte flipped mid-segment", outage);

        assertThat(result.recorded()).as("one record lost, not the rest of its segment").isEqualTo(1);
        assertThat(result.log()).contains("WARN").contains("segment damaged").contains(segment.toString());
    }

    @Test
    void cursorMovedAhead() throws Exception {
        Outage outage = collectDuringAnOutage("64MiB");
        outage.kill();
        writeCursor(dataDir.resolve("zabbix").resolve("cursor"), outage.accepted / 2);

        Result result = restartAndDeliver("cursor moved ahead", outage);

        assertThat(result.recorded()).isZero();
        assertThat(result.delivered()).isEqualTo(outage.accepted);
        assertThat(result.log()).contains("WARN").contains("it was moved or damaged");
    }

    @Test
    void fullDiskThenKillMinus9() throws Exception {
        mounted = Files.createDirectory(dir.resolve("disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mounted.toString())
                .redirectErrorStream(true).start();
        boolean mountedOk = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
        if (!mountedOk) {
            mounted = null;
        }
        Assumptions.assumeTrue(mountedOk, "a tmpfs can be mounted here (root); the same path is covered in core by"
                + " FullDiskCrashTest (a child process killed while a fault-injecting channel reports a full disk)");
        dataDir = mounted.resolve("state");

        Outage outage = collectDuringAnOutage("64MiB", 1000, 8, "new samples stay in memory");
        outage.kill();
        Process remount = new ProcessBuilder("mount", "-o", "remount,size=64m", mounted.toString())
                .redirectErrorStream(true).start();
        assertThat(remount.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(remount.exitValue()).isZero();

        Result result = restartAndDeliver("disk full (1 MiB tmpfs), then kill -9", outage);

        assertThat(result.recorded()).isPositive();
        assertThat(result.log()).contains("lost in a crash");
    }

    // ---------------------------------------------------------------- phases

    /** What the first courier accepted before it was killed. */
    private final class Outage {
        final Process courier;
        final String admin;
        final long served;
        final long accepted;

        Outage(Process courier, String admin, long served, long accepted) {
            this.courier = courier;
            this.admin = admin;
            this.served = served;
            this.accepted = accepted;
        }

        void kill() throws InterruptedException {
            courier.destroyForcibly();
            assertThat(courier.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(courier.exitValue()).isEqualTo(137);
        }
    }

    record Result(long delivered, long recorded, String log) {
    }

    private Outage collectDuringAnOutage(String backlogSize) throws Exception {
        return collectDuringAnOutage(backlogSize, SERIES, SCRAPES, null);
    }

    /**
     * Starts a courier whose Zabbix server is down, lets the target serve {@code scrapes} scrapes of
     * {@code series} values (after {@code logLine} appears in the log, when it is given), then stops serving and
     * waits until every accepted value has left the ring for the sink's backlog.
     */
    private Outage collectDuringAnOutage(String backlogSize, int series, int scrapes, String logLine) throws Exception {
        if (dataDir == null) {
            dataDir = dir.resolve("state");
        }
        target = Target.start(series);
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = probe.getLocalPort();
        }
        Process courier = start("first", deadPort, backlogSize);
        String admin = awaitAdmin("first");
        if (logLine != null) {
            await().atMost(Duration.ofSeconds(30)).until(() -> log("first").contains(logLine));
        }
        int until = target.scrapes.get() + scrapes;
        await().atMost(Duration.ofSeconds(30)).until(() -> target.scrapes.get() >= until);
        target.serving = false;
        // Collects never overlap: two failed ones after serving stopped mean no successful one is still in flight.
        long failedBefore = status(admin).path("sources").get(0).path("failures").asLong();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                status(admin).path("sources").get(0).path("failures").asLong() >= failedBefore + 2);
        long[] accepted = new long[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonNode status = status(admin);
            long sourceAccepted = status.path("sources").get(0).path("accepted").asLong();
            long sinkReceived = status.path("sinks").get(0).path("received").asLong();
            accepted[0] = sourceAccepted;
            return sourceAccepted > 0 && sourceAccepted == sinkReceived;
        });
        return new Outage(courier, admin, (long) target.scrapes.get() * series, accepted[0]);
    }

    /**
     * Starts a second courier on the same data directory against a Zabbix server that is up, waits until it owes
     * nothing, stops it, and adds the scenario's row to the table.
     */
    private Result restartAndDeliver(String scenario, Outage outage) throws Exception {
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            long startedAt = System.nanoTime();
            Process courier = start("second", receiver.port(), "64MiB");
            String admin = awaitAdmin("second");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                JsonNode sink = status(admin).path("sinks").get(0);
                return sink.path("pending").asLong(-1) == 0;
            });
            Duration recovery = Duration.ofNanos(System.nanoTime() - startedAt);
            courier.destroy();
            assertThat(courier.waitFor(20, TimeUnit.SECONDS)).isTrue();

            List<Row> rows = receiver.rows();
            long distinct = rows.stream().map(r -> r.key() + "@" + r.clock() + "." + r.ns()).distinct().count();
            long recorded;
            try (FileDeliveryLedger ledger = FileDeliveryLedger.open(dataDir, Clock.systemUTC())) {
                recorded = ledger.totals("zabbix").dropped();
            }
            long unrecorded = outage.accepted - distinct - recorded;
            TABLE.add("| %s | %d | %d | %d | %d | %d | %d | %.1f s |".formatted(scenario, outage.served,
                    outage.accepted, distinct, recorded, unrecorded, rows.size() - distinct,
                    recovery.toMillis() / 1000.0));
            String log = log("first") + log("second");
            assertThat(unrecorded).as("values lost without a record; log:%n%s", log).isZero();
            assertThat(distinct + recorded).as("delivered and recorded cannot exceed what was accepted")
                    .isLessThanOrEqualTo(outage.accepted);
            return new Result(distinct, recorded, log);
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** A Dropwizard metrics endpoint serving {@code series} counters, counting the scrapes it answered. */
    private static final class Target {
        final HttpServer server;
        final AtomicInteger scrapes = new AtomicInteger();
        volatile boolean serving = true;

        private Target(HttpServer server) {
            this.server = server;
        }

        static Target start(int series) throws IOException {
            StringBuilder counters = new StringBuilder();
            for (int i = 0; i < series; i++) {
                counters.append(i == 0 ? "" : ",").append("\"c").append(i).append("\":{\"count\":").append(i).append('}');
            }
            byte[] body = ("{\"version\":\"4.0.0\",\"gauges\":{},\"counters\":{" + counters
                    + "},\"histograms\":{},\"meters\":{},\"timers\":{}}").getBytes(StandardCharsets.UTF_8);
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            Target target = new Target(server);
            server.createContext("/metrics", exchange -> {
                if (target.serving) {
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    target.scrapes.incrementAndGet();
                } else {
                    exchange.sendResponseHeaders(503, -1);
                }
                exchange.close();
            });
            server.start();
            return target;
        }

        int port() {
            return server.getAddress().getPort();
        }
    }

    private Process start(String name, int zabbixPort, String backlogSize) throws IOException {
        Path config = Files.writeString(dir.resolve(name + ".yaml"), """
                data_dir: %s
                admin:
                  listen: 127.0.0.1:0
                sources:
                  - {name: app, type: dropwizard, url: "http://127.0.0.1:%d/metrics", interval: 100ms, timeout: 100ms}
                sinks:
                  - name: zabbix
                    type: zabbix
                    server: 127.0.0.1:%d
                    host: app-01
                    backlog_size: %s
                    backoff: {initial: 100ms, max: 200ms}
                """.formatted(dataDir, target.port(), zabbixPort, backlogSize));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), CourierMain.class.getName(),
                "run", "--config", config.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        started.add(process);
        return process;
    }

    private String awaitAdmin(String name) throws IOException {
        String[] address = new String[1];
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
                Matcher matcher = ADMIN.matcher(log(name));
                if (matcher.find()) {
                    address[0] = matcher.group(1);
                    return true;
                }
                return false;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no admin endpoint in the log of " + name + ":\n" + log(name), e);
        }
        return address[0];
    }

    private JsonNode status(String admin) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + admin + "/status.json"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    private String log(String name) throws IOException {
        Path file = dir.resolve(name + ".log");
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("zabbix"))) {
            List<Path> segments = files.filter(p -> p.toString().endsWith(".seg")).toList();
            assertThat(segments).hasSize(1);
            return segments.get(0);
        }
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
            channel.write(one, offset);
        }
    }

    // The cursor file's format (CursorFile): "CCUR", the sequence (u64), a CRC32C of the 12 bytes before it.
    private static void writeCursor(Path file, long seq) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(16).putInt(0x43435552).putLong(seq);
        CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 0, 12);
        bytes.putInt((int) crc.getValue());
        Files.write(file, bytes.array());
    }
}
