package dev.concierge.courier.app.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.send.ZabbixSend.Mode;
import dev.concierge.courier.sinks.zabbix.client.ZabbixServerNodes;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code courier send} does for speed without changing what arrives: batching and compression. */
class ZabbixSendTest {
    @TempDir
    Path dir;

    @Test
    void sendsTheFirstValuesBeforeTheRestOfTheInputIsRead() throws Exception {
        try (ZabbixTrapperReceiver trapper = ZabbixTrapperReceiver.create();
             PipedInputStream stdin = new PipedInputStream(1 << 20);
             PipedOutputStream lines = new PipedOutputStream(stdin)) {
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> new ZabbixSend(stdin, quiet(), quiet())
                    .run(mode(trapper.port(), "-", "auto")));
            lines.write(lines(0, ZabbixSend.FIRST_BATCH_ROWS));
            lines.flush();

            // The input is still open: these values left as a batch of their own.
            await().atMost(Duration.ofSeconds(30)).until(() -> trapper.rows().size() == ZabbixSend.FIRST_BATCH_ROWS);

            lines.write(lines(ZabbixSend.FIRST_BATCH_ROWS, 10));
            lines.close();
            assertThat(run.get(30, TimeUnit.SECONDS)).isZero();
            assertThat(trapper.rows()).hasSize(ZabbixSend.FIRST_BATCH_ROWS + 10);
        }
    }

    @Test
    void sendsUncompressedRequestsToThisMachineWhenCompressionIsAuto() throws Exception {
        Path file = Files.write(dir.resolve("values.txt"), lines(0, 3_000));
        try (ZabbixTrapperReceiver trapper = ZabbixTrapperReceiver.create()) {
            assertThat(new ZabbixSend(InputStream.nullInputStream(), quiet(), quiet())
                    .run(mode(trapper.port(), file.toString(), "auto"))).isZero();

            assertThat(trapper.rows()).hasSize(3_000);
            assertThat(trapper.exchanges()).isNotEmpty().noneMatch(ZabbixTrapperReceiver.Exchange::compressed);
        }
    }

    @Test
    void knowsThisMachineByItsLoopbackNamesWithoutALookup() {
        for (String server : new String[] {"127.0.0.1", "127.1.2.3:10051", "localhost", "LOCALHOST", "[::1]:10051",
            "127.0.0.1;localhost"}) {
            assertThat(ZabbixSend.onThisMachine(ZabbixServerNodes.parse(server, 10051))).as(server).isTrue();
        }
        for (String server : new String[] {"10.0.0.1", "127.0.0.1.example.com", "127.example", "zabbix",
            "127.0.0.1;zabbix", "[::2]:10051", "128.0.0.1"}) {
            assertThat(ZabbixSend.onThisMachine(ZabbixServerNodes.parse(server, 10051))).as(server).isFalse();
        }
    }

    private static byte[] lines(int from, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            text.append("- app.item[").append(i % 50).append("] 1700000000 ").append(i).append(' ').append(i)
                    .append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Mode mode(int port, String input, String compression) {
        return new Mode(null, "127.0.0.1", Integer.toString(port), "web-01", null, null, input, true, true, false,
                null, 0, 1000, 4, compression, SenderTlsOptions.NONE);
    }

    private static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    }
}
