package dev.concierge.courier.app.wiring;

import dev.concierge.courier.app.config.ByteSize;
import dev.concierge.courier.app.config.ConfigNode;
import dev.concierge.courier.app.config.ConfigProblems;
import dev.concierge.courier.app.config.HostPort;
import dev.concierge.courier.core.pipeline.Backoff;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.sinks.graphite.GraphiteSink;
import dev.concierge.courier.sinks.graphite.GraphiteSinkConfig;
import dev.concierge.courier.sinks.zabbix.ZabbixSink;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The catalog of sink types, and the delivery settings every sink shares ({@code backoff},
 * {@code backlog_size}). Adding a sink is one binder method here plus its package in courier-sinks.
 */
final class BuiltInSinks {
    static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(500);
    static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(60);
    static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    static final ByteSize DEFAULT_BACKLOG_SIZE = ByteSize.parse("64MiB");
    private static final List<String> COMMON_KEYS = List.of("name", "type", "backoff", "backlog_size");

    private interface Binder {
        SinkDefinition bind(ConfigNode node, String name, Delivery delivery, ConfigProblems problems);
    }

    /** The settings the pipeline, not the plugin, applies. */
    private record Delivery(Backoff backoff, long backlogBytes) {
    }

    private static final Map<String, Binder> BINDERS = Map.of("zabbix", BuiltInSinks::zabbix,
            "graphite", BuiltInSinks::graphite);

    private BuiltInSinks() {
    }

    static List<String> types() {
        return BINDERS.keySet().stream().sorted().toList();
    }

    /** Binds one {@code sinks[i]} entry; null when it has problems (recorded in {@code problems}). */
    static SinkDefinition bind(ConfigNode node, ConfigProblems problems) {
        String name = node.requiredString("name", problems);
        String type = node.requiredChoice("type", types(), problems);
        Delivery delivery = delivery(node, problems);
        if (type == null) {
            return null;
        }
        return BINDERS.get(type).bind(node, name, delivery, problems);
    }

    private static Delivery delivery(ConfigNode node, ConfigProblems problems) {
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
        return new Delivery(FullJitterBackoff.of(initial, max, multiplier), Math.max(1, backlog.bytes()));
    }

    private static SinkDefinition zabbix(ConfigNode node, String name, Delivery delivery, ConfigProblems problems) {
        int before = problems.count();
        expectKeys(node, problems, "server", "host", "max_rows_per_frame", "max_in_flight", "connect_timeout",
                "read_timeout", "compression");
        HostPort server = node.requiredHostPort("server", ZabbixSinkConfig.DEFAULT_SERVER_PORT, problems);
        String host = node.optionalString("host", null, problems);
        int rows = node.optionalInt("max_rows_per_frame", 1, 100_000, ZabbixSinkConfig.DEFAULT_MAX_ROWS_PER_FRAME,
                problems);
        int inFlight = node.optionalInt("max_in_flight", 1, 256, ZabbixSinkConfig.DEFAULT_MAX_IN_FLIGHT, problems);
        Duration connect = node.optionalDuration("connect_timeout", ZabbixSinkConfig.DEFAULT_CONNECT_TIMEOUT,
                problems);
        Duration read = node.optionalDuration("read_timeout", ZabbixSinkConfig.DEFAULT_READ_TIMEOUT, problems);
        boolean compression = node.optionalBoolean("compression", ZabbixSinkConfig.DEFAULT_COMPRESSION, problems);
        if (problems.count() > before) {
            return null;
        }
        ZabbixSinkConfig config = Plugins.build(node, problems, () -> new ZabbixSinkConfig(name, server.host(),
                server.port(), host, rows, inFlight, connect, read, compression));
        if (config == null) {
            return null;
        }
        String summary = config.server() + (host == null ? "" : " as host " + host);
        return new SinkDefinition(name, "zabbix", summary, delivery.backoff(), delivery.backlogBytes(),
                () -> ZabbixSink.create(config));
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
        return new SinkDefinition(name, "graphite", summary, delivery.backoff(), delivery.backlogBytes(),
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

    private static void expectKeys(ConfigNode node, ConfigProblems problems, String... pluginKeys) {
        List<String> known = new ArrayList<>(COMMON_KEYS);
        known.addAll(Arrays.asList(pluginKeys));
        node.expectKeys(problems, known.toArray(String[]::new));
    }
}
