/**
 * The extension points: {@link dev.concierge.courier.core.spi.Source} reads, the pipeline carries,
 * {@link dev.concierge.courier.core.spi.Sink} delivers. Plugins implement these and nothing else; the
 * pipeline owns threads, scheduling, batching, retry and accounting.
 */
package dev.concierge.courier.core.spi;
