package dev.concierge.courier.core.spi;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * An optional ability of a source or a sink: counts of its own, beyond the pipeline's accounting of samples, by
 * event name in snake_case ({@code non_finite_skipped}, {@code malformed_lines}): why values it read or was given
 * were not passed on, and work of its own. The pipeline reads them into its stats, and the admin endpoint's
 * {@code /metrics} and the courier's own metrics publish them, so every skip that is not logged one by one is
 * still counted where an operator looks.
 *
 * <p>Each count only grows. The names are fixed when the instance is built; the suppliers are read from any
 * thread.
 */
public interface CountsEvents {

    Map<String, LongSupplier> events();

    /** {@code plugin}'s counts when it has the ability; none otherwise. */
    static Map<String, LongSupplier> of(Object plugin) {
        return plugin instanceof CountsEvents counts ? counts.events() : Map.of();
    }
}
