package dev.concierge.courier.sources.graphite;

import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.settings.HostPort;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceType;
import dev.concierge.courier.sources.intake.AllowedPeers;
import java.time.Duration;
import java.util.List;

/** {@code type: graphite_intake}: a Graphite plaintext listener; see {@code sample.yaml}. */
public final class GraphiteIntakeSourceType implements SourceType<GraphiteIntakeConfig> {
    private static final Duration LISTEN_RETRY_INTERVAL = Duration.ofSeconds(5);

    @Override
    public String name() {
        return GraphiteIntakeConfig.TYPE;
    }

    @Override
    public GraphiteIntakeConfig bind(Settings settings, PluginContext context) {
        int before = settings.problemCount();
        settings.expectKeys("listen", "udp_port", "allowed", "templates", "host", "max_line_size", "max_connections",
                "idle_timeout");
        String listenText = settings.optionalString("listen", GraphiteIntakeConfig.DEFAULT_LISTEN);
        HostPort listen = null;
        try {
            listen = HostPort.parse(listenText, GraphiteIntakeConfig.DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            settings.problem("listen", listenText, HostPort.EXPECTED);
        }
        int udpPort = settings.optionalInt("udp_port", 1, 65_535, -1);
        List<String> allowed = settings.optionalStringList("allowed");
        for (String entry : allowed) {
            if (AllowedPeers.problem(entry) != null) {
                settings.problem("allowed", entry, "an IP address, a CIDR block such as 10.0.0.0/8, or a DNS name");
            }
        }
        List<String> templates = settings.optionalStringList("templates");
        for (String template : templates) {
            try {
                GraphiteTemplate.parse(template);
            } catch (IllegalArgumentException e) {
                settings.problem("templates", template, "[filter] template, such as \"servers.* .host.name*\"");
            }
        }
        String host = settings.optionalString("host", context.defaultHost());
        ByteSize maxLine = settings.optionalSize("max_line_size", ByteSize.ofBytes(GraphiteIntakeConfig.DEFAULT_MAX_LINE_BYTES));
        if (maxLine.bytes() < 16 || maxLine.bytes() > 1 << 20) {
            settings.problem("max_line_size", maxLine.toString(), "16B to 1MiB");
        }
        int maxConnections = settings.optionalInt("max_connections", 1, 65_535, GraphiteIntakeConfig.DEFAULT_MAX_CONNECTIONS);
        Duration idle = settings.optionalDuration("idle_timeout", GraphiteIntakeConfig.DEFAULT_IDLE_TIMEOUT);
        if (idle != null && (idle.isZero() || idle.isNegative())) {
            settings.problem("idle_timeout", idle.toString(), "a duration above zero such as 5m");
        }
        if (settings.problemCount() > before) {
            return null;
        }
        HostPort at = listen;
        return settings.build(() -> new GraphiteIntakeConfig(context.name(), at.host(), at.port(), udpPort, allowed,
                templates, host, (int) maxLine.bytes(), maxConnections, idle));
    }

    @Override
    public Duration interval(GraphiteIntakeConfig config) {
        return LISTEN_RETRY_INTERVAL;
    }

    @Override
    public String summary(GraphiteIntakeConfig config) {
        return "Graphite plaintext intake on " + config.host() + ":" + config.port()
                + (config.udpPort() >= 0 ? " and udp " + config.udpPort() : "") + " (allowed: "
                + (config.allowed().isEmpty() ? "loopback only" : String.join(", ", config.allowed())) + ")";
    }

    @Override
    public Source create(GraphiteIntakeConfig config) {
        return GraphiteIntakeSource.create(config);
    }
}
