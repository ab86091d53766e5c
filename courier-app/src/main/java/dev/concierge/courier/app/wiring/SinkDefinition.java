package dev.concierge.courier.app.wiring;

import dev.concierge.courier.core.pipeline.Backoff;
import dev.concierge.courier.core.spi.Sink;
import java.util.function.Supplier;

/** A sink as configured, with the delivery settings the pipeline applies to it; not yet created. */
public record SinkDefinition(String name, String type, String summary, Backoff backoff, long backlogBytes,
                             Supplier<Sink> factory) {
}
