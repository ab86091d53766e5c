/**
 * The extension points: {@link dev.concierge.courier.core.spi.Source} reads, the pipeline carries,
 * {@link dev.concierge.courier.core.spi.Sink} delivers. Plugins implement these and nothing else; the
 * pipeline owns threads, scheduling, batching, retry and accounting. {@link dev.concierge.courier.core.spi.Secret}
 * is the one value type the configuration layer and plugin configs share.
 *
 * <p>Optional abilities are interfaces a plugin instance may also implement, asked of the instance, never of
 * its class: {@link dev.concierge.courier.core.spi.LldDiscoverable} for a source that lists what it found as
 * Zabbix low-level discovery rows ({@link dev.concierge.courier.core.spi.LldRows}), which
 * {@link dev.concierge.courier.core.spi.LldJson} writes; {@link dev.concierge.courier.core.spi.CountsEvents}
 * for counts of its own; {@link dev.concierge.courier.core.spi.ReportsState} for a source's gauges and state
 * (status document, {@code /metrics}); {@link dev.concierge.courier.core.spi.LeavesBeforeStop} for a source
 * that shares work with other couriers and leaves its group before the pipeline stops its sources. One ability belongs to a plugin's type instead,
 * because using it must not create the plugin: {@link dev.concierge.courier.core.spi.RendersSamples}, a sink
 * type that shows what its sink would send ({@code courier test}). Two more are default methods of both types,
 * asked by {@code courier check} without creating anything to send: {@code checkLocally} (what this machine can
 * tell is wrong: a missing file, a directory that cannot be written) and {@code probes}, the
 * {@link dev.concierge.courier.core.spi.PeerProbe}s that {@code check --connect} reaches the peer with once.
 */
package dev.concierge.courier.core.spi;
