package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.CourierMain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier ledger} beside a real {@code courier run} process that holds the data directory, whose ring is
 * far too small for its one source's document: the refusals show as loss ranges of the source.
 */
class LedgerWhileRunningTest {
    private static final Pattern OWED = Pattern.compile("sink zabbix: owed (\\d+) samples");
    private static final Pattern REFUSED = Pattern.compile("source=app lost=(\\d+) ");

    @TempDir
    Path dir;

    private Path config() throws IOException {
        StringBuilder document = new StringBuilder("{\"version\":\"4.0.0\",\"gauges\":{},\"counters\":{");
        for (int i = 0; i < 20_000; i++) {
            document.append(i == 0 ? "" : ",").append("\"jobs.c").append(i).append("\":{\"count\":").append(i).append('}');
        }
        document.append("},\"histograms\":{},\"meters\":{},\"timers\":{}}");
        Path metrics = dir.resolve("metrics.json");
        Files.writeString(metrics, document);
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = probe.getLocalPort();
        }
        Path config = dir.resolve("courier.yaml");
        Files.writeString(config, """
                data_dir: %s
                ring: {slots: 1024, size: 16KiB}
                sources:
                  - {name: app, type: dropwizard, file: %s, interval: 1s, timeout: 1s}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1:%d", host: app-01}
                """.formatted(dir.resolve("state"), metrics, deadPort));
        return config;
    }

    @Test
    void showsWhatARunningCourierOwesAndTheRingsRefusalsWithoutStoppingIt() throws Exception {
        Path config = config();
        Process courier = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CourierMain.class.getName(), "run", "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("courier.log").toFile()).start();
        try {
            AtomicReference<CommandOutput> last = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                CommandOutput result = CommandOutput.run("ledger", "--config", config.toString());
                last.set(result);
                // One collect of 20,000 values into a ring of 16 KiB: most of it is refused, and the range of
                // the source grows with every collect (a reading may come in the middle of one).
                return result.exitCode() == 0 && refused(result.out()) > 10_000 && owed(result.out()) > 0;
            });

            assertThat(courier.isAlive()).as(Files.readString(dir.resolve("courier.log"), StandardCharsets.UTF_8))
                    .isTrue();
            String out = last.get().out();
            assertThat(out).contains("read from its files without the courier's lock")
                    .contains("reason=\"the ring was full: refused before any sink had them\"");
        } finally {
            courier.destroy();
            if (!courier.waitFor(20, TimeUnit.SECONDS)) {
                courier.destroyForcibly();
            }
        }
    }

    private static long refused(String out) {
        Matcher refused = REFUSED.matcher(out);
        return refused.find() ? Long.parseLong(refused.group(1)) : 0;
    }

    private static long owed(String out) {
        Matcher owed = OWED.matcher(out);
        return owed.find() ? Long.parseLong(owed.group(1)) : 0;
    }
}
