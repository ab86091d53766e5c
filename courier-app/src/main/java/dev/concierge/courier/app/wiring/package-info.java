/**
 * Turning the configuration into a running courier: the catalogs of built-in source and sink types
 * ({@code BuiltInSources}, {@code BuiltInSinks}), the validated {@link dev.concierge.courier.app.wiring.CourierConfig},
 * and {@link dev.concierge.courier.app.wiring.Courier}, which owns the pipeline.
 */
package dev.concierge.courier.app.wiring;
