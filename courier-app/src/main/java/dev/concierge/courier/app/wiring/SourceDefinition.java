package dev.concierge.courier.app.wiring;

import dev.concierge.courier.core.spi.Source;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A source as configured: validated, not yet created. Creating it is deferred so that a configuration with
 * problems never opens a single connection.
 */
public record SourceDefinition(String name, String type, Duration interval, String summary,
                               Supplier<Source> factory) {
}
