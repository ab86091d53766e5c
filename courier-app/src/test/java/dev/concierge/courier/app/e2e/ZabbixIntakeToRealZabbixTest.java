package dev.concierge.courier.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer.ValueType;
import dev.concierge.courier.sinks.zabbix.ZabbixSink;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig;
import dev.concierge.courier.sources.zabbix.ZabbixIntakeConfig;
import dev.concierge.courier.sources.zabbix.ZabbixIntakeSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code zabbix_sender} pointed at the intake, the courier forwarding through its file ledger and the
 * Zabbix sink to a real Zabbix 6.0 server: the script sees what it sees against the server itself (output and
 * exit code), and every value ends up in the history tables, also the values it acknowledged while the server
 * was stopped.
 */
class ZabbixIntakeToRealZabbixTest {
    static final Path ZABBIX_SENDER = Path.of("/usr/bin/zabbix_sender");
    private static final Duration HISTORY_WAIT = Duration.ofSeconds(120);
    private static final Duration OUTAGE = Duration.ofSeconds(12);

    private final RealZabbixServer zabbix = RealZabbixServer.shared();
    @TempDir
    Path dir;
    private Pipeline pipeline;
    private ZabbixIntakeSource intake;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aScriptSeesTheServersAnswerAndItsValuesReachHistory() throws Exception {
        String viaCourier = uniqueHost("single");
        String direct = uniqueHost("single-direct");
        for (String host : List.of(viaCourier, direct)) {
            String hostId = zabbix.createHost(host);
            zabbix.createTrapperItem(hostId, "container.state", ValueType.UNSIGNED);
            zabbix.createTrapperItem(hostId, "app.note[a b,\"c\"]", ValueType.TEXT);
        }
        zabbix.reloadConfigCache();
        start();

        for (String[] value : List.of(new String[] {"container.state", "1"}, new String[] {"app.note[a b,\"c\"]",
                "line one\nline \"two\""})) {
            Sent courier = send(intake.port(), "-s", viaCourier, "-k", value[0], "-o", value[1]);
            Sent server = send(zabbix.trapperPort(), "-s", direct, "-k", value[0], "-o", value[1]);

            assertThat(courier.exitCode()).as(courier.output()).isZero().isEqualTo(server.exitCode());
            assertThat(courier.normalized()).isEqualTo(server.normalized());
            List<String> stored = await().atMost(HISTORY_WAIT)
                    .until(() -> zabbix.historyValues(viaCourier, value[0]), values -> !values.isEmpty());
            assertThat(stored).containsExactly(value[1]);
        }
    }

    @Test
    void aFileOfAHundredThousandTimestampedValuesArrivesWholeWithTheServersAnswer() throws Exception {
        int items = 500;
        int perItem = 200;
        String viaCourier = uniqueHost("file");
        String direct = uniqueHost("file-direct");
        createItems(viaCourier, items);
        createItems(direct, items);
        zabbix.reloadConfigCache();
        start();
        long firstClock = System.currentTimeMillis() / 1000 - perItem - 60;

        Sent courier = send(intake.port(), "-T", "-N", "-i", writeFile(viaCourier, items, perItem, firstClock).toString());
        Sent server = send(zabbix.trapperPort(), "-T", "-N", "-i", writeFile(direct, items, perItem, firstClock).toString());

        assertThat(courier.exitCode()).as(courier.output()).isZero().isEqualTo(server.exitCode());
        assertThat(courier.normalized()).isEqualTo(server.normalized());
        assertThat(courier.output()).contains("sent: 100000; skipped: 0; total: 100000");
        for (int i = items - 1; i >= 0; i--) {
            String key = "load[" + i + "]";
            List<String> stored = await("history of " + key).atMost(HISTORY_WAIT)
                    .until(() -> zabbix.historyValues(viaCourier, key), values -> values.size() >= perItem);
            List<String> expected = new ArrayList<>(perItem);
            for (int j = 0; j < perItem; j++) {
                expected.add(Integer.toString(i * 1000 + j));
            }
            assertThat(stored).as(key).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void valuesAcknowledgedWhileTheServerIsStoppedArriveAfterItReturns() throws Exception {
        int items = 10;
        int perItem = 20;
        String host = uniqueHost("server-stopped");
        String hostId = createItems(host, items);
        String singleKey = "job.exit";
        zabbix.createTrapperItem(hostId, singleKey, ValueType.UNSIGNED);
        zabbix.reloadConfigCache();
        start();
        long firstClock = System.currentTimeMillis() / 1000 - perItem - 60;
        Path file = writeFile(host, items, perItem, firstClock);
        List<String> singles = new ArrayList<>();

        zabbix.stopServer();
        try {
            long stoppedAt = System.nanoTime();
            Sent batch = send(intake.port(), "-T", "-N", "-i", file.toString());
            assertThat(batch.exitCode()).as(batch.output()).isZero();
            assertThat(batch.output()).contains("processed: " + items * perItem + "; failed: 0;")
                    .contains("sent: " + items * perItem + "; skipped: 0;");
            // One script run a second while the server is away (Awaitility's poll interval is the pace). The
            // outage lasts long enough for several failed attempts and backoffs; its length does not matter to
            // the mechanism (the values wait in the file ledger whatever it is), so it stays short.
            await("the outage").atMost(OUTAGE.multipliedBy(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                String value = Integer.toString(1_000_000 + singles.size());
                Sent single = send(intake.port(), "-s", host, "-k", singleKey, "-o", value);
                assertThat(single.exitCode()).as(single.output()).isZero();
                assertThat(single.output()).contains("processed: 1; failed: 0; total: 1;");
                singles.add(value);
                return System.nanoTime() - stoppedAt >= OUTAGE.toNanos();
            });
            assertThat(zabbix.historyValues(host, singleKey)).as("history while the server is stopped").isEmpty();
        } finally {
            zabbix.startServerAgain();
        }

        assertArrivedAtLeastOnce(host, singleKey, singles);
        for (int i = 0; i < items; i++) {
            List<String> expected = new ArrayList<>(perItem);
            for (int j = 0; j < perItem; j++) {
                expected.add(Integer.toString(i * 1000 + j));
            }
            assertArrivedAtLeastOnce(host, "load[" + i + "]", expected);
        }
    }

    /** Every acknowledged value is in history, possibly more than once (delivery is at least once), and nothing else. */
    private void assertArrivedAtLeastOnce(String host, String key, List<String> acknowledged) {
        List<String> stored = await("history of " + key).atMost(HISTORY_WAIT)
                .until(() -> zabbix.historyValues(host, key), values -> values.containsAll(acknowledged));
        assertThat(stored).as(key).containsOnlyElementsOf(acknowledged);
    }

    private String createItems(String host, int items) {
        String hostId = zabbix.createHost(host);
        List<Map<String, Object>> batch = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            Map<String, Object> item = new HashMap<>();
            item.put("hostid", hostId);
            item.put("name", "load[" + i + "]");
            item.put("key_", "load[" + i + "]");
            item.put("type", 2);
            item.put("value_type", ValueType.UNSIGNED.code());
            batch.add(item);
        }
        zabbix.call("item.create", batch);
        return hostId;
    }

    /** zabbix_sender's -T -N input: host key clock ns value, each item's values in time order. */
    private Path writeFile(String host, int items, int perItem, long firstClock) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int j = 0; j < perItem; j++) {
            for (int i = 0; i < items; i++) {
                lines.append(host).append(" load[").append(i).append("] ").append(firstClock + j).append(' ')
                        .append(i).append(' ').append(i * 1000 + j).append('\n');
            }
        }
        Path file = dir.resolve(host + ".txt");
        Files.writeString(file, lines);
        return file;
    }

    private void start() {
        FileDeliveryLedger ledger = FileDeliveryLedger.open(dir.resolve("data"), Clock.systemUTC());
        intake = ZabbixIntakeSource.create(ZabbixIntakeConfig.of("scripts", "127.0.0.1", 0));
        ZabbixSink sink = ZabbixSink.create(ZabbixSinkConfig.of("zabbix", "127.0.0.1", zabbix.trapperPort()));
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1 << 16, 256L << 20), ledger,
                List.of(new ScheduledSource(intake, ZabbixIntakeConfig.LISTEN_RETRY_INTERVAL)),
                List.of(new SinkSpec(sink, FullJitterBackoff.of(Duration.ofMillis(100), Duration.ofSeconds(1), 2),
                        256L << 20)),
                Clock.systemUTC());
        pipeline.start();
        await().until(() -> intake.port() > 0);
    }

    static String uniqueHost(String purpose) {
        return "courier-intake-" + purpose + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    static Sent send(int port, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ZABBIX_SENDER.toString(), "-z", "127.0.0.1", "-p",
                Integer.toString(port)));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        process.getInputStream().transferTo(output);
        return new Sent(process.waitFor(), output.toString(StandardCharsets.UTF_8));
    }

    /** What zabbix_sender printed and its exit code. */
    record Sent(int exitCode, String output) {
        /** The output without what differs between two receivers: their port and the seconds they spent. */
        String normalized() {
            return output.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT")
                    .replaceAll("seconds spent: [0-9.]+", "seconds spent: S");
        }
    }
}
