package dev.concierge.courier.sinks.zabbix.client;

import dev.concierge.courier.core.settings.HostPort;
import dev.concierge.courier.core.settings.InvalidValueException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The nodes of one Zabbix server cluster, written as Zabbix writes them in {@code ServerActive} and
 * {@code zabbix_sender -z}: {@code a;b:10052;[::1]}. Since 6.0 an HA cluster has one active node; the
 * standbys do not listen, so a refused connection means "not this one, try the next" (PEERS.md, "A Zabbix 6.0
 * HA cluster on one machine"). One node is the plain single-server case.
 *
 * @param nodes at least one, no address twice, in the order they are tried
 */
public record ZabbixServerNodes(List<HostPort> nodes) {
    /** {@code ZBX_DEFAULT_SERVER_PORT}. */
    public static final int DEFAULT_PORT = 10051;

    /** What {@link #parse} accepts, for configuration problems. */
    public static final String EXPECTED = "host:port, or the nodes of an HA cluster as host:port;host:port";

    public ZabbixServerNodes {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("nodes: none (expected: at least one)");
        }
        Set<HostPort> seen = new HashSet<>();
        for (HostPort node : nodes) {
            if (!seen.add(node)) {
                throw new IllegalArgumentException("nodes: " + node + " twice (expected: each node once)");
            }
        }
    }

    /** A single server. */
    public static ZabbixServerNodes of(String host, int port) {
        return new ZabbixServerNodes(List.of(HostPort.of(host, port)));
    }

    /**
     * Reads {@code a;b;c}; each node as {@link HostPort#parse}, blanks around it ignored, {@code defaultPort}
     * where a node names none.
     *
     * @throws InvalidValueException naming the whole text when a node is empty or malformed, or named twice;
     *                               for a single server, exactly as {@link HostPort#parse} throws it
     */
    public static ZabbixServerNodes parse(String text, int defaultPort) {
        Objects.requireNonNull(text, "text");
        List<HostPort> nodes = new ArrayList<>();
        String[] parts = text.split(";", -1);
        for (String part : parts) {
            String node = part.strip();
            if (node.isEmpty()) {
                throw new InvalidValueException(text, EXPECTED);
            }
            HostPort address;
            try {
                address = HostPort.parse(node, defaultPort);
            } catch (InvalidValueException e) {
                if (parts.length == 1) {
                    throw e; // one server: the address's own problem says it best
                }
                throw new InvalidValueException(text, "each node " + e.expected() + "; not " + node);
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException(text, EXPECTED);
            }
            if (nodes.contains(address)) {
                throw new InvalidValueException(text, "each node once; " + address + " is named twice");
            }
            nodes.add(address);
        }
        return new ZabbixServerNodes(nodes);
    }

    /** The first node, which is tried first until another one answers. */
    public HostPort first() {
        return nodes.get(0);
    }

    /** How many nodes. */
    public int size() {
        return nodes.size();
    }

    /** {@code a:10051;b:10051}; parses back to an equal value. */
    @Override
    public String toString() {
        return nodes.stream().map(HostPort::toString).collect(Collectors.joining(";"));
    }
}
