package dev.concierge.courier.app.wiring;

import dev.concierge.courier.core.spi.Source;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A source as configured: validated, not yet created. Creating it is deferred so that a configuration with
 * problems never opens a single connection.
 *
 * @param settings the plugin's configuration record, compared on reload: a source whose settings are equal
 *                 keeps running untouched; null when unknown, which a reload treats as changed
 */
public record SourceDefinition(String name, String type, Duration interval, String summary, Object settings,
                               Supplier<Source> factory) {

    public SourceDefinition(String name, String type, Duration interval, String summary, Supplier<Source> factory) {
        this(name, type, interval, summary, null, factory);
    }

    /** Whether {@code other} describes the same source with the same settings, so it can keep running. */
    public boolean sameAs(SourceDefinition other) {
        return settings != null && name.equals(other.name) && type.equals(other.type)
                && interval.equals(other.interval) && Objects.equals(settings, other.settings);
    }
}
