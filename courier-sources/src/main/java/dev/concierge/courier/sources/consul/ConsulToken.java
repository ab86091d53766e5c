package dev.concierge.courier.sources.consul;

import java.util.Objects;

/**
 * A Consul ACL token. Its {@link #toString()} is always {@value #MASK}, so a token that ends up in a config
 * record, a log line or an exception message stays hidden; only {@link #reveal()} gives the value, and only
 * the request interceptor that sets the {@code X-Consul-Token} header calls it.
 *
 * <p>The app's configuration layer reads the token as its {@code Secret}; courier-sources cannot see that
 * type (it sits in courier-app), so the binder hands the value over to this one, which masks the same way.
 */
public final class ConsulToken {
    /** What every token prints as, whatever its length. */
    public static final String MASK = "******";

    private final String value;

    private ConsulToken(String value) {
        this.value = value;
    }

    /**
     * @throws IllegalArgumentException if the value is empty or holds a control character (it goes into an
     *                                  HTTP header, where CR or LF would split the request); the message never
     *                                  quotes the value
     */
    public static ConsulToken of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("token: empty (expected: a non-empty ACL token)");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("token: a control character at position " + i
                        + " (expected: printable characters only)");
            }
        }
        return new ConsulToken(value);
    }

    /** The token itself. Never log it. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsulToken other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return MASK;
    }
}
