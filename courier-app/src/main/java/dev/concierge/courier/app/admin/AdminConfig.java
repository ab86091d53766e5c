package dev.concierge.courier.app.admin;

import dev.concierge.courier.app.config.ConfigNode;
import dev.concierge.courier.app.config.ConfigProblems;
import dev.concierge.courier.core.settings.HostPort;
import dev.concierge.courier.core.spi.Secret;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admin endpoint's settings, the top-level {@code admin} section:
 * <pre>
 * admin:
 *   listen: 127.0.0.1:8080     # the default; port 0 takes any free port and logs it
 *   token: ${ADMIN_TOKEN}      # required unless listen is a loopback address
 * </pre>
 * Without an {@code admin} section there is no admin endpoint at all; {@code admin: {}} turns it on at
 * {@code 127.0.0.1:8080}. Listening anywhere but on a loopback address ({@code 0.0.0.0}, a host name, an
 * interface address) is an explicit setting and then needs a token, which every request but {@code /health} and
 * {@code /ready} must present as {@code Authorization: Bearer <token>}.
 *
 * @param host  the address to listen on, as written; resolved when the endpoint binds
 * @param port  0 to 65535; 0 takes any free port
 * @param token the bearer token, or null when none is required; its {@code toString()} is masked
 */
public record AdminConfig(String host, int port, Secret token) {
    /** The port used when {@code listen} names only a host. */
    public static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_HOST = "127.0.0.1";
    static final String EXPECTED_LISTEN = "host:port to listen on, such as 127.0.0.1:8080 (port 0: any free port)";
    static final String EXPECTED_TOKEN = "a token such as ${ADMIN_TOKEN} whenever listen is not a loopback address";

    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final Pattern ANY_PORT = Pattern.compile("(.+):0");

    public AdminConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
        }
        if (token != null && token.isEmpty()) {
            throw new IllegalArgumentException("token: empty (expected: a non-empty token, or none)");
        }
        if (token == null && !isLoopback(host)) {
            throw new IllegalArgumentException("token: missing for " + host + " (expected: " + EXPECTED_TOKEN + ")");
        }
    }

    /** The endpoint on the IPv4 loopback address at {@code port}, with no token. */
    public static AdminConfig loopback(int port) {
        return new AdminConfig(DEFAULT_HOST, port, null);
    }

    /**
     * Reads the {@code admin} section of {@code root}: null, with nothing recorded, when there is none; null
     * with problems recorded when it is invalid.
     */
    public static AdminConfig bind(ConfigNode root, ConfigProblems problems) {
        if (root.child("admin").isEmpty() || root.child("admin").get().isNull()) {
            return null;
        }
        int before = problems.count();
        ConfigNode admin = root.requiredMapping("admin", problems);
        admin.expectKeys(problems, "listen", "token");
        String host = DEFAULT_HOST;
        int port = DEFAULT_PORT;
        String listen = admin.optionalString("listen", null, problems);
        if (listen != null) {
            HostPort parsed = parseListen(listen);
            if (parsed == null) {
                problems.add(admin.child("listen").orElse(admin), "\"" + listen + "\"", EXPECTED_LISTEN);
            } else {
                host = parsed.host();
                // HostPort holds ports from 1; 0 stands for "any free port" here only.
                port = ANY_PORT.matcher(listen).matches() ? 0 : parsed.port();
            }
        }
        Secret token = admin.child("token").isPresent() ? admin.requiredSecret("token", problems) : null;
        if (problems.count() > before) {
            return null;
        }
        if (token == null && !isLoopback(host)) {
            problems.add(admin.position(), admin.path() + ".token",
                    "missing while listen is " + format(host, port) + ", not a loopback address", EXPECTED_TOKEN);
            return null;
        }
        return new AdminConfig(host, port, token);
    }

    /**
     * The endpoint at {@code listen} ({@code host:port}, {@code host} alone for port 8080, port 0 for any
     * free port), with {@code token} (may be null).
     *
     * @throws IllegalArgumentException when {@code listen} has not that form, or is not a loopback address
     *                                  and {@code token} is null
     */
    public static AdminConfig of(String listen, Secret token) {
        HostPort parsed = parseListen(listen);
        if (parsed == null) {
            throw new IllegalArgumentException("listen: \"" + listen + "\" (expected: " + EXPECTED_LISTEN + ")");
        }
        return new AdminConfig(parsed.host(), ANY_PORT.matcher(listen).matches() ? 0 : parsed.port(), token);
    }

    /** {@code listen} with a port of 0 read as the default port, or null when it is not host:port. */
    private static HostPort parseListen(String listen) {
        Matcher anyPort = ANY_PORT.matcher(listen);
        try {
            return HostPort.parse(anyPort.matches() ? anyPort.group(1) : listen, DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Whether {@code host} is a loopback address: {@code localhost} or a literal loopback address. A host name
     * is not resolved here and counts as not loopback, since what it resolves to can change.
     */
    public static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!IPV4.matcher(host).matches() && host.indexOf(':') < 0) {
            return false;
        }
        try {
            // A literal address: no lookup is made.
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException | SecurityException e) {
            return false;
        }
    }

    /** Whether requests other than {@code /health} and {@code /ready} must carry the token. */
    public boolean requiresToken() {
        return token != null;
    }

    /** {@code host:port} as configured, with brackets around an IPv6 host. */
    public String listen() {
        return format(host, port);
    }

    private static String format(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The listen address and whether a token is required; never the token. */
    @Override
    public String toString() {
        return "AdminConfig[listen=" + listen() + ", token=" + (token == null ? "none" : Secret.MASK) + "]";
    }
}
