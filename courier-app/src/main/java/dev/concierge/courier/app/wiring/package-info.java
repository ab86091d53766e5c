/**
 * Turning the configuration into a running courier: the {@link dev.concierge.courier.app.wiring.PluginCatalog} of
 * source and sink types (each plugin's own {@code SourceType} or {@code SinkType}, found with
 * {@link java.util.ServiceLoader}), the validated {@link dev.concierge.courier.app.wiring.CourierConfig},
 * and {@link dev.concierge.courier.app.wiring.Courier}, which owns the pipeline.
 */
package dev.concierge.courier.app.wiring;
