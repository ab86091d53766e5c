package dev.concierge.courier.sources.graphite;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code type: graphite_intake}, bound by {@link GraphiteIntakeSourceType}; defaults here and in
 * {@code sample.yaml}.
 *
 * @param name           the source's name
 * @param host           the address to listen on
 * @param port           the TCP port; 0 picks a free one (tests)
 * @param udpPort        the UDP port, or -1 for no UDP; 0 picks a free one
 * @param allowed        clients allowed (see {@link dev.concierge.courier.sources.intake.AllowedPeers}); empty for
 *                       loopback only
 * @param templates      {@code [filter] template} strings, first match wins; empty keeps every path as the name
 * @param defaultHost    the host of samples whose template names none
 * @param maxLineBytes   the longest line taken; a longer one is dropped and counted
 * @param maxConnections the most TCP connections open at once
 * @param idleTimeout    a TCP connection that sends nothing for this long is closed
 */
public record GraphiteIntakeConfig(String name, String host, int port, int udpPort, List<String> allowed,
                                   List<String> templates, String defaultHost, int maxLineBytes, int maxConnections,
                                   Duration idleTimeout) {
    public static final String TYPE = "graphite_intake";
    public static final String DEFAULT_LISTEN = "127.0.0.1:2003";
    public static final int DEFAULT_PORT = 2003;
    public static final int DEFAULT_MAX_LINE_BYTES = 8192;
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

    public GraphiteIntakeConfig {
        Objects.requireNonNull(host, "host");
        allowed = List.copyOf(allowed);
        templates = List.copyOf(templates);
        Objects.requireNonNull(defaultHost, "defaultHost");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
    }

    /** A TCP-only intake on {@code host:port} with every other default. */
    public static GraphiteIntakeConfig of(String name, String host, int port, String defaultHost) {
        return new GraphiteIntakeConfig(name, host, port, -1, List.of(), List.of(), defaultHost, DEFAULT_MAX_LINE_BYTES,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_IDLE_TIMEOUT);
    }

    public GraphiteIntakeConfig withTemplates(List<String> value) {
        return new GraphiteIntakeConfig(name, host, port, udpPort, allowed, value, defaultHost, maxLineBytes,
                maxConnections, idleTimeout);
    }

    public GraphiteIntakeConfig withUdpPort(int value) {
        return new GraphiteIntakeConfig(name, host, port, value, allowed, templates, defaultHost, maxLineBytes,
                maxConnections, idleTimeout);
    }
}
