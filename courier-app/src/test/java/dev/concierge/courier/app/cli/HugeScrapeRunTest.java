package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.CourierMain;
import dev.concierge.courier.app.testing.ExpositionServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One target serving far more series than a small heap holds, against a real {@code courier run}: with the
 * default sample limit the scrape is refused and counted and the courier goes on; with no limit the heap runs out
 * and the courier exits non-zero, for its supervisor to start it again, instead of going on without a thread.
 */
class HugeScrapeRunTest {
    // The sidecar profile's heap: its derived sample limit is about 92,000 samples.
    private static final String HEAP = "-Xmx64m";
    private static final int SERIES = 400_000;
    private static String exposition;

    @TempDir
    Path dir;

    @BeforeAll
    static void buildExposition() {
        StringBuilder text = new StringBuilder(SERIES * 32).append("# TYPE flood gauge\n");
        for (int i = 0; i < SERIES; i++) {
            text.append("flood{series=\"s").append(i).append("\"} ").append(i).append('\n');
        }
        exposition = text.toString();
    }

    private Path config(int port, String sampleLimit) throws IOException {
        Path config = dir.resolve("courier.yaml");
        Files.writeString(config, """
                data_dir: %s
                ring: {slots: 8192, size: 4MiB}
                sources:
                  - name: flood
                    type: prometheus
                    url: http://127.0.0.1:%d/metrics
                    interval: 1s
                    host: app-01
                %s
                sinks:
                  - name: spool
                    type: file
                    path: %s
                """.formatted(dir.resolve("state"), port, sampleLimit, dir.resolve("spool.txt")));
        return config;
    }

    private Process run(Path config) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:+UseSerialGC", HEAP, "-cp", System.getProperty("java.class.path"),
                CourierMain.class.getName(), "run", "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("courier.log").toFile());
        builder.environment().put("COURIER_LOG_LEVEL", "debug");
        return builder.start();
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("courier.log"), StandardCharsets.UTF_8);
    }

    @Test
    void aScrapeOverTheHeapDerivedSampleLimitIsRefusedWarnedOnceAndTheCourierGoesOn() throws Exception {
        try (ExpositionServer server = ExpositionServer.serving(exposition)) {
            Process courier = run(config(server.port(), ""));
            try {
                // The same failure three times is one episode: one WARN, then DEBUG lines.
                await().atMost(Duration.ofSeconds(60)).until(() -> !courier.isAlive()
                        || linesAbout("DEBUG", "sample_limit") >= 2);
                assertThat(courier.isAlive()).as("still running: %s", log()).isTrue();
                assertThat(linesAbout("WARN", "sample_limit")).isEqualTo(1);
                assertThat(log()).containsPattern("more than 9[0-9],[0-9]{3} samples|more than 9[0-9]{4} samples")
                        .doesNotContain("OutOfMemoryError");
            } finally {
                courier.destroy();
                assertThat(courier.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(courier.exitValue()).isZero();
        }
    }

    private long linesAbout(String level, String text) throws IOException {
        return log().lines().filter(line -> line.contains(" " + level + " ") && line.contains(text)).count();
    }

    @Test
    void aCourierWhoseHeapRunsOutExitsNonZeroForItsSupervisor() throws Exception {
        try (ExpositionServer server = ExpositionServer.serving(exposition)) {
            Process courier = run(config(server.port(), "    sample_limit: 0"));
            boolean exited = courier.waitFor(90, TimeUnit.SECONDS);
            if (!exited) {
                courier.destroyForcibly();
            }
            assertThat(exited).as("exited by itself: %s", log()).isTrue();
            assertThat(courier.exitValue()).as(log()).isEqualTo(RunCommand.EXIT_PIPELINE_FAILED);
            assertThat(log()).contains("OutOfMemoryError").contains("exits with status 70");
        }
    }
}
