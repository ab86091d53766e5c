package dev.concierge.courier.app.admin;

import dev.concierge.courier.app.config.ConfigException;

/** What {@code POST /reload} calls: re-reads the configuration, applies it, and says what changed. */
@FunctionalInterface
public interface ConfigurationReloader {

    /**
     * Called on the admin endpoint's reload thread, one call at a time.
     *
     * @throws ConfigException when the new configuration has problems; the running one is kept
     */
    String reload() throws ConfigException;
}
