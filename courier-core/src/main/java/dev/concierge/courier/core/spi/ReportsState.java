package dev.concierge.courier.core.spi;

import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * An optional ability of a source: what it holds now, beside its counts ({@link CountsEvents}), such as the
 * scrape targets it owns when couriers share them. The pipeline keeps it in the source's stats; the admin
 * endpoint shows {@link #state()} under the source on {@code /status.json} and the status page, and publishes
 * {@link #gauges()} on {@code /metrics} as {@code courier.source.<name>} with tag {@code source}.
 *
 * <p>Both are read from any thread, at any time, while the source runs.
 */
public interface ReportsState {

    /** Gauges by name in dotted lower case ({@code targets.owned}); the names are fixed when the instance is built. */
    Map<String, DoubleSupplier> gauges();

    /**
     * A snapshot of what the source holds, as plain values: {@code String}, {@code Number}, {@code Boolean},
     * null, and {@code List}s and {@code Map}s (with {@code String} keys) of them. Empty when there is nothing
     * to say.
     */
    Map<String, Object> state();

    /** {@code plugin}'s ability, or null when it has none. */
    static ReportsState of(Object plugin) {
        return plugin instanceof ReportsState reports ? reports : null;
    }
}
