/**
 * The extension points: {@link dev.concierge.courier.core.spi.Source} reads, the pipeline carries,
 * {@link dev.concierge.courier.core.spi.Sink} delivers. Plugins implement these and nothing else; the
 * pipeline owns threads, scheduling, batching, retry and accounting. {@link dev.concierge.courier.core.spi.Secret}
 * is the one value type the configuration layer and plugin configs share.
 */
package dev.concierge.courier.core.spi;
