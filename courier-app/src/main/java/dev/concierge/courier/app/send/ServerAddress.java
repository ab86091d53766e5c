package dev.concierge.courier.app.send;

import dev.concierge.courier.core.settings.HostPort;
import dev.concierge.courier.sinks.zabbix.client.ZabbixServerNodes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Zabbix server or proxy address as {@code zabbix_sender} takes it in {@code -z} and {@code ServerActive}:
 * {@code host}, {@code host:port}, {@code [ipv6]} or {@code [ipv6]:port}.
 *
 * @param host the host name or IP, without brackets
 * @param port 1..65535
 */
public record ServerAddress(String host, int port) {
    /** {@code ZBX_DEFAULT_SERVER_PORT}. */
    public static final int DEFAULT_PORT = 10051;

    public ServerAddress {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host: empty (expected: a host name or IP address)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
    }

    /**
     * Reads one address; {@code defaultPort} applies when it names none.
     *
     * @throws IllegalArgumentException when the text is empty or its port is not 1..65535
     */
    public static ServerAddress parse(String text, int defaultPort) {
        String s = text.strip();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("\"" + text + "\" (expected: [IPv6 address] or [IPv6 address]:port)");
            }
            String host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.isEmpty()) {
                return new ServerAddress(host, defaultPort);
            }
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("\"" + text + "\" (expected: [IPv6 address]:port)");
            }
            return new ServerAddress(host, port(rest.substring(1), text));
        }
        int colon = s.indexOf(':');
        if (colon < 0 || s.indexOf(':', colon + 1) >= 0) {
            // No port, or a bare IPv6 address.
            return new ServerAddress(s, defaultPort);
        }
        return new ServerAddress(s.substring(0, colon), port(s.substring(colon + 1), text));
    }

    /**
     * Reads {@code zabbix_sender}'s destination list: {@code a,b;c} is two independent destinations, the
     * server {@code a} and the cluster whose nodes are {@code b} and {@code c}. Every value goes to every
     * destination; within one, the nodes are tried in order.
     *
     * @throws IllegalArgumentException when an address is malformed, or, with {@code zabbix_sender}'s
     *                                  message, named more than once
     */
    public static List<ZabbixServerNodes> destinations(String text, int defaultPort) {
        List<ZabbixServerNodes> destinations = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String destination : text.split(",", -1)) {
            List<HostPort> nodes = new ArrayList<>();
            for (String node : destination.split(";", -1)) {
                ServerAddress address = parse(node, defaultPort);
                if (!seen.add(address.toString())) {
                    throw new IllegalArgumentException("address \"" + address + "\" specified more than once");
                }
                nodes.add(HostPort.of(address.host(), address.port()));
            }
            destinations.add(new ZabbixServerNodes(nodes));
        }
        return destinations;
    }

    private static int port(String digits, String text) {
        try {
            int port = Integer.parseInt(digits);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("port \"" + digits + "\" in \"" + text + "\" (expected: 1..65535)");
    }

    /** {@code host:port} as {@code zabbix_sender} prints it in {@code Response from "...":}. */
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
