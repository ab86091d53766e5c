/**
 * The Zabbix sink: samples to {@code sender data} requests, their answers to a batch's outcome, and
 * automatic low-level discovery. The transport is the shared client in
 * {@link dev.concierge.courier.sinks.zabbix.client}; this package holds the sink's own policy.
 *
 * <ul>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig} and
 *       {@link dev.concierge.courier.sinks.zabbix.ZabbixSink}: the plugin; {@code sample.yaml} in this package's
 *       resources documents every key. The sink cuts a batch into one-host frames, sends each through its
 *       {@code ZabbixClient}, and judges each exchange with {@code ZabbixFrameResult} (processed, rejected,
 *       or retry when the answer cannot settle the rows).</li>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.ZabbixDiscoveryConfig}, {@code LldTracker},
 *       {@code LldHoldQueue}, {@code LldSeries} and
 *       {@link dev.concierge.courier.sinks.zabbix.ZabbixDiscoveryStats}: automatic discovery, which feeds
 *       trapper LLD rules from the samples sent.</li>
 * </ul>
 *
 * <p>Logging: a frame without a trustworthy answer is a DEBUG line here; the batch's Retry detail carries the
 * server, the frame counts, the cause and the rows and hosts affected, and the pipeline logs it once per
 * attempt at WARN. WARN lines here are about data the sink itself gives up on (rows Zabbix could never
 * store) and ERROR/WARN about configuration and TLS files stay where they are raised.
 *
 * <p>Conventions: protocol facts in comments name their source in PROTOCOLS.md or FIELD-NOTES.md; the sink
 * never retries a transport failure itself (the pipeline does), the discovery hold queue being the one
 * delayed first delivery.
 */
package dev.concierge.courier.sinks.zabbix;
