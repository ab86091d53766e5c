package dev.concierge.courier.sinks.http;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private InfluxDB 1.x ({@code influxd} from Debian's {@code influxdb} package, installed by
 * {@code scripts/install-test-deps.sh}) for one test class: its own {@code influxdb.conf} (PEERS.md) with every
 * listener on 127.0.0.1 port 0, auth off, the monitor store off, the inmem index, and meta, data and WAL in a
 * temporary directory; one database created at start. The HTTP port is read back from the log line
 * {@code Listening on HTTP ... addr=127.0.0.1:<port>}. {@link #close} stops the process by its pid.
 */
public final class RealInfluxDb implements AutoCloseable {
    static final Path INFLUXD = Path.of("/usr/bin/influxd");
    private static final Duration START_WAIT = Duration.ofSeconds(60);
    private static final Pattern HTTP_ADDR = Pattern.compile("msg=\"Listening on HTTP\".*addr=127\\.0\\.0\\.1:(\\d+)");

    private final Path dir;
    private final Path log;
    private final Process process;
    private final String database;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private int port;

    private RealInfluxDb(Path dir, Process process, String database) {
        this.dir = dir;
        this.log = dir.resolve("influxd.log");
        this.process = process;
        this.database = database;
    }

    /** Starts influxd, waits for {@code /ping}, and creates {@code database}. */
    public static RealInfluxDb start(String database) throws IOException {
        if (!Files.isExecutable(INFLUXD)) {
            throw new IllegalStateException(INFLUXD + " is missing: run scripts/install-test-deps.sh (package influxdb)");
        }
        Path dir = Files.createTempDirectory("courier-influxdb-");
        Path conf = dir.resolve("influxdb.conf");
        Files.writeString(conf, """
                reporting-disabled = true
                bind-address = "127.0.0.1:0"
                [meta]
                  dir = "%1$s/meta"
                [data]
                  dir = "%1$s/data"
                  wal-dir = "%1$s/wal"
                  index-version = "inmem"
                  query-log-enabled = false
                [monitor]
                  store-enabled = false
                [http]
                  bind-address = "127.0.0.1:0"
                  auth-enabled = false
                  log-enabled = false
                [continuous_queries]
                  enabled = false
                """.formatted(dir));
        Process process = new ProcessBuilder(INFLUXD.toString(), "run", "-config", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("influxd.log").toFile())
                .start();
        RealInfluxDb influx = new RealInfluxDb(dir, process, database);
        try {
            influx.awaitReady();
            influx.query("CREATE DATABASE \"" + database + "\"");
        } catch (RuntimeException | Error e) {
            influx.close();
            throw e;
        }
        return influx;
    }

    private void awaitReady() {
        await().atMost(START_WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("influxd exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            Matcher m = HTTP_ADDR.matcher(Files.readString(log));
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                return true;
            }
            return false;
        });
        await().atMost(START_WAIT).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() ->
                http.send(HttpRequest.newBuilder(URI.create(base() + "/ping")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 204);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    /** {@code /write} for the database with {@code precision=s}, as the courier's influx format needs. */
    public URI writeUrl() {
        return URI.create(base() + "/write?db=" + database + "&precision=s");
    }

    /** Runs InfluxQL against the database with seconds timestamps and returns the {@code results} array. */
    public JsonNode query(String influxQl) {
        String form = "q=" + URLEncoder.encode(influxQl, StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base() + "/query?epoch=s&db=" + database))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("query " + influxQl + ": HTTP " + response.statusCode() + " "
                        + response.body());
            }
            return json.readTree(response.body()).path("results");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops influxd (TERM, then KILL after 10 s) and deletes its directory. */
    @Override
    public void close() {
        ProcessHandle handle = process.toHandle();
        handle.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp directory is harmless.
        }
    }
}
