package dev.concierge.courier.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.CourierMain;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier run} with a token taken from the environment: requests are checked against it, and it
 * appears in no log line, however requests fail, nor in what {@code --check} prints.
 */
class AdminTokenTest {
    private static final String TOKEN = "Zq8-never-logged-7hX";
    private static final Pattern LISTENING = Pattern.compile("admin endpoint on http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

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
                  - {name: app, type: dropwizard, file: %s, interval: 200ms, timeout: 200ms}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1:%d", host: app-01}
                admin:
                  listen: 127.0.0.1:0
                  token: ${ADMIN_TOKEN}
                """.formatted(dir.resolve("state"), metrics, zabbixPort));
        return config;
    }

    private Process courier(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CourierMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("ADMIN_TOKEN", TOKEN);
        return builder.start();
    }

    private int status(int port, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void checksEveryRequestAgainstTheTokenAndNeverLogsIt() throws Exception {
        Path log = dir.resolve("courier.log");
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Process courier = courier(log, "run", "--config", config(receiver.port()).toString());
            try {
                Matcher listening = LISTENING.matcher("");
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> listening.reset(Files.readString(log, StandardCharsets.UTF_8)).find());
                int port = Integer.parseInt(listening.group(1));
                await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.rows().isEmpty());

                // The first refusal is the one logged at WARN: a token in the path must not reach it.
                assertThat(status(port, "/" + TOKEN, null)).isEqualTo(401);
                assertThat(status(port, "/health", null)).isEqualTo(200);
                assertThat(status(port, "/metrics", null)).isEqualTo(401);
                assertThat(status(port, "/ready", null)).as("a probe's, without a token").isEqualTo(200);
                assertThat(status(port, "/status.json", "Bearer " + TOKEN.substring(1))).isEqualTo(401);
                assertThat(status(port, "/ledger?token=" + TOKEN, "Bearer " + TOKEN + "x")).isEqualTo(401);
                assertThat(status(port, "/ready", "Bearer " + TOKEN)).isEqualTo(200);
                assertThat(status(port, "/metrics", "Bearer " + TOKEN)).isEqualTo(200);
            } finally {
                courier.destroy();
                assertThat(courier.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
        }

        String written = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(written).contains("admin: refused GET (another path) from", "courier stopped")
                .doesNotContain(TOKEN);
    }

    @Test
    void checkPrintsWhereTheEndpointListensButNotTheToken() throws Exception {
        Path log = dir.resolve("check.log");
        Process check = courier(log, "run", "--check", "--config", config(10051).toString());
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(Files.readString(log, StandardCharsets.UTF_8))
                .contains("admin on 127.0.0.1:0 with a token").doesNotContain(TOKEN);
    }

    private HttpResponse<String> post(int port, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void reloadsOnPostWithTheTokenAndRefusesABrokenConfiguration() throws Exception {
        Path log = dir.resolve("courier.log");
        try (ZabbixTrapperReceiver first = ZabbixTrapperReceiver.create();
             ZabbixTrapperReceiver second = ZabbixTrapperReceiver.create()) {
            Path config = config(first.port());
            Process courier = courier(log, "run", "--config", config.toString());
            try {
                Matcher listening = LISTENING.matcher("");
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> listening.reset(Files.readString(log, StandardCharsets.UTF_8)).find());
                int port = Integer.parseInt(listening.group(1));
                await().atMost(Duration.ofSeconds(30)).until(() -> !first.rows().isEmpty());
                String original = Files.readString(config);

                assertThat(post(port, "/reload", null).statusCode()).isEqualTo(401);
                Files.writeString(config, original.replace("interval: 200ms", "interval: often"));
                HttpResponse<String> broken = post(port, "/reload", "Bearer " + TOKEN);
                assertThat(broken.statusCode()).isEqualTo(422);
                assertThat(broken.body()).contains("still running the previous one", "sources[0].interval");

                Files.writeString(config, original.replace("sinks:\n", "sinks:\n  - {name: second, type: zabbix, "
                        + "server: \"127.0.0.1:" + second.port() + "\", host: app-01}\n"));
                HttpResponse<String> reloaded = post(port, "/reload", "Bearer " + TOKEN);
                assertThat(reloaded.statusCode()).isEqualTo(200);
                assertThat(reloaded.body()).startsWith("reloaded: kept [source app, sink zabbix], started [sink second]");
                await().atMost(Duration.ofSeconds(30)).until(() -> !second.rows().isEmpty());
            } finally {
                courier.destroy();
                assertThat(courier.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
        }
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain(TOKEN);
    }
}
