package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoverCommandTest {
    private static final String DOCUMENT = """
            {"version":"4.0.0","gauges":{"jvm.heap":{"value":1}},"counters":{"jobs":{"count":3}},
             "histograms":{},"meters":{"logins":{"count":1,"m15_rate":0,"m1_rate":0,"m5_rate":0,"mean_rate":0,
             "units":"events/second"}},
             "timers":{"app.requests":{"count":1},"db.query":{"count":2}}}
            """;

    @TempDir
    Path dir;

    private Path document() throws IOException {
        Path file = dir.resolve("metrics.json");
        Files.writeString(file, DOCUMENT);
        return file;
    }

    @Test
    void printsOneKindInTheArrayForm() throws IOException {
        CommandOutput result = CommandOutput.run("discover", "--file", document().toString(), "--kind", "timers");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out().strip())
                .isEqualTo("[{\"{#TIMER}\":\"app.requests\"},{\"{#TIMER}\":\"db.query\"}]");
    }

    @Test
    void printsTheDataFormOnRequest() throws IOException {
        CommandOutput result = CommandOutput.run("discover", "--file", document().toString(), "--kind", "counters",
                "--format", "data");

        assertThat(result.out().strip()).isEqualTo("{\"data\":[{\"{#COUNTER}\":\"jobs\"}]}");
    }

    @Test
    void printsEveryKindWithATypeMacroWithoutKind() throws IOException {
        CommandOutput result = CommandOutput.run("discover", "--file", document().toString());

        assertThat(result.out()).contains("{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"db.query\"}")
                .contains("{\"{#TYPE}\":\"meter\",\"{#NAME}\":\"logins\"}")
                .contains("{\"{#TYPE}\":\"gauge\",\"{#NAME}\":\"jvm.heap\"}");
    }

    @Test
    void readsAUrl() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = DOCUMENT.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            CommandOutput result = CommandOutput.run("discover", "--url",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics", "--kind", "meters");

            assertThat(result.out().strip()).isEqualTo("[{\"{#METER}\":\"logins\"}]");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void failsWithAClearMessageOnATruncatedDocument() throws IOException {
        Path file = dir.resolve("truncated.json");
        Files.writeString(file, DOCUMENT.substring(0, 60));

        CommandOutput result = CommandOutput.run("discover", "--file", file.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("courier discover: ").contains("truncated.json").contains("line");
    }

    @Test
    void rejectsAnUnknownKind() throws IOException {
        CommandOutput result = CommandOutput.run("discover", "--file", document().toString(), "--kind", "bogus");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("bogus (expected: timers, meters, counters, gauges or histograms)");
    }

    private static final String EXPOSITION = """
            # TYPE node_cpu_seconds_total counter
            node_cpu_seconds_total{cpu="0",mode="idle"} 1.5
            node_cpu_seconds_total{cpu="0",mode="user"} 2
            # TYPE node_load1 gauge
            node_load1 0.25
            """;

    @Test
    void printsOneRowPerSeriesOfAPrometheusFamily() throws IOException {
        Path file = Files.writeString(dir.resolve("metrics.prom"), EXPOSITION);

        CommandOutput result = CommandOutput.run("discover", "--type", "prometheus", "--file", file.toString(),
                "--family", "node_cpu_seconds_total");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out().strip()).isEqualTo("["
                + "{\"{#NAME}\":\"node_cpu_seconds_total\",\"{#CPU}\":\"0\",\"{#MODE}\":\"idle\"},"
                + "{\"{#NAME}\":\"node_cpu_seconds_total\",\"{#CPU}\":\"0\",\"{#MODE}\":\"user\"}]");
    }

    @Test
    void readsAPrometheusUrlWithEverySeriesWithoutFamily() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", exchange -> {
            byte[] body = (EXPOSITION + "# EOF\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/openmetrics-text; version=1.0.0");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            CommandOutput result = CommandOutput.run("discover", "--type", "prometheus", "--url",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/metrics", "--format", "data");

            assertThat(result.exitCode()).isZero();
            assertThat(result.out()).startsWith("{\"data\":[").contains("{\"{#NAME}\":\"node_load1\"}");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void refusesAPrometheusExpositionWithMalformedLinesRatherThanSendAPartialList() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.prom"), EXPOSITION + "broken{ 1\n");

        CommandOutput result = CommandOutput.run("discover", "--type", "prometheus", "--file", file.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("courier discover: ").contains("bad.prom: 1 problems, no discovery sent: line 6");
    }

    @Test
    void rejectsFamilyForDropwizardAndAnUnknownType() throws IOException {
        assertThat(CommandOutput.run("discover", "--file", document().toString(), "--family", "x").exitCode())
                .isEqualTo(2);
        CommandOutput result = CommandOutput.run("discover", "--type", "graphite", "--file", document().toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--type: graphite (expected: dropwizard, prometheus or consul)");
    }

    @Test
    void takesDurationsAndSizesAsTheConfigurationWritesThem() throws IOException {
        String file = document().toString();
        assertThat(CommandOutput.run("discover", "--file", file, "--max-size", "2MB", "--timeout", "1500ms").exitCode())
                .isZero();

        CommandOutput bareNumber = CommandOutput.run("discover", "--file", file, "--timeout", "10");
        assertThat(bareNumber.exitCode()).isEqualTo(2);
        assertThat(bareNumber.err()).contains("\"10\" (expected: a duration with a unit such as 10s, 250ms, 1m, 1h or 2d)");

        CommandOutput tooSmall = CommandOutput.run("discover", "--file", file, "--max-size", "16B");
        assertThat(tooSmall.exitCode()).isEqualTo(1);
        assertThat(tooSmall.err()).contains("16");
    }
}
