package dev.concierge.courier.sinks.graphite;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real carbon-cache from the Debian package {@code graphite-carbon}, with whisper files read back by
 * {@code whisper-fetch} from {@code python3-whisper}; both installed by {@code scripts/install-test-deps.sh}
 * (see PEERS.md). Missing packages are a failure, not a skip.
 *
 * <p>Everything lives in a fresh temporary state directory with its own {@code carbon.conf} and
 * {@code storage-schemas.conf}: every listener on 127.0.0.1 and a free port, UDP off, no user switch, the
 * create and update rate limits raised so new series are written at once, and a 1-second schema for paths
 * under {@value #TEST_PREFIX} so that every second is its own slot. The daemon runs in the foreground
 * ({@code --nodaemon}) as a child of this JVM; it is stopped by its pid: TERM on {@link #close()} (carbon
 * flushes its cache, about 2 s), KILL on {@link #kill()}. {@link #restart()} starts it again on the same port
 * and storage.
 *
 * <p>Not thread-safe, except {@link #fetch}, which may be polled from Awaitility threads.
 */
public final class RealCarbonCache implements AutoCloseable {
    /** Paths under this prefix have a 1 s : 1 h retention. */
    public static final String TEST_PREFIX = "courier_test";

    private static final Path CARBON_CACHE = Path.of("/usr/bin/carbon-cache");
    private static final Path WHISPER_FETCH = Path.of("/usr/bin/whisper-fetch");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final Path conf;
    private final Path log;
    private final int port;
    private Process process;

    private RealCarbonCache(Path dir, int port) {
        this.dir = dir;
        this.conf = dir.resolve("carbon.conf");
        this.log = dir.resolve("carbon-cache.out");
        this.port = port;
    }

    /** Writes the configuration and starts carbon-cache; returns once its line port accepts connections. */
    public static RealCarbonCache start() throws IOException {
        for (Path binary : List.of(CARBON_CACHE, WHISPER_FETCH)) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is missing; run scripts/install-test-deps.sh as root");
            }
        }
        Path dir = Files.createTempDirectory("courier-carbon-");
        RealCarbonCache carbon = new RealCarbonCache(dir, freePort());
        carbon.writeConfig(freePort(), freePort());
        carbon.launch();
        return carbon;
    }

    /** The plaintext line receiver's port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The pid of the running daemon. */
    public long pid() {
        return process.pid();
    }

    private void writeConfig(int picklePort, int queryPort) throws IOException {
        Path storage = dir.resolve("storage");
        Files.createDirectories(storage.resolve("whisper"));
        Files.createDirectories(storage.resolve("lists"));
        Files.createDirectories(dir.resolve("log"));
        Files.writeString(conf, String.join("\n",
                "[cache]",
                "STORAGE_DIR = " + storage + "/",
                "LOCAL_DATA_DIR = " + storage.resolve("whisper") + "/",
                "WHITELISTS_DIR = " + storage.resolve("lists") + "/",
                "CONF_DIR = " + dir + "/",
                "LOG_DIR = " + dir.resolve("log") + "/",
                "PID_DIR = " + dir + "/",
                "USER =",
                "DATABASE = whisper",
                "MAX_CACHE_SIZE = inf",
                // Debian's 50 creates per minute would hold new series back for minutes (PEERS.md).
                "MAX_CREATES_PER_MINUTE = 100000",
                "MAX_UPDATES_PER_SECOND = 100000",
                "LINE_RECEIVER_INTERFACE = 127.0.0.1",
                "LINE_RECEIVER_PORT = " + port,
                "ENABLE_UDP_LISTENER = False",
                "UDP_RECEIVER_INTERFACE = 127.0.0.1",
                "PICKLE_RECEIVER_INTERFACE = 127.0.0.1",
                "PICKLE_RECEIVER_PORT = " + picklePort,
                "CACHE_QUERY_INTERFACE = 127.0.0.1",
                "CACHE_QUERY_PORT = " + queryPort,
                // No carbon.agents.* self-metrics, and no calls to a graphite-web tag database.
                "CARBON_METRIC_INTERVAL = 0",
                "ENABLE_TAGS = False",
                "LOG_LISTENER_CONN_SUCCESS = False",
                ""), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("storage-schemas.conf"), String.join("\n",
                "[courier_test]",
                "pattern = ^" + TEST_PREFIX + "\\.",
                "retentions = 1s:1h",
                "",
                "[default]",
                "pattern = .*",
                "retentions = 60s:1d",
                ""), StandardCharsets.UTF_8);
    }

    private void launch() throws IOException {
        // A pid file left by a killed instance makes carbon refuse to start if that pid is reused.
        Files.deleteIfExists(dir.resolve("carbon-cache-a.pid"));
        process = new ProcessBuilder(CARBON_CACHE.toString(), "--config=" + conf, "--nodaemon", "start")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        try {
            await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("carbon-cache exited with " + process.exitValue() + ":\n"
                            + logTail());
                }
                return accepts();
            });
        } catch (RuntimeException e) {
            stopProcess(true);
            throw new IllegalStateException("carbon-cache did not start on 127.0.0.1:" + port + ":\n" + logTail(), e);
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL, and waits until the process is gone: whatever carbon held in memory is lost. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("carbon-cache " + process.pid() + " survived SIGKILL");
        }
    }

    /** Starts carbon-cache again, same port and storage, after {@link #kill()} or {@link #stop()}. */
    public void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("carbon-cache " + process.pid() + " is still running");
        }
        launch();
    }

    /** SIGTERM, and waits for carbon to flush its cache and exit; SIGKILL if it takes too long. */
    public void stop() {
        stopProcess(false);
    }

    /**
     * The stored values of {@code path} between {@code from} and {@code until} (Unix seconds, both
     * inclusive), slots without a value left out; empty if carbon has not created the file yet.
     */
    public Map<Long, Double> fetch(String path, long from, long until) {
        Path file = dir.resolve("storage").resolve("whisper").resolve(path.replace('.', '/') + ".wsp");
        Map<Long, Double> values = new TreeMap<>();
        if (!Files.exists(file)) {
            return values;
        }
        try {
            // whisper's fetch starts at the slot after "from".
            Process fetch = new ProcessBuilder(WHISPER_FETCH.toString(), "--from=" + (from - 1),
                    "--until=" + until, file.toString()).redirectErrorStream(true).start();
            String out = new String(fetch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!fetch.waitFor(30, TimeUnit.SECONDS) || fetch.exitValue() != 0) {
                throw new IllegalStateException("whisper-fetch " + file + " failed:\n" + out);
            }
            for (String line : out.split("\n")) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length == 2 && !fields[1].equals("None")) {
                    values.put(Long.parseLong(fields[0]), Double.parseDouble(fields[1]));
                }
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + file, e);
        }
    }

    /**
     * Every path carbon has created a whisper file for so far: one listing, where {@link #fetch} per path
     * would start one {@code whisper-fetch} each. Safe to poll from Awaitility threads.
     */
    public java.util.Set<String> storedPaths() {
        Path whisper = dir.resolve("storage").resolve("whisper");
        try (Stream<Path> files = Files.walk(whisper)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".wsp"))
                    .map(file -> {
                        String relative = whisper.relativize(file).toString();
                        return relative.substring(0, relative.length() - ".wsp".length()).replace('/', '.');
                    })
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of carbon's console output, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void stopProcess(boolean forcibly) {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            if (!forcibly) {
                process.destroy();
                if (process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    return;
                }
            }
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops carbon and deletes the state directory. */
    @Override
    public void close() throws IOException {
        stopProcess(false);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
