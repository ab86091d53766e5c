package dev.concierge.courier.app.config;

import java.util.Objects;

/**
 * A token, pre-shared key or password. Its {@link #toString()} is always {@value #MASK}, so a secret that
 * ends up in a record, a log line or an exception message stays hidden; only {@link #reveal()} gives the
 * value, and only the code that sends it to a peer should call it.
 */
public final class Secret {
    /** What every secret prints as, whatever its length. */
    public static final String MASK = "******";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "value"));
    }

    /** The secret itself. Never log it. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && value.equals(other.value);
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
