/**
 * The Graphite sink: carbon's plaintext line protocol (PROTOCOLS.md §5.1) on Netty.
 *
 * <ul>
 *   <li>{@link dev.concierge.courier.sinks.graphite.GraphitePathTemplate}: sample to series name, with the
 *       sanitising and the optional Graphite tags.</li>
 *   <li>{@link dev.concierge.courier.sinks.graphite.GraphiteLineEncoder}: sample to one
 *       {@code series value timestamp\n} line, or the reason it is skipped.</li>
 *   <li>{@link dev.concierge.courier.sinks.graphite.GraphiteSinkConfig} and
 *       {@link dev.concierge.courier.sinks.graphite.GraphiteSink}: the plugin; {@code sample.yaml} in this
 *       package's resources documents every key. {@code GraphiteConnection} keeps one server's connection.</li>
 * </ul>
 *
 * <p>Conventions: everything written is printable ASCII plus the line's spaces and newline, so a length in
 * characters is a length in bytes. Carbon never replies on this port: "delivered" means written and flushed
 * to the socket, and every outcome detail says so (FIELD-NOTES pitfall 8). Netty handlers here are never
 * shared between channels; all channel state lives on the sink's single event loop.
 */
package dev.concierge.courier.sinks.graphite;
