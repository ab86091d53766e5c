package dev.concierge.courier.app.wiring;

import dev.concierge.courier.app.config.ByteSize;
import dev.concierge.courier.app.config.ConfigNode;
import dev.concierge.courier.app.config.ConfigProblems;
import dev.concierge.courier.app.config.HostPort;
import dev.concierge.courier.core.pipeline.Backoff;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.sinks.file.FileSink;
import dev.concierge.courier.sinks.file.FileSinkConfig;
import dev.concierge.courier.sinks.graphite.GraphiteSink;
import dev.concierge.courier.sinks.graphite.GraphiteSinkConfig;
import dev.concierge.courier.sinks.http.HttpAuth;
import dev.concierge.courier.sinks.http.HttpSink;
import dev.concierge.courier.sinks.http.HttpSinkConfig;
import dev.concierge.courier.sinks.http.HttpTrustStore;
import dev.concierge.courier.sinks.zabbix.ZabbixDiscoveryConfig;
import dev.concierge.courier.sinks.zabbix.ZabbixSink;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig;
import dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog of sink types, and the delivery settings every sink shares ({@code backoff},
 * {@code backlog_size}). Adding a sink is one binder method here plus its package in courier-sinks.
 */
final class BuiltInSinks {
    private static final Logger LOG = LoggerFactory.getLogger(BuiltInSinks.class);
    static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(500);
    static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(60);
    static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    static final ByteSize DEFAULT_BACKLOG_SIZE = ByteSize.parse("64MiB");
    private static final List<String> COMMON_KEYS = List.of("name", "type", "backoff", "backlog_size");

    private interface Binder {
        SinkDefinition bind(ConfigNode node, String name, Delivery delivery, ConfigProblems problems);
    }

    /** The settings the pipeline, not the plugin, applies; and {@code data_dir}, null when unknown. */
    private record Delivery(Backoff backoff, long backlogBytes, Path dataDir) {
    }

    private static final Map<String, Binder> BINDERS = Map.of("zabbix", BuiltInSinks::zabbix,
            "file", BuiltInSinks::file, "http", BuiltInSinks::http, "graphite", BuiltInSinks::graphite);

    private BuiltInSinks() {
    }

    static List<String> types() {
        return BINDERS.keySet().stream().sorted().toList();
    }

    /** Binds one {@code sinks[i]} entry; null when it has problems (recorded in {@code problems}). */
    static SinkDefinition bind(ConfigNode node, ConfigProblems problems) {
        return bind(node, null, problems);
    }

    /** As {@link #bind(ConfigNode, ConfigProblems)}, keeping sink state (Zabbix discovery) in {@code dataDir}. */
    static SinkDefinition bind(ConfigNode node, Path dataDir, ConfigProblems problems) {
        String name = node.requiredString("name", problems);
        String type = node.requiredChoice("type", types(), problems);
        Delivery delivery = delivery(node, dataDir, problems);
        if (type == null) {
            return null;
        }
        return BINDERS.get(type).bind(node, name, delivery, problems);
    }

    private static Delivery delivery(ConfigNode node, Path dataDir, ConfigProblems problems) {
        ConfigNode backoff = node.optionalMapping("backoff", problems);
        backoff.expectKeys(problems, "initial", "max", "multiplier");
        Duration initial = backoff.optionalDuration("initial", DEFAULT_BACKOFF_INITIAL, problems);
        Duration max = backoff.optionalDuration("max", DEFAULT_BACKOFF_MAX, problems);
        String multiplierText = backoff.optionalString("multiplier", null, problems);
        double multiplier = DEFAULT_BACKOFF_MULTIPLIER;
        if (multiplierText != null) {
            try {
                multiplier = Double.parseDouble(multiplierText);
            } catch (NumberFormatException e) {
                multiplier = Double.NaN;
            }
            if (!(multiplier >= 1.0 && multiplier <= 10.0)) {
                problems.add(backoff.child("multiplier").orElse(backoff), multiplierText, "a number from 1 to 10");
                multiplier = DEFAULT_BACKOFF_MULTIPLIER;
            }
        }
        if (max.compareTo(initial) < 0) {
            problems.add(backoff, "max " + max + " below initial " + initial, "max >= initial");
            max = initial;
        }
        if (initial.isZero() || initial.isNegative()) {
            problems.add(backoff, "initial " + initial, "more than 0");
            initial = DEFAULT_BACKOFF_INITIAL;
            max = max.compareTo(initial) < 0 ? initial : max;
        }
        ByteSize backlog = node.optionalSize("backlog_size", DEFAULT_BACKLOG_SIZE, problems);
        return new Delivery(FullJitterBackoff.of(initial, max, multiplier), Math.max(1, backlog.bytes()), dataDir);
    }

    private static SinkDefinition zabbix(ConfigNode node, String name, Delivery delivery, ConfigProblems problems) {
        int before = problems.count();
        expectKeys(node, problems, "server", "host", "max_rows_per_frame", "max_in_flight", "connect_timeout",
                "read_timeout", "compression", "tls", "discovery");
        HostPort server = node.requiredHostPort("server", ZabbixSinkConfig.DEFAULT_SERVER_PORT, problems);
        String host = node.optionalString("host", null, problems);
        int rows = node.optionalInt("max_rows_per_frame", 1, 100_000, ZabbixSinkConfig.DEFAULT_MAX_ROWS_PER_FRAME,
                problems);
        int inFlight = node.optionalInt("max_in_flight", 1, 256, ZabbixSinkConfig.DEFAULT_MAX_IN_FLIGHT, problems);
        Duration connect = node.optionalDuration("connect_timeout", ZabbixSinkConfig.DEFAULT_CONNECT_TIMEOUT,
                problems);
        Duration read = node.optionalDuration("read_timeout", ZabbixSinkConfig.DEFAULT_READ_TIMEOUT, problems);
        boolean compression = node.optionalBoolean("compression", ZabbixSinkConfig.DEFAULT_COMPRESSION, problems);
        ZabbixTlsConfig tls = zabbixTls(node.optionalMapping("tls", problems), problems);
        ZabbixDiscoveryConfig discovery = zabbixDiscovery(node, name, delivery.dataDir(), problems);
        if (problems.count() > before) {
            return null;
        }
        ZabbixSinkConfig config = Plugins.build(node, problems, () -> new ZabbixSinkConfig(name, server.host(),
                server.port(), host, rows, inFlight, connect, read, compression, tls));
        if (config == null) {
            return null;
        }
        String summary = config.server() + (host == null ? "" : " as host " + host)
                + (tls.encrypted() ? " over TLS (" + tls.connect().configName() + ")" : "")
                + (discovery == null ? "" : ", discovery on");
        return new SinkDefinition(name, "zabbix", summary, delivery.backoff(), delivery.backlogBytes(),
                Arrays.asList(config, discovery, CredentialFiles.of(tls.caFile(), tls.certFile(), tls.keyFile())),
                () -> ZabbixSink.create(config, discovery));
    }

    /**
     * {@code discovery: {enabled, min_interval, forget_after, hold, hold_max_size}}; null when absent or not
     * enabled. The state lives in {@code <data_dir>/zabbix-discovery/<sink name>.json}.
     */
    private static ZabbixDiscoveryConfig zabbixDiscovery(ConfigNode sink, String name, Path dataDir,
                                                         ConfigProblems problems) {
        ConfigNode node = sink.optionalMapping("discovery", problems);
        node.expectKeys(problems, "enabled", "min_interval", "forget_after", "hold", "hold_max_size");
        boolean enabled = node.optionalBoolean("enabled", false, problems);
        Duration minInterval = node.optionalDuration("min_interval", ZabbixDiscoveryConfig.DEFAULT_MIN_INTERVAL,
                problems);
        Duration forgetAfter = node.optionalDuration("forget_after", ZabbixDiscoveryConfig.DEFAULT_FORGET_AFTER,
                problems);
        Duration hold = node.optionalDuration("hold", ZabbixDiscoveryConfig.DEFAULT_HOLD, problems);
        ByteSize holdSize = node.optionalSize("hold_max_size",
                ByteSize.ofBytes(ZabbixDiscoveryConfig.DEFAULT_HOLD_MAX_BYTES), problems);
        if (!enabled || name == null) {
            return null;
        }
        Path state = dataDir == null ? null
                : dataDir.resolve("zabbix-discovery").resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
        return Plugins.build(node, problems, () -> new ZabbixDiscoveryConfig(minInterval, forgetAfter, hold,
                holdSize.bytes(), state));
    }

    /**
     * {@code tls: {connect, ca_file, cert_file, key_file, server_cert_issuer, server_cert_subject}}; absent =
     * unencrypted. The files are read here, so a missing or unreadable one stops the load with the rest.
     */
    private static ZabbixTlsConfig zabbixTls(ConfigNode tls, ConfigProblems problems) {
        if (tls.keys().isEmpty()) {
            return ZabbixTlsConfig.UNENCRYPTED;
        }
        int before = problems.count();
        List<String> files = List.of("ca_file", "cert_file", "key_file");
        tls.expectKeys(problems, "connect", "ca_file", "cert_file", "key_file", "server_cert_issuer",
                "server_cert_subject");
        int beforeConnect = problems.count();
        String connectName = tls.optionalChoice("connect", ZabbixTlsConfig.Connect.configNames(),
                ZabbixTlsConfig.Connect.UNENCRYPTED.configName(), problems);
        if (problems.count() > beforeConnect) {
            return null; // with connect unknown, which of the other keys belong is unknown too
        }
        ZabbixTlsConfig.Connect mode = ZabbixTlsConfig.Connect.ofConfigName(connectName);
        if (mode == ZabbixTlsConfig.Connect.UNENCRYPTED) {
            for (String key : tls.keys()) {
                if (!key.equals("connect")) {
                    tls.child(key).ifPresent(at -> problems.add(at, "a " + key,
                            "absent with connect unencrypted, or connect: cert"));
                }
            }
            return problems.count() > before ? null : ZabbixTlsConfig.UNENCRYPTED;
        }
        List<Path> paths = new ArrayList<>();
        for (String key : files) {
            String path = tls.requiredString(key, problems);
            Path file = null;
            try {
                file = path == null || !path.startsWith("/") ? null : Path.of(path);
            } catch (InvalidPathException e) {
                // a NUL, reported below like a relative path
            }
            if (path != null && file == null) {
                // Never echo key material pasted where its path belongs.
                String found = path.contains("PRIVATE KEY") ? "PEM text" : '"' + path + '"';
                problems.add(tls.child(key).orElse(tls), found, "an absolute path to a PEM file");
            }
            paths.add(file);
        }
        String issuer = tls.optionalString("server_cert_issuer", null, problems);
        String subject = tls.optionalString("server_cert_subject", null, problems);
        if (problems.count() > before) {
            return null;
        }
        ZabbixTlsConfig config = new ZabbixTlsConfig(mode, paths.get(0), paths.get(1), paths.get(2), issuer, subject);
        for (ZabbixTlsConfig.FileProblem problem : config.fileProblems()) {
            problems.add(tls.child(problem.key()).orElse(tls), '"' + problem.file().toString() + '"',
                    problem.expected());
        }
        return config;
    }

    private static SinkDefinition file(ConfigNode node, String name, Delivery delivery, ConfigProblems problems) {
        int before = problems.count();
        expectKeys(node, problems, "path", "host", "fsync", "max_batch_size", "rotate_size");
        String path = node.requiredString("path", problems);
        String host = node.optionalString("host", null, problems);
        String fsync = node.optionalChoice("fsync", FileSinkConfig.Fsync.configNames(),
                FileSinkConfig.DEFAULT_FSYNC.configName(), problems);
        int maxBatchSize = node.optionalInt("max_batch_size", 1, 100_000, FileSinkConfig.DEFAULT_MAX_BATCH_SIZE,
                problems);
        ByteSize rotateSize = node.optionalSize("rotate_size", null, problems);
        if (rotateSize != null && rotateSize.bytes() == 0) {
            ConfigNode at = node.child("rotate_size").orElse(node);
            problems.add(at, '"' + at.text() + '"', "more than 0, or absent for no rotation");
        }
        if (path != null && !path.startsWith("/")) {
            ConfigNode at = node.child("path").orElse(node);
            problems.add(at, '"' + path + '"', "an absolute path to a file");
        }
        if (problems.count() > before) {
            return null;
        }
        // Path.of refuses a NUL with InvalidPathException, an IllegalArgumentException: reported like the rest.
        FileSinkConfig config = Plugins.build(node, problems, () -> new FileSinkConfig(name, Path.of(path), host,
                FileSinkConfig.Fsync.ofConfigName(fsync), maxBatchSize,
                rotateSize == null ? FileSinkConfig.DEFAULT_ROTATE_SIZE : rotateSize.bytes()));
        if (config == null) {
            return null;
        }
        String summary = config.path() + (host == null ? "" : " as host " + host);
        return new SinkDefinition(name, "file", summary, delivery.backoff(), delivery.backlogBytes(), config,
                () -> FileSink.create(config));
    }

    private static SinkDefinition http(ConfigNode node, String name, Delivery delivery, ConfigProblems problems) {
        int before = problems.count();
        expectKeys(node, problems, "url", "format", "gzip", "headers", "auth", "tls", "connect_timeout",
                "read_timeout", "max_in_flight", "max_batch_size");
        URI url = node.requiredUrl("url", problems);
        List<String> formats = Arrays.stream(HttpSinkConfig.Format.values()).map(HttpSinkConfig.Format::configName)
                .toList();
        HttpSinkConfig.Format format = HttpSinkConfig.Format.byConfigName(node.optionalChoice("format", formats,
                HttpSinkConfig.DEFAULT_FORMAT.configName(), problems));
        boolean gzip = node.optionalBoolean("gzip", HttpSinkConfig.DEFAULT_GZIP, problems);
        ConfigNode headersNode = node.optionalMapping("headers", problems);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header : headersNode.keys()) {
            headers.put(header, headersNode.optionalString(header, "", problems));
        }
        HttpAuth auth = httpAuth(node.optionalMapping("auth", problems), problems);
        HttpTrustStore trustStore = trustStore(node.optionalMapping("tls", problems), problems);
        Duration connect = node.optionalDuration("connect_timeout", HttpSinkConfig.DEFAULT_CONNECT_TIMEOUT, problems);
        Duration read = node.optionalDuration("read_timeout", HttpSinkConfig.DEFAULT_READ_TIMEOUT, problems);
        int inFlight = node.optionalInt("max_in_flight", 1, 64, HttpSinkConfig.DEFAULT_MAX_IN_FLIGHT, problems);
        int batch = node.optionalInt("max_batch_size", 1, 100_000, HttpSinkConfig.DEFAULT_MAX_BATCH_SIZE, problems);
        if (problems.count() > before) {
            return null;
        }
        HttpSinkConfig config = Plugins.build(node, problems, () -> new HttpSinkConfig(name, url, format, gzip,
                headers, auth, trustStore, connect, read, inFlight, batch));
        if (config == null) {
            return null;
        }
        for (String warning : config.warnings()) {
            LOG.warn("{}: {}: {}", node.position(), node.path(), warning);
        }
        String summary = config.format().configName() + " to " + config.endpoint();
        return new SinkDefinition(name, "http", summary, delivery.backoff(), delivery.backlogBytes(),
                Arrays.asList(config, CredentialFiles.of(trustStore == null ? null : trustStore.path())),
                () -> HttpSink.create(config));
    }

    /** {@code auth: {type: basic, user, password}} or {@code {type: bearer, token}}; null when absent. */
    private static HttpAuth httpAuth(ConfigNode auth, ConfigProblems problems) {
        if (auth.keys().isEmpty()) {
            return null;
        }
        auth.expectKeys(problems, "type", "user", "password", "token");
        String type = auth.requiredChoice("type", List.of("basic", "bearer"), problems);
        if ("basic".equals(type)) {
            String user = auth.requiredString("user", problems);
            Secret password = auth.requiredSecret("password", problems);
            auth.child("token").ifPresent(token -> problems.add(token, "a token", "no token with type basic"));
            return user == null || password == null ? null : new HttpAuth.Basic(user, password);
        }
        if ("bearer".equals(type)) {
            Secret token = auth.requiredSecret("token", problems);
            for (String key : List.of("user", "password")) {
                auth.child(key).ifPresent(node -> problems.add(node, "a " + key, "no " + key + " with type bearer"));
            }
            return token == null ? null : new HttpAuth.Bearer(token);
        }
        return null;
    }

    /** {@code tls: {trust_store, trust_store_password, trust_store_type}}; null when absent. */
    private static HttpTrustStore trustStore(ConfigNode tls, ConfigProblems problems) {
        if (tls.keys().isEmpty()) {
            return null;
        }
        tls.expectKeys(problems, "trust_store", "trust_store_password", "trust_store_type");
        String path = tls.requiredString("trust_store", problems);
        Secret password = tls.optionalSecret("trust_store_password", null, problems);
        String type = tls.optionalChoice("trust_store_type", List.of("PKCS12", "JKS"), HttpTrustStore.DEFAULT_TYPE,
                problems);
        return path == null ? null : new HttpTrustStore(Path.of(path), password, type);
    }

    private static void expectKeys(ConfigNode node, ConfigProblems problems, String... pluginKeys) {
        List<String> known = new ArrayList<>(COMMON_KEYS);
        known.addAll(Arrays.asList(pluginKeys));
        node.expectKeys(problems, known.toArray(String[]::new));
    }

    private static SinkDefinition graphite(ConfigNode node, String name, Delivery delivery, ConfigProblems problems) {
        int before = problems.count();
        expectKeys(node, problems, "server", "servers", "mode", "template", "tags", "prefix", "connect_timeout",
                "write_timeout", "max_batch_size");
        List<HostPort> servers = graphiteServers(node, problems);
        List<String> modes = List.of(GraphiteSinkConfig.Mode.FAILOVER.configName(),
                GraphiteSinkConfig.Mode.HASH.configName());
        String mode = node.optionalChoice("mode", modes, GraphiteSinkConfig.DEFAULT_MODE.configName(), problems);
        String template = node.optionalString("template", GraphiteSinkConfig.DEFAULT_TEMPLATE, problems);
        boolean tags = node.optionalBoolean("tags", GraphiteSinkConfig.DEFAULT_TAGS, problems);
        String prefix = node.optionalString("prefix", GraphiteSinkConfig.DEFAULT_PREFIX, problems);
        Duration connect = node.optionalDuration("connect_timeout", GraphiteSinkConfig.DEFAULT_CONNECT_TIMEOUT,
                problems);
        Duration write = node.optionalDuration("write_timeout", GraphiteSinkConfig.DEFAULT_WRITE_TIMEOUT, problems);
        int batch = node.optionalInt("max_batch_size", 1, 100_000, GraphiteSinkConfig.DEFAULT_MAX_BATCH_SIZE,
                problems);
        if (problems.count() > before) {
            return null;
        }
        GraphiteSinkConfig config = Plugins.build(node, problems, () -> new GraphiteSinkConfig(name,
                servers.stream().map(s -> GraphiteSinkConfig.Server.of(s.host(), s.port())).toList(),
                GraphiteSinkConfig.Mode.valueOf(mode.toUpperCase(Locale.ROOT)), template, tags, prefix, connect,
                write, batch));
        if (config == null) {
            return null;
        }
        String summary = config.serverList() + (servers.size() > 1 ? " (" + mode + ")" : "");
        return new SinkDefinition(name, "graphite", summary, delivery.backoff(), delivery.backlogBytes(), config,
                () -> GraphiteSink.create(config));
    }

    /** {@code server: host:port} or {@code servers: [host:port, ...]}, exactly one of them. */
    private static List<HostPort> graphiteServers(ConfigNode node, ConfigProblems problems) {
        boolean single = node.child("server").isPresent();
        boolean list = node.child("servers").isPresent();
        if (single && list) {
            problems.add(node, "both server and servers", "exactly one of them");
            return List.of();
        }
        if (single) {
            HostPort server = node.requiredHostPort("server", GraphiteSinkConfig.DEFAULT_PORT, problems);
            return server == null ? List.of() : List.of(server);
        }
        if (!list) {
            problems.add(node, "neither server nor servers", "exactly one of them");
            return List.of();
        }
        List<HostPort> servers = new ArrayList<>();
        List<ConfigNode> elements = node.requiredList("servers", problems);
        if (elements.isEmpty() && node.child("servers").get().isList()) {
            problems.add(node.child("servers").get(), "an empty list", "at least one host:port");
        }
        for (ConfigNode element : elements) {
            if (!element.isScalar() || element.isNull()) {
                problems.add(element, element.isNull() ? "null" : "a " + element.kind().name().toLowerCase(Locale.ROOT),
                        "host:port such as graphite.example.org:2003");
                continue;
            }
            try {
                servers.add(HostPort.parse(element.text(), GraphiteSinkConfig.DEFAULT_PORT));
            } catch (IllegalArgumentException e) {
                problems.add(element, '"' + element.text() + '"', "host:port such as graphite.example.org:2003");
            }
        }
        return servers;
    }
}
