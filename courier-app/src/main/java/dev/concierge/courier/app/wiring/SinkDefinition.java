package dev.concierge.courier.app.wiring;

import dev.concierge.courier.core.pipeline.Backoff;
import dev.concierge.courier.core.spi.Sink;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A sink as configured, with the delivery settings the pipeline applies to it; not yet created.
 *
 * @param settings the plugin's configuration record, compared on reload: a sink whose settings (and
 *                 backoff and backlog budget) are equal keeps running with its connections and backlog;
 *                 null when unknown, which a reload treats as changed
 */
public record SinkDefinition(String name, String type, String summary, Backoff backoff, long backlogBytes,
                             Object settings, Supplier<Sink> factory) {

    public SinkDefinition(String name, String type, String summary, Backoff backoff, long backlogBytes,
                          Supplier<Sink> factory) {
        this(name, type, summary, backoff, backlogBytes, null, factory);
    }

    /** Whether {@code other} describes the same sink with the same settings, so it can keep running. */
    public boolean sameAs(SinkDefinition other) {
        return settings != null && name.equals(other.name) && type.equals(other.type)
                && backoff.equals(other.backoff) && backlogBytes == other.backlogBytes
                && Objects.equals(settings, other.settings);
    }
}
