package dev.concierge.courier.core.settings;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A peer's address as configuration writes it: {@code zabbix.example.com:10051}, {@code 10.0.0.5:2003},
 * {@code [::1]:10051}, or just the host when the protocol has a default port. Nothing is resolved here;
 * DNS is looked up when a connection is made, so a courier starts even while a peer's name is not yet known.
 *
 * @param host a host name or IPv4 address, or an IPv6 address without brackets
 * @param port 1 to 65535
 */
public record HostPort(String host, int port) {
    public static final String EXPECTED = "host:port such as zabbix.example.com:10051 or [::1]:10051";
    public static final String EXPECTED_PORT = "a port from 1 to 65535";

    // Host names and IPv4 addresses (RFC 1123 letters, digits, hyphens and dots; underscores as found in
    // container names). IPv6 addresses in brackets, optionally with a zone: [fe80::1%eth0].
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");
    private static final Pattern PORT = Pattern.compile("[0-9]+");

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host: \"\" (expected: a host name or address)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: " + EXPECTED_PORT + ")");
        }
    }

    public static HostPort of(String host, int port) {
        return new HostPort(host, port);
    }

    /**
     * Parses {@code host:port}, {@code host}, {@code [ipv6]:port} or {@code [ipv6]}.
     *
     * @param defaultPort the port used when the text has none, or 0 if the port must be written
     * @throws IllegalArgumentException if the text is not one of those forms or the port is out of range
     */
    public static HostPort parse(String text, int defaultPort) {
        if (defaultPort < 0 || defaultPort > 65535) {
            throw new IllegalArgumentException("defaultPort: " + defaultPort
                    + " (expected: 1 to 65535, or 0 when the port must be written)");
        }
        String host;
        String portText;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || !IPV6.matcher(text.substring(1, close)).matches()) {
                throw new InvalidValueException(text, EXPECTED);
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new InvalidValueException(text, EXPECTED);
            }
            portText = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = text.indexOf(':');
            if (colon != text.lastIndexOf(':')) {
                // An IPv6 address needs brackets to tell its last group from the port.
                throw new InvalidValueException(text, IPV6.matcher(text).matches()
                        ? "an IPv6 address in brackets such as [::1]:10051" : EXPECTED);
            }
            host = colon < 0 ? text : text.substring(0, colon);
            portText = colon < 0 ? null : text.substring(colon + 1);
            if (!HOST_NAME.matcher(host).matches()) {
                throw new InvalidValueException(text, EXPECTED);
            }
        }
        if (portText == null) {
            if (defaultPort == 0) {
                throw new InvalidValueException(text, EXPECTED);
            }
            return new HostPort(host, defaultPort);
        }
        if (!PORT.matcher(portText).matches()) {
            throw new InvalidValueException(text, EXPECTED);
        }
        int port = portText.length() > 5 ? 0 : Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new InvalidValueException(text, EXPECTED_PORT);
        }
        return new HostPort(host, port);
    }

    /** An unresolved socket address, for a client that resolves when it connects. */
    public InetSocketAddress unresolvedAddress() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** {@code host:port}, with brackets around an IPv6 host; parses back to an equal value. */
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
