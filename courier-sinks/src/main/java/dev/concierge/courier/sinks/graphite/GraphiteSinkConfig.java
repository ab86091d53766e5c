package dev.concierge.courier.sinks.graphite;

import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.SettingProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configuration of one Graphite sink; the keys of {@code sample.yaml} beside this package. Immutable;
 * {@link #of} applies the defaults, which live here and nowhere else.
 *
 * @param name           the sink's name, unique among sinks
 * @param servers        the carbon line receivers, in the order {@link Mode#FAILOVER} prefers them; at least one
 * @param mode           how a line picks its server
 * @param template       the path template, see {@link GraphitePathTemplate}
 * @param tags           send the labels as Graphite tags ({@code path;label=value}) instead of through
 *                       {@code {labels}}
 * @param prefix         put before every path, such as {@code courier} or {@code dc1.courier}; empty for none
 * @param connectTimeout how long to wait for a TCP connection
 * @param writeTimeout   how long one batch may take to be written and flushed to the socket
 * @param maxBatchSize   the most samples in one batch, which is one write per server
 * @param nameEscaping   how Prometheus names outside the legacy set are escaped before keys, paths or lines
 *                       are rendered ({@code name_escaping}); null = {@link NameEscaping#DEFAULT}
 */
public record GraphiteSinkConfig(String name, List<Server> servers, Mode mode, String template, boolean tags,
                                 String prefix, Duration connectTimeout, Duration writeTimeout, int maxBatchSize,
        NameEscaping nameEscaping) {

    /** Carbon's plaintext line receiver port (PROTOCOLS.md §5.1). */
    public static final int DEFAULT_PORT = 2003;
    public static final Mode DEFAULT_MODE = Mode.FAILOVER;
    public static final String DEFAULT_TEMPLATE = "{host}.{type}.{name}.{field}.{labels}";
    public static final boolean DEFAULT_TAGS = false;
    public static final String DEFAULT_PREFIX = "";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_BATCH_SIZE = 1000;

    /** A batch is one write per server; larger writes only make a broken connection resend more. */
    static final int MAX_BATCH_SIZE = 100_000;
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(300);

    // Dot-separated elements of the characters GraphitePaths keeps, nothing empty.
    private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*)?");

    /** How each line chooses among {@link #servers}. */
    public enum Mode {
        /** Every line to the first server in list order that is not marked down. */
        FAILOVER,
        /**
         * Each series (path with its tags) to one server chosen by a stable hash of it, so one series always
         * lands in the same whisper file; while that server is marked down, to the next one in list order.
         */
        HASH;

        /** The name used in configuration: {@code failover}, {@code hash}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One carbon line receiver. */
    public record Server(String host, int port) {
        public static Server of(String host, int port) {
            return new Server(host, port);
        }

        /** {@code host:port}, with brackets around an IPv6 address. */
        @Override
        public String toString() {
            return host != null && host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /** With the default {@link NameEscaping#DEFAULT}. */
    public GraphiteSinkConfig(String name, List<Server> servers, Mode mode, String template, boolean tags,
                              String prefix, Duration connectTimeout, Duration writeTimeout, int maxBatchSize) {
        this(name, servers, mode, template, tags, prefix, connectTimeout, writeTimeout, maxBatchSize, NameEscaping.DEFAULT);
    }

    /** @throws IllegalArgumentException listing every invalid field, one {@code field: found (expected: rule)} each */
    public GraphiteSinkConfig {
        nameEscaping = nameEscaping == null ? NameEscaping.DEFAULT : nameEscaping;
        servers = servers == null ? null : List.copyOf(servers);
        List<SettingProblem> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add(SettingProblem.of("name", quote(name), "a non-empty name"));
        }
        if (servers == null || servers.isEmpty()) {
            problems.add(SettingProblem.of("servers", "none", "at least one host:port"));
        } else {
            Set<Server> seen = new HashSet<>();
            for (int i = 0; i < servers.size(); i++) {
                Server s = servers.get(i);
                if (s.host() == null || s.host().isBlank()) {
                    problems.add(SettingProblem.of("servers[" + i + "]", "host " + quote(s.host()), "a host name or address"));
                }
                if (s.port() < 1 || s.port() > 65535) {
                    problems.add(SettingProblem.of("servers[" + i + "]", "port " + s.port(), "1..65535"));
                }
                if (!seen.add(s)) {
                    problems.add(SettingProblem.of("servers[" + i + "]", s + " listed twice", "each server once"));
                }
            }
        }
        if (mode == null) {
            problems.add(SettingProblem.of("mode", "null", "failover or hash"));
        }
        if (template == null) {
            problems.add(SettingProblem.of("template", "null", "a path template such as " + DEFAULT_TEMPLATE));
        } else {
            problems.addAll(GraphitePathTemplate.problems(template));
        }
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            problems.add(SettingProblem.of("prefix", quote(prefix), "empty, or dot-separated elements of A-Z a-z 0-9 _ -, none empty"));
        }
        checkTimeout(problems, "connect_timeout", connectTimeout);
        checkTimeout(problems, "write_timeout", writeTimeout);
        if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE) {
            problems.add(SettingProblem.of("max_batch_size", String.valueOf(maxBatchSize), "1.." + MAX_BATCH_SIZE));
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException("graphite sink " + quote(name), problems);
        }
    }

    /** Every default: failover, the default template, no tags, no prefix, 3 s, 10 s, 1000 samples. */
    public static GraphiteSinkConfig of(String name, List<Server> servers) {
        return new GraphiteSinkConfig(name, servers, DEFAULT_MODE, DEFAULT_TEMPLATE, DEFAULT_TAGS, DEFAULT_PREFIX,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_WRITE_TIMEOUT, DEFAULT_MAX_BATCH_SIZE);
    }

    /** Every default, one server. */
    public static GraphiteSinkConfig of(String name, String host, int port) {
        return of(name, List.of(Server.of(host, port)));
    }

    /** A copy that escapes Prometheus names with {@code nameEscaping}; null = the default. */
    public GraphiteSinkConfig withNameEscaping(NameEscaping nameEscaping) {
        return new GraphiteSinkConfig(name, servers, mode, template, tags, prefix, connectTimeout, writeTimeout, maxBatchSize, nameEscaping);
    }

    public GraphiteSinkConfig withMode(Mode mode) {
        return new GraphiteSinkConfig(name, servers, mode, template, tags, prefix, connectTimeout, writeTimeout,
                maxBatchSize, nameEscaping);
    }

    public GraphiteSinkConfig withTemplate(String template) {
        return new GraphiteSinkConfig(name, servers, mode, template, tags, prefix, connectTimeout, writeTimeout,
                maxBatchSize, nameEscaping);
    }

    public GraphiteSinkConfig withTags(boolean tags) {
        return new GraphiteSinkConfig(name, servers, mode, template, tags, prefix, connectTimeout, writeTimeout,
                maxBatchSize, nameEscaping);
    }

    public GraphiteSinkConfig withPrefix(String prefix) {
        return new GraphiteSinkConfig(name, servers, mode, template, tags, prefix, connectTimeout, writeTimeout,
                maxBatchSize, nameEscaping);
    }

    public GraphiteSinkConfig withTimeouts(Duration connectTimeout, Duration writeTimeout) {
        return new GraphiteSinkConfig(name, servers, mode, template, tags, prefix, connectTimeout, writeTimeout,
                maxBatchSize, nameEscaping);
    }

    public GraphiteSinkConfig withMaxBatchSize(int maxBatchSize) {
        return new GraphiteSinkConfig(name, servers, mode, template, tags, prefix, connectTimeout, writeTimeout,
                maxBatchSize, nameEscaping);
    }

    /** The servers as {@code host:port}, comma-separated, for log lines and summaries. */
    public String serverList() {
        return String.join(", ", servers.stream().map(Server::toString).toList());
    }

    private static void checkTimeout(List<SettingProblem> problems, String key, Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            problems.add(SettingProblem.of(key, String.valueOf(timeout), "> 0 and <= 300s"));
        }
    }

    private static String quote(String s) {
        return s == null ? "null" : '"' + s + '"';
    }
}
