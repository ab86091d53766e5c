package dev.concierge.courier.sinks.zabbix;

import dev.concierge.courier.core.spi.PeerProbe;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.settings.InvalidValueException;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.RendersSamples;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.SinkType;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.client.ZabbixServerNodes;
import dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * {@code type: zabbix}: the Zabbix sender (trapper) protocol, with low-level discovery; see {@code sample.yaml}.
 *
 * <p>Renders what the sink sends as rows {@code host<TAB>key<TAB>value}: the frames on the wire are JSON,
 * possibly compressed, with a clock per row, none of which helps a reader choose item keys. In each field a
 * backslash, a tab, a line feed and a carriage return are written {@code \\}, {@code \t}, {@code \n} and
 * {@code \r}, so a row is always one line of three fields. Rows come in the samples' order; the sink groups them
 * into frames by host and orders each frame by time.
 */
public final class ZabbixSinkType implements SinkType<ZabbixSinkType.Config>, RendersSamples<ZabbixSinkType.Config> {

    /**
     * A Zabbix sink's whole configuration.
     *
     * @param discovery null when discovery is off
     * @param api       null when refused values get no reasons
     */
    public record Config(ZabbixSinkConfig sink, ZabbixDiscoveryConfig discovery, ZabbixApiConfig api) {
        public Config {
            Objects.requireNonNull(sink, "sink");
        }

        /** Without an API. */
        public Config(ZabbixSinkConfig sink, ZabbixDiscoveryConfig discovery) {
            this(sink, discovery, null);
        }
    }

    @Override
    public String name() {
        return "zabbix";
    }

    @Override
    public Config bind(Settings settings, PluginContext context) {
        int before = settings.problemCount();
        settings.expectKeys("server", "host", "max_rows_per_frame", "max_in_flight", "connect_timeout",
                "read_timeout", "compression", "tls", "discovery", "api", NameEscaping.KEY);
        ZabbixServerNodes server = servers(settings);
        String host = settings.optionalString("host", null);
        int rows = settings.optionalInt("max_rows_per_frame", 1, 100_000, ZabbixSinkConfig.DEFAULT_MAX_ROWS_PER_FRAME);
        int inFlight = settings.optionalInt("max_in_flight", 1, 256, ZabbixSinkConfig.DEFAULT_MAX_IN_FLIGHT);
        Duration connect = settings.optionalDuration("connect_timeout", ZabbixSinkConfig.DEFAULT_CONNECT_TIMEOUT);
        Duration read = settings.optionalDuration("read_timeout", ZabbixSinkConfig.DEFAULT_READ_TIMEOUT);
        boolean compression = settings.optionalBoolean("compression", ZabbixSinkConfig.DEFAULT_COMPRESSION);
        ZabbixTlsConfig tls = tls(settings.optionalMapping("tls"));
        ZabbixDiscoveryConfig discovery = discovery(settings, context);
        ZabbixApiConfig api = api(settings.optionalMapping("api"));
        NameEscaping nameEscaping = NameEscaping.bind(settings);
        if (settings.problemCount() > before) {
            return null;
        }
        ZabbixSinkConfig sink = settings.build(() -> new ZabbixSinkConfig(context.name(), server,
                host, rows, inFlight, connect, read, compression, tls, nameEscaping));
        return sink == null ? null : new Config(sink, discovery, api);
    }

    /** {@code api: {url, token}}; null when absent. */
    private static ZabbixApiConfig api(Settings api) {
        if (api.keys().isEmpty()) {
            return null;
        }
        int before = api.problemCount();
        api.expectKeys("url", "token");
        java.net.URI url = api.requiredUrl("url");
        dev.concierge.courier.core.spi.Secret token = api.requiredSecret("token");
        return api.problemCount() > before ? null : new ZabbixApiConfig(url, token);
    }

    /** {@code server: a:10051;b:10051}: one server, or the nodes of an HA cluster; null after a problem. */
    private static ZabbixServerNodes servers(Settings settings) {
        int before = settings.problemCount();
        String text = settings.optionalString("server", null);
        if (text == null) {
            if (settings.problemCount() == before) {
                settings.requiredHostPort("server", ZabbixSinkConfig.DEFAULT_SERVER_PORT); // says missing or null
            }
            return null;
        }
        try {
            return ZabbixServerNodes.parse(text.strip(), ZabbixSinkConfig.DEFAULT_SERVER_PORT);
        } catch (InvalidValueException e) {
            settings.problem("server", InvalidValueException.quote(text), e.expected());
            return null;
        }
    }

    /**
     * {@code discovery: {enabled, min_interval, forget_after, hold, hold_max_size}}; null when absent or not
     * enabled. The state lives in {@code <data_dir>/zabbix-discovery/<sink name>.json}.
     */
    private static ZabbixDiscoveryConfig discovery(Settings sink, PluginContext context) {
        Settings settings = sink.optionalMapping("discovery");
        settings.expectKeys("enabled", "min_interval", "forget_after", "hold", "hold_max_size");
        boolean enabled = settings.optionalBoolean("enabled", false);
        Duration minInterval = settings.optionalDuration("min_interval", ZabbixDiscoveryConfig.DEFAULT_MIN_INTERVAL);
        Duration forgetAfter = settings.optionalDuration("forget_after", ZabbixDiscoveryConfig.DEFAULT_FORGET_AFTER);
        Duration hold = settings.optionalDuration("hold", ZabbixDiscoveryConfig.DEFAULT_HOLD);
        ByteSize holdSize = settings.optionalSize("hold_max_size",
                ByteSize.ofBytes(ZabbixDiscoveryConfig.DEFAULT_HOLD_MAX_BYTES));
        if (!enabled || context.name() == null) {
            return null;
        }
        Path state = context.dataDir() == null ? null
                : context.dataDir().resolve("zabbix-discovery").resolve(context.fileSafeName() + ".json");
        return sink.build(() -> new ZabbixDiscoveryConfig(minInterval, forgetAfter, hold, holdSize.bytes(), state));
    }

    /**
     * {@code tls: {connect, ca_file, cert_file, key_file, server_cert_issuer, server_cert_subject, psk_identity,
     * psk_file}}; absent = unencrypted. The files are read here, so a missing or unreadable one stops the load
     * with the rest.
     */
    private static ZabbixTlsConfig tls(Settings tls) {
        if (tls.keys().isEmpty()) {
            return ZabbixTlsConfig.UNENCRYPTED;
        }
        int before = tls.problemCount();
        tls.expectKeys("connect", "ca_file", "cert_file", "key_file", "server_cert_issuer", "server_cert_subject",
                "psk_identity", "psk_file");
        int beforeConnect = tls.problemCount();
        String connectName = tls.optionalChoice("connect", ZabbixTlsConfig.Connect.configNames(),
                ZabbixTlsConfig.Connect.UNENCRYPTED.configName());
        if (tls.problemCount() > beforeConnect) {
            return null; // with connect unknown, which of the other keys belong is unknown too
        }
        ZabbixTlsConfig.Connect mode = ZabbixTlsConfig.Connect.ofConfigName(connectName);
        List<String> belong = switch (mode) {
            case UNENCRYPTED -> List.of("connect");
            case CERT -> List.of("connect", "ca_file", "cert_file", "key_file", "server_cert_issuer",
                    "server_cert_subject");
            case PSK -> List.of("connect", "psk_identity", "psk_file");
        };
        for (String key : tls.keys()) {
            if (!belong.contains(key)) {
                tls.problem(key, "a " + key, mode == ZabbixTlsConfig.Connect.UNENCRYPTED
                        ? "absent with connect unencrypted, or connect: cert or psk"
                        : "absent with connect " + mode.configName());
            }
        }
        if (mode == ZabbixTlsConfig.Connect.UNENCRYPTED) {
            return tls.problemCount() > before ? null : ZabbixTlsConfig.UNENCRYPTED;
        }
        if (mode == ZabbixTlsConfig.Connect.PSK) {
            String identity = tls.requiredString("psk_identity");
            Path pskFile = absolutePath(tls, "psk_file", "a file holding the key in hex");
            if (tls.problemCount() > before) {
                return null;
            }
            return withFileProblems(tls, ZabbixTlsConfig.psk(identity, pskFile));
        }
        List<Path> paths = new ArrayList<>();
        for (String key : List.of("ca_file", "cert_file", "key_file")) {
            paths.add(absolutePath(tls, key, "a PEM file"));
        }
        String issuer = tls.optionalString("server_cert_issuer", null);
        String subject = tls.optionalString("server_cert_subject", null);
        if (tls.problemCount() > before) {
            return null;
        }
        return withFileProblems(tls, new ZabbixTlsConfig(mode, paths.get(0), paths.get(1), paths.get(2), issuer,
                subject));
    }

    /** A required absolute path; null, with a problem reported, when it is missing or not one. */
    private static Path absolutePath(Settings tls, String key, String what) {
        String path = tls.requiredString(key);
        Path file = null;
        try {
            file = path == null || !path.startsWith("/") ? null : Path.of(path);
        } catch (InvalidPathException e) {
            // a NUL, reported below like a relative path
        }
        if (path != null && file == null) {
            // Never echo key material pasted where its path belongs.
            String found = path.contains("PRIVATE KEY") ? "PEM text"
                    : path.matches("[0-9a-fA-F]{16,}\\s*") ? "hex digits" : '"' + path + '"';
            tls.problem(key, found, "an absolute path to " + what);
        }
        return file;
    }

    private static ZabbixTlsConfig withFileProblems(Settings tls, ZabbixTlsConfig config) {
        for (ZabbixTlsConfig.FileProblem problem : config.fileProblems()) {
            tls.problem(problem.key(), '"' + problem.file().toString() + '"', problem.expected());
        }
        return config;
    }

    @Override
    public NameEscaping nameEscaping(Config config) {
        return config.sink().nameEscaping();
    }

    @Override
    public String summary(Config config) {
        ZabbixSinkConfig sink = config.sink();
        ZabbixTlsConfig tls = sink.tls();
        return sink.server() + (sink.host() == null ? "" : " as host " + sink.host())
                + (tls.encrypted() ? " over TLS (" + tls.connect().configName() + ")" : "")
                + (config.discovery() == null ? "" : ", discovery on")
                + (config.api() == null ? "" : ", reasons from " + config.api().url());
    }

    @Override
    public Sink create(Config config) {
        return ZabbixSink.create(config.sink(), config.discovery(), config.api());
    }

    @Override
    public List<Path> watchedFiles(Config config) {
        ZabbixTlsConfig tls = config.sink().tls();
        return Arrays.asList(tls.caFile(), tls.certFile(), tls.keyFile(), tls.pskFile());
    }

    /**
     * The rows the sink would send for {@code samples}, made by {@link Row#of} and skipped by the same rules as
     * {@link ZabbixSink#send}. With discovery on, the LLD values a sink without saved state would send ahead
     * of them come first, one row per rule with its complete value; the state file is not read.
     */
    @Override
    public void render(Config config, List<Sample> samples, Output out) {
        ZabbixSinkConfig sink = config.sink();
        List<Sample> sent = new ArrayList<>(samples.size());
        List<Row> rows = new ArrayList<>(samples.size());
        List<Runnable> skips = new ArrayList<>();
        Instant latest = Instant.EPOCH;
        for (Sample sample : samples) {
            if (sample.value() instanceof SampleValue.Decimal d && !d.isFinite()) {
                skips.add(() -> out.skipped(sample, "non-finite value"));
                continue;
            }
            Sample named = sink.nameEscaping().apply(sample);
            Row row = Row.of(named, sink.host());
            if (ZabbixSink.exceedsLimits(row)) {
                skips.add(() -> out.skipped(sample, ZabbixSink.OVERSIZED));
                continue;
            }
            sent.add(named);
            rows.add(row);
            latest = latest.isAfter(sample.timestamp()) ? latest : sample.timestamp();
        }
        if (config.discovery() != null) {
            ZabbixDiscoveryConfig discovery = config.discovery();
            ZabbixDiscoveryConfig withoutState = new ZabbixDiscoveryConfig(discovery.minInterval(),
                    discovery.forgetAfter(), discovery.hold(), discovery.holdMaxBytes(), null);
            for (LldTracker.Due due : new LldTracker(sink.name(), withoutState, latest).observe(sent, rows, latest)) {
                out.line(row(due.host(), due.ruleKey(), due.value()));
            }
        }
        for (Row row : rows) {
            out.line(row(row.host(), row.key(), row.value()));
        }
        skips.forEach(Runnable::run);
    }

    private static String row(String host, String key, String value) {
        StringBuilder line = new StringBuilder(host.length() + key.length() + value.length() + 8);
        escaped(line, host).append('\t');
        escaped(line, key).append('\t');
        return escaped(line, value).toString();
    }

    private static StringBuilder escaped(StringBuilder line, String field) {
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            switch (c) {
                case '\\' -> line.append("\\\\");
                case '\t' -> line.append("\\t");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                default -> line.append(c);
            }
        }
        return line;
    }

    /** A TCP connection to the server (the trapper), without a request. */
    @Override
    public List<PeerProbe> probes(Config config) {
        return List.of(PeerProbe.tcp(config.sink().serverHost(), config.sink().serverPort()));
    }
}
