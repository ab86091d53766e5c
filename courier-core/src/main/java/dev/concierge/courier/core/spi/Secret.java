package dev.concierge.courier.core.spi;

import java.util.Objects;

/**
 * A token, pre-shared key or password, as the configuration hands it to a plugin's config record. Its
 * {@link #toString()} is always {@value #MASK}, so a secret that ends up in a record, a log line or an
 * exception message stays hidden; only {@link #reveal()} gives the value, and only the code that sends it to
 * a peer should call it.
 *
 * <p>It lives in the SPI because plugin configs (in courier-sources and courier-sinks) carry it and the app's
 * configuration layer reads it; neither may depend on the other.
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
