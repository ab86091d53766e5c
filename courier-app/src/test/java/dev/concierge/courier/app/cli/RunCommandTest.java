package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.CourierMain;
import dev.concierge.courier.sinks.zabbix.ZabbixTrapperReceiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir
    Path dir;

    private Path config(int zabbixPort) throws IOException {
        Path metrics = dir.resolve("metrics.json");
        Files.writeString(metrics, """
                {"version":"4.0.0","gauges":{},"counters":{"jobs.active":{"count":3}},"histograms":{},
                 "meters":{},"timers":{}}
                """);
        Path config = dir.resolve("courier.yaml");
        Files.writeString(config, """
                data_dir: %s
                sources:
                  - name: app
                    type: dropwizard
                    file: %s
                    interval: 200ms
                    timeout: 200ms
                sinks:
                  - name: zabbix
                    type: zabbix
                    server: 127.0.0.1:%d
                    host: app-01
                """.formatted(dir.resolve("state"), metrics, zabbixPort));
        return config;
    }

    private Process start(String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CourierMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("courier.log").toFile()).start();
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("courier.log"), StandardCharsets.UTF_8);
    }

    @Test
    void deliversUntilSigtermThenStopsInOrderAndExitsZero() throws Exception {
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Process courier = start("run", "--config", config(receiver.port()).toString());
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.rows().size() >= 2);

            courier.destroy(); // SIGTERM
            assertThat(courier.waitFor(20, TimeUnit.SECONDS)).isTrue();

            assertThat(courier.exitValue()).isZero();
            assertThat(receiver.rows()).allSatisfy(row -> {
                assertThat(row.host()).isEqualTo("app-01");
                assertThat(row.key()).isEqualTo("counter[jobs.active.count]");
                assertThat(row.value()).isEqualTo("3");
            });
            assertThat(log()).contains("courier started: 1 source(s) [app: dropwizard")
                    .containsSubsequence("SIGTERM received, stopping", "courier stopping", "courier stopped");
        }
    }

    @Test
    void refusesABadConfigurationWithEveryProblemAndExitCodeTwo() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, """
                sources:
                  - name: app
                    type: dropwizard
                    url: ftp://example/metrics
                sinks: []
                extra: 1
                """);

        CommandOutput result = CommandOutput.run("run", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("bad.yaml:1:1: data_dir")
                .contains("bad.yaml:4:10: sources[0].url")
                .contains("bad.yaml:6:1: extra: unknown key");
    }

    @Test
    void checkValidatesWithoutStarting() throws Exception {
        CommandOutput result = CommandOutput.run("run", "--check", "--config", config(10051).toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("configuration OK: 1 source(s) [app: dropwizard");
    }
}
