/**
 * The Zabbix sink: the sender/trapper protocol (PROTOCOLS.md §1) on Netty.
 *
 * <ul>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.ZabbixFrameEncoder} and
 *       {@link dev.concierge.courier.sinks.zabbix.ZabbixFrameDecoder}: the {@code ZBXD} framing, with zlib;
 *       separate classes, the decoder an explicit state machine.</li>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.ZabbixSenderRequest} and
 *       {@link dev.concierge.courier.sinks.zabbix.ZabbixResponse}: the JSON inside the frames, written and read
 *       with jackson-core's streaming API.</li>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig} and
 *       {@link dev.concierge.courier.sinks.zabbix.ZabbixSink}: the plugin; {@code sample.yaml} in this package's
 *       resources documents every key.</li>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.ZabbixTrapperReceiver}: the server side, for demos and tests.</li>
 * </ul>
 *
 * <p>Conventions: all lengths on the wire are little-endian byte counts of the UTF-8 encoding; one frame per
 * TCP connection, as the trapper closes after its reply; protocol facts in comments name their source in
 * PROTOCOLS.md or PEERS.md. Netty handlers here are never shared between channels.
 */
package dev.concierge.courier.sinks.zabbix;
