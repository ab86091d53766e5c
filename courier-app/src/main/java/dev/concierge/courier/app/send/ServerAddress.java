package dev.concierge.courier.app.send;

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
