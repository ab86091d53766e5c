package dev.concierge.courier.sinks.zabbix;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Zabbix 6.0 server with its own PostgreSQL cluster and its JSON-RPC API, started from the Debian
 * packages that {@code scripts/install-test-deps.sh} installs (see PEERS.md). Everything lives in a fresh
 * temporary state directory and listens on free ports on 127.0.0.1.
 *
 * <p>Three ways to get one:
 * <ul>
 *   <li>{@link #start()}: a private instance; the caller must {@link #close()} it.</li>
 *   <li>{@link #startWithTls}: the same, with a certificate for TLS connections ({@code TLSCAFile},
 *       {@code TLSCertFile}, {@code TLSKeyFile}); plain connections keep working on the same port.</li>
 *   <li>{@link #shared()}: one lazily started instance per JVM, stopped by a shutdown hook. Test classes
 *       that run one after another in the same surefire fork then pay the start-up once. {@code close()}
 *       on the shared instance does nothing, so it is safe in try-with-resources. Tests sharing it must
 *       use their own host names.</li>
 * </ul>
 *
 * <p>Constraints of the machine, not of this class: it must run as root (it runs PostgreSQL as user
 * {@code postgres} and the server drops to user {@code zabbix}), and the Debian frontend reads its database
 * settings only from {@code /etc/zabbix/zabbix.conf.php}. So only one instance can exist per machine at a
 * time. In one JVM, {@code start()} first stops an idle shared instance (the next {@code shared()} starts a
 * fresh one) and fails at once if a private one is still open; so test classes must not run in parallel.
 * Another JVM waits on a lock file for up to ten minutes. The previous {@code zabbix.conf.php}, if any, is
 * restored on close (and on the next start after a JVM that was killed before it could restore it).
 *
 * <p>Start-up is about 5 s once a machine has imported the Zabbix schema; the first start imports it
 * (20-30 s on 2 busy cores) and keeps a stopped copy of that cluster under
 * {@code /var/tmp/concierge-courier-zabbix-schema} for later starts.
 *
 * <p>Missing packages are a failure, not a skip: CI installs them with the script. If start-up fails, every
 * process already started is stopped and the exception carries the tail of the relevant log.
 *
 * <p>Methods are thread-safe; {@link #call} and {@link #historyValues} may be polled from Awaitility threads.
 */
public final class RealZabbixServer implements AutoCloseable {

    /** Zabbix item value types (the {@code value_type} of {@code item.create}) and their history tables. */
    public enum ValueType {
        FLOAT(0, "history"),
        CHARACTER(1, "history_str"),
        LOG(2, "history_log"),
        UNSIGNED(3, "history_uint"),
        TEXT(4, "history_text");

        private final int code;
        private final String historyTable;

        ValueType(int code, String historyTable) {
            this.code = code;
            this.historyTable = historyTable;
        }

        /** The numeric {@code value_type} the API expects. */
        public int code() {
            return code;
        }

        /** The table the server writes values of this type to. */
        public String historyTable() {
            return historyTable;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(RealZabbixServer.class);

    private static final Path RUNUSER = Path.of("/usr/sbin/runuser");
    private static final Path ZABBIX_SERVER = Path.of("/usr/sbin/zabbix_server");
    private static final Path ZABBIX_SENDER = Path.of("/usr/bin/zabbix_sender");
    private static final Path PHP = Path.of("/usr/bin/php");
    private static final Path FRONTEND_ROOT = Path.of("/usr/share/zabbix");
    private static final Path SCHEMA_DIR = Path.of("/usr/share/zabbix-server-pgsql");
    private static final Path POSTGRES_ROOT = Path.of("/usr/lib/postgresql");
    private static final Path FRONTEND_CONFIG = Path.of("/etc/zabbix/zabbix.conf.php");
    private static final Path FRONTEND_CONFIG_BACKUP = Path.of("/etc/zabbix/zabbix.conf.php.courier-test-backup");
    private static final Path FRONTEND_LOCK =
            Path.of(System.getProperty("java.io.tmpdir"), "concierge-courier-zabbix-frontend.lock");
    private static final String FRONTEND_CONFIG_MARKER = "// Written by the Concierge Courier RealZabbixServer test fixture.";

    private static final List<String> DUMPS = List.of("schema.sql.gz", "images.sql.gz", "data.sql.gz");
    private static final Path TEMPLATE_ROOT = Path.of("/var/tmp/concierge-courier-zabbix-schema");
    private static final String TEMPLATE_FORMAT = "2";

    private static final String DB_NAME = "zabbix";
    private static final String DB_USER = "zabbix";
    private static final String DB_PASSWORD = "courier-test";
    private static final String HOST_GROUP = "Concierge Courier tests";
    private static final String PROBE_HOST = "courier-fixture-probe";
    private static final int TRAPPER_ITEM_TYPE = 2;
    private static final int HOST_DISABLED = 1;

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 40;

    private static final Object INSTANCE_GUARD = new Object();
    private static RealZabbixServer running;
    private static RealZabbixServer shared;
    private static RuntimeException sharedFailure;

    /** The server's own TLS files, copied into the state directory where user zabbix can read them. */
    private record TlsFiles(Path caFile, Path certFile, Path keyFile) {
    }

    private final boolean isShared;
    private final TlsFiles tls; // null = no TLS settings
    private boolean haCluster; // set before boot: node1 gets HANodeName, NodeAddress and its own SocketDir
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Thread shutdownHook = new Thread(this::stopAfterShutdown, "real-zabbix-server-stop");

    private Path stateDir;
    private Path postgresDir;
    private Path pgData;
    private Path pgLog;
    private Path pgBin;
    private Path serverConf;
    private Path serverLog;
    private Path serverPidFile;
    private Path phpLog;
    private int pgPort;
    private int trapperPort;
    private int apiPort;

    private FileChannel lockChannel;
    private FileLock frontendLock;
    private boolean frontendConfigWritten;
    private boolean postgresStarted;
    private boolean schemaImported;
    private long serverPid = -1;
    private Path secondConf; // the HA cluster's second node, once started
    private Path secondPidFile;
    private Path secondLog;
    private int secondPort;
    private Process php;

    private String authToken;
    private String hostGroupId;
    private String probeHostId;
    private int probeItems;
    private long requestIds;
    private boolean stopped;

    private RealZabbixServer(boolean isShared, TlsFiles tls) {
        this.isShared = isShared;
        this.tls = tls;
    }

    /**
     * Starts a private instance, stopping an idle {@link #shared()} one first; blocks for the start-up. The
     * caller owns it and must {@link #close()} it.
     *
     * @throws IllegalStateException if a binary is missing, another instance is running in this JVM, or any
     *     step fails; the message carries the tail of the log of the failing step
     */
    public static RealZabbixServer start() {
        return start(false, null);
    }

    /**
     * Like {@link #start()}, with the server set up for certificate-based TLS: the three PEM files are copied
     * for user zabbix and named in {@code zabbix_server.conf}. Hosts accept only unencrypted connections
     * until their {@code tls_accept} says otherwise.
     *
     * @param caFile   {@code TLSCAFile}: the CA certificates client certificates must chain to
     * @param certFile {@code TLSCertFile}: the server's certificate
     * @param keyFile  {@code TLSKeyFile}: its private key, unencrypted
     */
    public static RealZabbixServer startWithTls(Path caFile, Path certFile, Path keyFile) {
        return start(false, new TlsFiles(caFile, certFile, keyFile));
    }

    /**
     * Like {@link #start()}, as the first node of a Zabbix 6.0 HA cluster ({@code HANodeName=node1},
     * {@code NodeAddress} its trapper address, its own {@code SocketDir} so that a second node's runtime
     * control does not collide with it). It is the active node; {@link #startStandbyNode()} adds a second.
     */
    public static RealZabbixServer startHaCluster() {
        return start(false, null, true);
    }

    /**
     * The instance shared by every test class in this JVM, started on first use and stopped by a shutdown
     * hook. A start-up failure is remembered, so later callers fail at once with the same cause.
     */
    public static RealZabbixServer shared() {
        synchronized (INSTANCE_GUARD) {
            if (shared != null) {
                return shared;
            }
            if (running != null) {
                throw new IllegalStateException("a RealZabbixServer is already running in this JVM (state dir "
                        + running.stateDir + "); close it first");
            }
            if (sharedFailure != null) {
                throw new IllegalStateException("the shared RealZabbixServer failed to start earlier in this JVM",
                        sharedFailure);
            }
            try {
                shared = start(true, null);
                return shared;
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
        }
    }

    private static RealZabbixServer start(boolean isShared, TlsFiles tls) {
        return start(isShared, tls, false);
    }

    private static RealZabbixServer start(boolean isShared, TlsFiles tls, boolean haCluster) {
        RealZabbixServer server = new RealZabbixServer(isShared, tls);
        server.haCluster = haCluster;
        synchronized (INSTANCE_GUARD) {
            if (running != null && running == shared && !isShared) {
                // Test classes run one after another, so the shared instance is idle now; shared() starts
                // a new one when it is next asked for.
                log.info("Stopping the shared instance to start a private one");
                shared.removeShutdownHook();
                shared = null;
                running.stop();
            }
            if (running != null) {
                throw new IllegalStateException("a RealZabbixServer is already running in this JVM (state dir "
                        + running.stateDir + "); close it first");
            }
            running = server;
        }
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        try {
            server.boot();
            return server;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw server.abortStart(e);
        } catch (Exception | AssertionError e) {
            throw server.abortStart(e);
        }
    }

    /** The trapper (sender protocol) port on 127.0.0.1. */
    public int trapperPort() {
        return trapperPort;
    }

    /** {@code http://127.0.0.1:<port>/api_jsonrpc.php} */
    public String apiUrl() {
        return "http://127.0.0.1:" + apiPort + "/api_jsonrpc.php";
    }

    /** The server's configuration file, for {@code zabbix_server -c <it> -R ...} or {@code zabbix_get}. */
    public Path serverConfig() {
        return serverConf;
    }

    /** An HA node's settings; SocketDir apart, since runtime control talks to a socket named per program. */
    private static String haSettings(String nodeName, int port, Path socketDir) {
        return "HANodeName=" + nodeName + "\nNodeAddress=127.0.0.1:" + port + "\nSocketDir=" + socketDir + "\n";
    }

    /**
     * Starts the second node of a cluster from {@link #startHaCluster()}: the same database, its own port,
     * pid file, log and socket directory, {@code HANodeName=node2}. Returns once node1's {@code ha_status}
     * lists it as a standby; a standby does not listen (PEERS.md), so its port refuses connections until it
     * takes over. Stopped by {@link #close()}.
     *
     * @return its trapper port
     */
    public synchronized int startStandbyNode() {
        if (!haCluster || secondConf != null) {
            throw new IllegalStateException("startStandbyNode: once, on an instance from startHaCluster()");
        }
        try {
            Path dir = stateDir.resolve("zabbix-node2");
            Files.createDirectories(dir);
            chown(dir, "zabbix");
            secondPort = freeListenPort();
            secondLog = dir.resolve("zabbix_server.log");
            secondPidFile = dir.resolve("zabbix_server.pid");
            secondConf = stateDir.resolve("zabbix_server_node2.conf");
            String conf = Files.readString(serverConf)
                    .replaceAll("(?m)^(ListenPort|LogFile|PidFile|HANodeName|NodeAddress|SocketDir)=.*\n", "")
                    + "ListenPort=" + secondPort + "\nLogFile=" + secondLog + "\nPidFile=" + secondPidFile + "\n"
                    + haSettings("node2", secondPort, dir);
            Files.writeString(secondConf, conf);
            Files.setPosixFilePermissions(secondConf, PosixFilePermissions.fromString("rw-r--r--"));
            run(List.of(ZABBIX_SERVER.toString(), "-c", secondConf.toString()));
            await("node2 listed as standby").atMost(READY_TIMEOUT).pollInterval(Duration.ofMillis(250))
                    .until(() -> haStatus().lines().anyMatch(l -> l.contains("node2") && l.contains("standby")));
            return secondPort;
        } catch (IOException e) {
            throw new UncheckedIOException("starting node2", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("starting node2 interrupted", e);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + tail("node2 log", secondLog), e);
        }
    }

    /** {@code zabbix_server -R ha_status}, asked of node1 (of node2 once node1 is gone). */
    public String haStatus() throws IOException, InterruptedException {
        Path conf = serverPid > 0 && isRunning(serverPid) ? serverConf : secondConf;
        return run(List.of(ZABBIX_SERVER.toString(), "-c", conf.toString(), "-R", "ha_status"));
    }

    /** {@code zabbix_server -R ha_set_failover_delay=<seconds>s}: 10 s is the shortest Zabbix allows. */
    public void setFailoverDelay(Duration delay) throws IOException, InterruptedException {
        run(List.of(ZABBIX_SERVER.toString(), "-c", serverConf.toString(), "-R",
                "ha_set_failover_delay=" + delay.toSeconds() + "s"));
    }

    /**
     * SIGKILL to node1 and every process it started, at once, as a machine that dies: nothing is flushed and
     * the database still says node1 is active until the failover delay has passed.
     */
    public void killActiveNode() {
        ProcessHandle main = ProcessHandle.of(serverPid)
                .orElseThrow(() -> new IllegalStateException("node1 (pid " + serverPid + ") is not running"));
        List<ProcessHandle> all = new ArrayList<>(main.descendants().toList());
        all.add(0, main);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : all) {
            waitForExit(process.pid(), STOP_TIMEOUT);
        }
    }

    /**
     * Stops the server process alone, as an operator does for maintenance: SIGTERM, waited for (it flushes its
     * history cache first). PostgreSQL and the API keep running, so history stays readable; the trapper port
     * refuses connections until {@link #startServerAgain()}. Callers of the {@link #shared()} instance must
     * start it again (in a {@code finally}) before other tests use it.
     */
    public synchronized void stopServer() {
        try {
            stopZabbixServer();
            // A pid file left behind would name the dead process to the start-up check of the next start.
            Files.deleteIfExists(serverPidFile);
        } catch (IOException e) {
            throw new UncheckedIOException("stopping zabbix_server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopping zabbix_server interrupted", e);
        }
    }

    /**
     * Starts the server process again after {@link #stopServer()}, with the same configuration and trapper
     * port; returns once the trapper accepts connections. Its configuration cache is loaded at start-up, so
     * every item created before is accepted at once.
     */
    public synchronized void startServerAgain() {
        try {
            launchZabbixServer();
        } catch (IOException e) {
            throw new UncheckedIOException("starting zabbix_server again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("starting zabbix_server again interrupted", e);
        }
    }

    /** The second node's log so far, for assertion messages. */
    public String standbyLog() throws IOException {
        return secondLog != null && Files.exists(secondLog) ? Files.readString(secondLog) : "";
    }

    /**
     * Calls one JSON-RPC method as Admin and returns its {@code result}.
     *
     * @param params anything Jackson can serialise: a {@code Map}, a {@code List}, a {@code JsonNode}
     * @throws IllegalStateException if the API answers with an {@code error}; the message holds its
     *     {@code message} and {@code data}
     */
    public JsonNode call(String method, Object params) {
        ObjectNode request = json.createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("method", method);
        request.set("params", json.valueToTree(params));
        synchronized (this) {
            request.put("id", ++requestIds);
            // apiinfo.version refuses an auth field; user.login has no token yet.
            if (authToken != null && !method.equals("apiinfo.version") && !method.equals("user.login")) {
                request.put("auth", authToken);
            }
        }
        JsonNode reply;
        try {
            HttpRequest httpRequest = HttpRequest.newBuilder(URI.create(apiUrl()))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json-rpc")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(request)))
                    .build();
            HttpResponse<String> response = http.send(httpRequest, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(method + ": HTTP " + response.statusCode() + " (expected: 200): "
                        + response.body());
            }
            reply = json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " failed at " + apiUrl(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", e);
        }
        JsonNode error = reply.get("error");
        if (error != null) {
            throw new IllegalStateException(method + " failed: " + error.path("message").asText() + " "
                    + error.path("data").asText() + " (params: " + request.get("params") + ")");
        }
        return reply.get("result");
    }

    /** Creates a monitored host without interfaces in the fixture's host group; returns its hostid. */
    public String createHost(String hostName) {
        JsonNode result = call("host.create", Map.of(
                "host", hostName,
                "groups", List.of(Map.of("groupid", hostGroupId))));
        return result.get("hostids").get(0).asText();
    }

    /**
     * Creates an enabled trapper item (type 2) named after its key; returns its itemid. The trapper accepts
     * values for it only after {@link #reloadConfigCache()} (or up to 10 s later on its own).
     */
    public String createTrapperItem(String hostId, String key, ValueType valueType) {
        JsonNode result = call("item.create", Map.of(
                "hostid", hostId,
                "name", key,
                "key_", key,
                "type", TRAPPER_ITEM_TYPE,
                "value_type", valueType.code()));
        return result.get("itemids").get(0).asText();
    }

    /**
     * Makes the server's configuration cache see every host and item created so far, and returns only when
     * it does. It creates one more trapper item on a probe host, asks for {@code config_cache_reload} and
     * sends a value to the probe with {@code zabbix_sender} until the trapper accepts it: one sync pass loads
     * every change at once, so what was created before the probe is in the cache too.
     */
    public synchronized void reloadConfigCache() {
        if (probeHostId == null) {
            probeHostId = createHost(PROBE_HOST);
        }
        String probeKey = "courier.fixture.probe[" + (++probeItems) + "]";
        createTrapperItem(probeHostId, probeKey, ValueType.UNSIGNED);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try {
            while (true) {
                run(List.of(ZABBIX_SERVER.toString(), "-c", serverConf.toString(), "-R", "config_cache_reload"));
                // A reload asked for while a sync pass is running can be folded into that pass, so ask again
                // if the probe is not accepted within a few seconds.
                long retryAt = Math.min(deadline, System.nanoTime() + Duration.ofSeconds(3).toNanos());
                while (System.nanoTime() < retryAt) {
                    CommandResult probe = exec(List.of(ZABBIX_SENDER.toString(), "-z", "127.0.0.1",
                            "-p", Integer.toString(trapperPort), "-s", PROBE_HOST, "-k", probeKey, "-o", "1"),
                            Map.of(), null, COMMAND_TIMEOUT);
                    if (probe.exitCode() == 0) {
                        return;
                    }
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                if (System.nanoTime() >= deadline) {
                    throw new IllegalStateException("configuration cache did not pick up " + probeKey + " within "
                            + READY_TIMEOUT + "\n" + tail("zabbix server log", serverLog));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("config_cache_reload failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("config_cache_reload interrupted", e);
        }
    }

    /**
     * Every value stored for the item, oldest first (by clock, then ns), read with SQL from all five history
     * tables and rendered as PostgreSQL prints them ({@code 1.5}, {@code 42}, the text itself). An unknown
     * host or key gives an empty list.
     */
    public List<String> historyValues(String host, String key) {
        StringBuilder union = new StringBuilder();
        for (ValueType type : ValueType.values()) {
            if (union.length() > 0) {
                union.append(" UNION ALL ");
            }
            union.append("SELECT itemid, clock, ns, value::text AS value FROM ").append(type.historyTable());
        }
        String sql = "SELECT v.value FROM hosts h JOIN items i ON i.hostid = h.hostid JOIN (" + union
                + ") v ON v.itemid = i.itemid WHERE h.host = :'host' AND i.key_ = :'key' ORDER BY v.clock, v.ns;\n";
        try {
            // psql interpolates :'var' only in script input, not in -c, so the query goes to stdin.
            String out = run(List.of(psql(), "-X", "-q", "-A", "-t", "-0", "-v", "ON_ERROR_STOP=1",
                    "-h", "127.0.0.1", "-p", Integer.toString(pgPort), "-U", DB_USER, "-d", DB_NAME,
                    "-v", "host=" + host, "-v", "key=" + key, "-f", "-"),
                    Map.of("PGPASSWORD", DB_PASSWORD), sql.getBytes(StandardCharsets.UTF_8));
            // -0 ends every record with NUL (the last one too), so values may hold newlines.
            if (out.endsWith("\0")) {
                out = out.substring(0, out.length() - 1);
            } else if (out.isEmpty()) {
                return List.of();
            }
            return List.of(out.split("\0", -1));
        } catch (IOException e) {
            throw new UncheckedIOException("reading history of " + host + " " + key, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("reading history interrupted", e);
        }
    }

    /** The whole zabbix_server log so far, for assertion messages ("skipped N duplicates" only shows here). */
    public String serverLog() {
        try {
            return Files.exists(serverLog) ? Files.readString(serverLog, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops PHP, the server and PostgreSQL (each waited for), restores {@code zabbix.conf.php} and deletes
     * the state directory; the directory is kept, and its path logged, if something could not be stopped.
     * Idempotent. Does nothing on the {@link #shared()} instance, which its shutdown hook stops.
     *
     * @throws IllegalStateException if a step failed; every step is still attempted
     */
    @Override
    public void close() {
        if (isShared) {
            return;
        }
        removeShutdownHook();
        stop();
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to; stop() is idempotent.
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Start-up

    private void boot() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        requireRoot();
        pgBin = findPostgresBin();
        for (Path binary : List.of(RUNUSER, ZABBIX_SERVER, ZABBIX_SENDER, PHP, pgBin.resolve("initdb"))) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is missing; run scripts/install-test-deps.sh as root");
            }
        }
        for (String dump : DUMPS) {
            if (!Files.isReadable(SCHEMA_DIR.resolve(dump))) {
                throw new IllegalStateException(SCHEMA_DIR.resolve(dump)
                        + " is missing; run scripts/install-test-deps.sh as root");
            }
        }
        acquireFrontendLock();

        stateDir = Files.createTempDirectory("courier-zabbix-");
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        log.info("Starting a real Zabbix server in {}", stateDir);

        startPostgres();
        long t1 = System.nanoTime();
        createDatabase();
        long t2 = System.nanoTime();
        startZabbixServer();
        long t3 = System.nanoTime();
        startFrontend();
        prepareApi();
        long t4 = System.nanoTime();
        log.info("Zabbix server ready in {} ms (postgres {} ms, database {} ms, zabbix_server {} ms, API {} ms):"
                        + " trapper 127.0.0.1:{}, API {}, PostgreSQL 127.0.0.1:{}",
                millis(t4 - t0), millis(t1 - t0), millis(t2 - t1), millis(t3 - t2), millis(t4 - t3),
                trapperPort, apiUrl(), pgPort);
    }

    private static void requireRoot() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        id.waitFor();
        if (!uid.equals("0")) {
            throw new IllegalStateException("RealZabbixServer must run as root (uid " + uid
                    + "): it runs PostgreSQL as user postgres and zabbix_server drops to user zabbix");
        }
    }

    private static Path findPostgresBin() throws IOException {
        if (!Files.isDirectory(POSTGRES_ROOT)) {
            throw new IllegalStateException(POSTGRES_ROOT + " is missing; run scripts/install-test-deps.sh as root");
        }
        try (Stream<Path> versions = Files.list(POSTGRES_ROOT)) {
            return versions
                    .filter(dir -> Files.isExecutable(dir.resolve("bin/initdb")))
                    .max(Comparator.comparingInt(RealZabbixServer::majorVersion))
                    .map(dir -> dir.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("no " + POSTGRES_ROOT
                            + "/*/bin/initdb; run scripts/install-test-deps.sh as root"));
        }
    }

    private static int majorVersion(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void acquireFrontendLock() throws IOException, InterruptedException {
        lockChannel = FileChannel.open(FRONTEND_LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        frontendLock = lockChannel.tryLock();
        if (frontendLock != null) {
            return;
        }
        log.info("Waiting up to {} for another process using {} (lock {})", LOCK_TIMEOUT, FRONTEND_CONFIG,
                FRONTEND_LOCK);
        long deadline = System.nanoTime() + LOCK_TIMEOUT.toNanos();
        while (frontendLock == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("another process held " + FRONTEND_LOCK + " for " + LOCK_TIMEOUT
                        + "; only one Zabbix frontend can run per machine");
            }
            TimeUnit.MILLISECONDS.sleep(500);
            frontendLock = lockChannel.tryLock();
        }
    }

    private void startPostgres() throws IOException, InterruptedException {
        postgresDir = stateDir.resolve("postgres");
        pgData = postgresDir.resolve("data");
        pgLog = postgresDir.resolve("postgres.log");
        Files.createDirectories(postgresDir.resolve("socket"));
        chown(postgresDir, "postgres");
        chown(postgresDir.resolve("socket"), "postgres");
        pgPort = freePort();

        Path template = schemaTemplate().resolve("data");
        if (Files.isDirectory(template)) {
            log.info("Copying the imported cluster from {}", template);
            // cp -a keeps the owner postgres and mode 0700 that the server insists on.
            run(List.of("cp", "-a", template.toString(), pgData.toString()));
            schemaImported = true;
        } else {
            runAs("postgres", List.of(pgBin.resolve("initdb").toString(), "-D", pgData.toString(),
                    "-U", "postgres", "-E", "UTF8", "--locale=C", "--auth-local=trust",
                    "--auth-host=scram-sha-256", "--no-sync"));
        }
        pgCtlStart();
    }

    private void pgCtlStart() throws IOException, InterruptedException {
        // Settings go on the command line, not into postgresql.conf, so a copied cluster needs no edits.
        // Throw-away data: durability off makes the schema import several times faster.
        String options = String.join(" ",
                "-c listen_addresses=127.0.0.1",
                "-p " + pgPort,
                "-k " + postgresDir.resolve("socket"),
                "-c max_connections=100",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                // minimal WAL skips logging the rows of tables created in the import's own transaction,
                // and a small min_wal_size keeps the saved copy of the cluster small.
                "-c wal_level=minimal",
                "-c max_wal_senders=0",
                "-c min_wal_size=32MB",
                "-c max_wal_size=256MB");
        runAs("postgres", List.of(pgBin.resolve("pg_ctl").toString(), "-D", pgData.toString(),
                "-l", pgLog.toString(), "-o", options, "-w", "-t", "60", "start"));
        postgresStarted = true;
    }

    private void pgCtlStop() throws IOException, InterruptedException {
        runAs("postgres", List.of(pgBin.resolve("pg_ctl").toString(), "-D", pgData.toString(),
                "-m", "fast", "-w", "-t", "60", "stop"));
        postgresStarted = false;
    }

    /**
     * Where a cleanly stopped cluster with the freshly imported schema is kept, so that only the first start
     * on a machine pays for the import (12-30 s on 2 shared cores). The key changes with the PostgreSQL
     * version and the packaged dumps. Creation is serialised by the frontend lock, and the directory is
     * renamed into place only when complete. Delete {@link #TEMPLATE_ROOT} to force a fresh import.
     */
    private Path schemaTemplate() throws IOException {
        StringBuilder identity = new StringBuilder(TEMPLATE_FORMAT).append('|').append(pgBin)
                .append('|').append(DB_USER).append(':').append(DB_PASSWORD);
        for (String dump : DUMPS) {
            Path file = SCHEMA_DIR.resolve(dump);
            identity.append('|').append(dump).append(':').append(Files.size(file)).append(':')
                    .append(Files.getLastModifiedTime(file).toMillis());
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(identity.toString().getBytes(StandardCharsets.UTF_8));
            return TEMPLATE_ROOT.resolve(HexFormat.of().formatHex(digest, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void createDatabase() throws IOException, InterruptedException {
        if (schemaImported) {
            return;
        }
        Path socketDir = postgresDir.resolve("socket");
        runAs("postgres", List.of(psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", socketDir.toString(), "-p", Integer.toString(pgPort), "-U", "postgres", "-d", "postgres",
                "-c", "CREATE ROLE " + DB_USER + " LOGIN PASSWORD '" + DB_PASSWORD + "'",
                "-c", "CREATE DATABASE " + DB_NAME + " OWNER " + DB_USER + " ENCODING 'UTF8' TEMPLATE template0"));
        // schema, images, data in this order; double.sql and history_pk_prepare.sql are upgrade scripts.
        ByteSink importer = stdin -> {
            for (String dump : DUMPS) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(SCHEMA_DIR.resolve(dump)), 1 << 16)) {
                    in.transferTo(stdin);
                }
            }
        };
        run(List.of(psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                "-h", "127.0.0.1", "-p", Integer.toString(pgPort), "-U", DB_USER, "-d", DB_NAME, "-f", "-"),
                Map.of("PGPASSWORD", DB_PASSWORD), importer);
        schemaImported = true;
        saveSchemaTemplate();
    }

    private void saveSchemaTemplate() throws IOException, InterruptedException {
        Path template = schemaTemplate();
        Path partial = TEMPLATE_ROOT.resolve(template.getFileName() + ".partial-" + ProcessHandle.current().pid());
        pgCtlStop();
        try {
            Files.createDirectories(partial);
            run(List.of("cp", "-a", pgData.toString(), partial.resolve("data").toString()));
            Files.move(partial, template, StandardCopyOption.ATOMIC_MOVE);
            log.info("Saved the imported cluster to {} for later starts", template);
        } catch (IOException e) {
            log.warn("Could not save the imported cluster to {}; every start will import again", template, e);
            run(List.of("rm", "-rf", partial.toString()));
        }
        pgCtlStart();
    }

    private void startZabbixServer() throws IOException, InterruptedException {
        Path zabbixDir = stateDir.resolve("zabbix");
        Files.createDirectories(zabbixDir);
        chown(zabbixDir, "zabbix");
        serverLog = zabbixDir.resolve("zabbix_server.log");
        serverPidFile = zabbixDir.resolve("zabbix_server.pid");
        serverConf = stateDir.resolve("zabbix_server.conf");
        trapperPort = freeListenPort();
        // Sized for 2 shared cores (PEERS.md); every Start* that may be 0 is 0, the others are at their minimum.
        String conf = String.join("\n",
                "ListenIP=127.0.0.1",
                "ListenPort=" + trapperPort,
                "SourceIP=127.0.0.1",
                "LogFile=" + serverLog,
                "LogFileSize=0",
                "DebugLevel=3",
                "PidFile=" + serverPidFile,
                "DBHost=127.0.0.1",
                "DBPort=" + pgPort,
                "DBName=" + DB_NAME,
                "DBUser=" + DB_USER,
                "DBPassword=" + DB_PASSWORD,
                "StartPollers=1",
                "StartPollersUnreachable=1",
                "StartPreprocessors=2",
                "StartTrappers=5",
                "StartLLDProcessors=1",
                "StartDBSyncers=4",
                "StartTimers=1",
                "StartEscalators=1",
                "StartAlerters=1",
                "StartIPMIPollers=0",
                "StartHistoryPollers=0",
                "StartPingers=0",
                "StartDiscoverers=0",
                "StartHTTPPollers=0",
                "StartJavaPollers=0",
                "StartVMwareCollectors=0",
                "StartSNMPTrapper=0",
                "StartProxyPollers=0",
                "StartReportWriters=0",
                "StartODBCPollers=0",
                "CacheSize=16M",
                "HistoryCacheSize=32M",
                "HistoryIndexCacheSize=8M",
                "TrendCacheSize=4M",
                "ValueCacheSize=8M",
                "CacheUpdateFrequency=10",
                "HousekeepingFrequency=0",
                "Timeout=4",
                "StatsAllowedIP=127.0.0.1",
                "");
        if (tls != null) {
            conf += tlsSettings(zabbixDir);
        }
        if (haCluster) {
            conf += haSettings("node1", trapperPort, zabbixDir);
        }
        Files.writeString(serverConf, conf);
        Files.setPosixFilePermissions(serverConf, PosixFilePermissions.fromString("rw-r--r--"));

        launchZabbixServer();
    }

    /** Runs zabbix_server with {@code serverConf} and returns once its trapper accepts connections. */
    private void launchZabbixServer() throws IOException, InterruptedException {
        // Daemonises: the command returns once the pid file is written; the server drops to user zabbix.
        run(List.of(ZABBIX_SERVER.toString(), "-c", serverConf.toString()));
        try {
            await("zabbix_server trapper on 127.0.0.1:" + trapperPort)
                    .atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        OptionalLong pid = readPid(serverPidFile);
                        if (pid.isPresent()) {
                            serverPid = pid.getAsLong();
                            if (!isRunning(serverPid)) {
                                throw new IllegalStateException("zabbix_server (pid " + serverPid + ") exited");
                            }
                        }
                        return accepts(trapperPort);
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private String tlsSettings(Path zabbixDir) throws IOException {
        Path tlsDir = zabbixDir.resolve("tls");
        Files.createDirectories(tlsDir);
        List<String> lines = new ArrayList<>();
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("TLSCAFile", tls.caFile());
        files.put("TLSCertFile", tls.certFile());
        files.put("TLSKeyFile", tls.keyFile());
        for (Map.Entry<String, Path> file : files.entrySet()) {
            Path copy = tlsDir.resolve(file.getKey() + ".pem");
            Files.copy(file.getValue(), copy, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("r--------"));
            chown(copy, "zabbix");
            lines.add(file.getKey() + "=" + copy);
        }
        chown(tlsDir, "zabbix");
        return String.join("\n", lines) + "\n";
    }

    private void startFrontend() throws IOException, InterruptedException {
        String original = Files.exists(FRONTEND_CONFIG) ? Files.readString(FRONTEND_CONFIG) : null;
        if (original != null && original.contains(FRONTEND_CONFIG_MARKER)) {
            // Left by a JVM that was killed before close(): the backup, if any, holds the real original.
            log.warn("{} was left by an earlier test run; restoring from {} on close", FRONTEND_CONFIG,
                    FRONTEND_CONFIG_BACKUP);
        } else if (original != null) {
            Files.copy(FRONTEND_CONFIG, FRONTEND_CONFIG_BACKUP, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
        } else {
            Files.deleteIfExists(FRONTEND_CONFIG_BACKUP);
        }
        frontendConfigWritten = true;
        String conf = String.join("\n",
                "<?php",
                FRONTEND_CONFIG_MARKER,
                "// The original, if there was one, is in " + FRONTEND_CONFIG_BACKUP + " until the test ends.",
                "$DB['TYPE'] = 'POSTGRESQL';",
                "$DB['SERVER'] = '127.0.0.1';",
                "$DB['PORT'] = '" + pgPort + "';",
                "$DB['DATABASE'] = '" + DB_NAME + "';",
                "$DB['USER'] = '" + DB_USER + "';",
                "$DB['PASSWORD'] = '" + DB_PASSWORD + "';",
                "$DB['SCHEMA'] = '';",
                "$DB['ENCRYPTION'] = false;",
                "$DB['KEY_FILE'] = '';",
                "$DB['CERT_FILE'] = '';",
                "$DB['CA_FILE'] = '';",
                "$DB['VERIFY_HOST'] = false;",
                "$DB['CIPHER_LIST'] = '';",
                "$DB['VAULT_URL'] = '';",
                "$DB['VAULT_DB_PATH'] = '';",
                "$DB['VAULT_TOKEN'] = '';",
                "$DB['DOUBLE_IEEE754'] = true;",
                "$ZBX_SERVER = '127.0.0.1';",
                "$ZBX_SERVER_PORT = '" + trapperPort + "';",
                "$ZBX_SERVER_NAME = 'courier-test';",
                "$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;",
                "");
        Files.writeString(FRONTEND_CONFIG, conf);
        Files.setPosixFilePermissions(FRONTEND_CONFIG, PosixFilePermissions.fromString("rw-r--r--"));

        apiPort = freePort();
        phpLog = stateDir.resolve("php.log");
        php = new ProcessBuilder(PHP.toString(), "-S", "127.0.0.1:" + apiPort, "-t", FRONTEND_ROOT.toString())
                .directory(stateDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(phpLog.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        try {
            await("Zabbix API at " + apiUrl())
                    .atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(UncheckedIOException.class)
                    .until(() -> {
                        if (!php.isAlive()) {
                            throw new IllegalStateException("php -S exited with " + php.exitValue());
                        }
                        if (!accepts(apiPort)) {
                            return false;
                        }
                        return call("apiinfo.version", List.of()).asText().startsWith("6.");
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void prepareApi() {
        JsonNode token = call("user.login", Map.of("user", "Admin", "password", "zabbix"));
        synchronized (this) {
            authToken = token.asText();
        }
        // Its agent checks fail every few seconds and fill the log; nothing here monitors it.
        JsonNode stock = call("host.get", Map.of("output", List.of("hostid"),
                "filter", Map.of("host", List.of("Zabbix server"))));
        for (JsonNode host : stock) {
            call("host.update", Map.of("hostid", host.get("hostid").asText(), "status", HOST_DISABLED));
        }
        hostGroupId = call("hostgroup.create", Map.of("name", HOST_GROUP)).get("groupids").get(0).asText();
    }

    private IllegalStateException abortStart(Throwable cause) {
        Path relevantLog = php != null ? phpLog
                : serverConf != null ? serverLog
                : pgLog;
        String label = php != null ? "php -S log" : serverConf != null ? "zabbix server log" : "postgres log";
        IllegalStateException failure = new IllegalStateException("RealZabbixServer failed to start: "
                + cause.getMessage() + (relevantLog == null ? "" : "\n" + tail(label, relevantLog)), cause);
        removeShutdownHook();
        try {
            stop();
        } catch (RuntimeException stopFailure) {
            failure.addSuppressed(stopFailure);
        }
        return failure;
    }

    // ---------------------------------------------------------------------------------------------------
    // Shutdown

    private void stopAfterShutdown() {
        try {
            stop();
        } catch (RuntimeException e) {
            log.error("Stopping the Zabbix server at JVM exit failed", e);
        }
    }

    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        long t0 = System.nanoTime();
        List<Exception> failures = new ArrayList<>();
        attempt(failures, this::stopPhp);
        attempt(failures, this::stopZabbixServer);
        attempt(failures, this::stopSecondNode);
        attempt(failures, this::stopPostgres);
        attempt(failures, this::restoreFrontendConfig);
        attempt(failures, this::releaseFrontendLock);
        if (failures.isEmpty()) {
            attempt(failures, this::deleteStateDir);
        } else if (stateDir != null) {
            log.warn("Keeping {} for diagnosis", stateDir);
        }
        synchronized (INSTANCE_GUARD) {
            if (running == this) {
                running = null;
            }
        }
        log.info("Zabbix server stopped in {} ms", millis(System.nanoTime() - t0));
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("stopping RealZabbixServer failed: "
                    + failures.get(0).getMessage(), failures.get(0));
            failures.stream().skip(1).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(List<Exception> failures, Step step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(e);
        } catch (Exception e) {
            failures.add(e);
        }
    }

    private void stopPhp() throws InterruptedException {
        if (php == null) {
            return;
        }
        php.destroy();
        if (!php.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            php.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            throw new IllegalStateException("php -S ignored SIGTERM for " + STOP_TIMEOUT + "; killed");
        }
    }

    private void stopZabbixServer() throws IOException, InterruptedException {
        if (serverPidFile == null) {
            return;
        }
        // The pid file may have appeared after the start-up wait gave up.
        OptionalLong fromFile = readPid(serverPidFile);
        if (fromFile.isPresent()) {
            serverPid = fromFile.getAsLong();
        }
        if (serverPid < 0 || !isRunning(serverPid)) {
            return;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(serverPid);
        if (handle.isEmpty()) {
            return;
        }
        List<ProcessHandle> children = handle.get().descendants().toList();
        // SIGTERM: the main process stops its children, flushes the history cache and exits.
        handle.get().destroy();
        if (waitForExit(serverPid, STOP_TIMEOUT)) {
            return;
        }
        children.forEach(ProcessHandle::destroyForcibly);
        handle.get().destroyForcibly();
        waitForExit(serverPid, STOP_TIMEOUT);
        throw new IllegalStateException("zabbix_server (pid " + serverPid + ") ignored SIGTERM for " + STOP_TIMEOUT
                + "; killed\n" + tail("zabbix server log", serverLog));
    }

    private void stopSecondNode() throws IOException {
        if (secondPidFile == null) {
            return;
        }
        OptionalLong pid = readPid(secondPidFile);
        if (pid.isEmpty() || !isRunning(pid.getAsLong())) {
            return;
        }
        ProcessHandle handle = ProcessHandle.of(pid.getAsLong()).orElse(null);
        if (handle == null) {
            return;
        }
        List<ProcessHandle> children = handle.descendants().toList();
        handle.destroy();
        if (!waitForExit(pid.getAsLong(), STOP_TIMEOUT)) {
            children.forEach(ProcessHandle::destroyForcibly);
            handle.destroyForcibly();
            throw new IllegalStateException("zabbix_server node2 (pid " + pid.getAsLong() + ") ignored SIGTERM");
        }
    }

    private void stopPostgres() throws IOException, InterruptedException {
        if (pgData == null || !Files.exists(pgData.resolve("postmaster.pid"))) {
            return;
        }
        try {
            pgCtlStop();
        } catch (IOException e) {
            if (postgresStarted) {
                throw e;
            }
            // pg_ctl start failed half-way; "not running" is fine then.
        }
    }

    private void restoreFrontendConfig() throws IOException {
        if (!frontendConfigWritten) {
            return;
        }
        if (Files.exists(FRONTEND_CONFIG_BACKUP)) {
            Files.move(FRONTEND_CONFIG_BACKUP, FRONTEND_CONFIG, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(FRONTEND_CONFIG);
        }
    }

    private void releaseFrontendLock() throws IOException {
        if (lockChannel != null) {
            // Closing the channel releases the lock; the empty lock file stays for the next run.
            lockChannel.close();
        }
    }

    private void deleteStateDir() throws IOException {
        if (stateDir == null || !Files.exists(stateDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(stateDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Processes

    private record CommandResult(int exitCode, String output) {
    }

    /** Writes a command's standard input; the stream is closed afterwards. */
    private interface ByteSink {
        void writeTo(OutputStream stdin) throws IOException;
    }

    private String runAs(String user, List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of(RUNUSER.toString(), "-u", user, "--"));
        full.addAll(command);
        return run(full);
    }

    private String run(List<String> command) throws IOException, InterruptedException {
        return run(command, Map.of(), (ByteSink) null);
    }

    private String run(List<String> command, Map<String, String> env, byte[] stdin)
            throws IOException, InterruptedException {
        return run(command, env, out -> out.write(stdin));
    }

    private String run(List<String> command, Map<String, String> env, ByteSink stdin)
            throws IOException, InterruptedException {
        CommandResult result = exec(command, env, stdin, COMMAND_TIMEOUT);
        if (result.exitCode() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + result.exitCode() + " (expected: 0)\n"
                    + lastLines(result.output()));
        }
        return result.output();
    }

    /**
     * Output goes to a file, never a pipe: pg_ctl and zabbix_server leave daemons behind that would inherit
     * a pipe and keep it open.
     */
    private CommandResult exec(List<String> command, Map<String, String> env, ByteSink stdin, Duration timeout)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile(stateDir, "command-", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(stateDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(env);
            if (stdin == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            Process process = builder.start();
            if (stdin != null) {
                try (OutputStream out = process.getOutputStream()) {
                    stdin.writeTo(out);
                } catch (IOException brokenPipe) {
                    // The command exited early; its exit code and output explain why.
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IOException(String.join(" ", command) + ": no exit within " + timeout + "\n"
                        + lastLines(Files.readString(output)));
            }
            return new CommandResult(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private String psql() {
        return pgBin.resolve("psql").toString();
    }

    private static void chown(Path path, String user) throws IOException {
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName(user));
        view.setGroup(users.lookupPrincipalByGroupName(user));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * zabbix_server takes ListenPort only in 1024-32767 ("wrong value of ListenPort" otherwise), while port 0
     * yields ephemeral ports from 32768 up on Linux; so probe random ports below the ephemeral range.
     */
    private static int freeListenPort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32768);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException inUse) {
                // try another
            }
        }
        throw new IOException("no free port in 20000-32767 on 127.0.0.1 after 200 attempts");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static OptionalLong readPid(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return OptionalLong.empty();
        }
        String text = Files.readString(pidFile).trim();
        return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    }

    /**
     * A daemonised process is not our child, so once it exits it may stay a zombie until init reaps it;
     * ProcessHandle.isAlive() counts zombies as alive, /proc/PID/stat says 'Z'.
     */
    private static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String afterName = stat.substring(stat.lastIndexOf(')') + 1).trim();
            return !afterName.startsWith("Z") && !afterName.startsWith("X");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean waitForExit(long pid, Duration timeout) {
        try {
            await("exit of pid " + pid).atMost(timeout).pollInterval(Duration.ofMillis(50))
                    .until(() -> !isRunning(pid));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private static String tail(String label, Path file) {
        if (file == null || !Files.exists(file)) {
            return "(no " + label + ")";
        }
        try {
            return "--- last lines of " + label + " " + file + " ---\n" + lastLines(Files.readString(file));
        } catch (IOException e) {
            return "(" + label + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static String lastLines(String text) {
        String[] lines = text.split("\n", -1);
        return String.join("\n", Arrays.asList(lines).subList(Math.max(0, lines.length - LOG_TAIL_LINES), lines.length));
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
