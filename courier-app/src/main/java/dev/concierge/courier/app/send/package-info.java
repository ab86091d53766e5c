/**
 * {@code courier send}: a drop-in for {@code zabbix_sender} 6.0 (options, input grammar, output lines, exit
 * codes) that sends large inputs in larger requests over several connections.
 *
 * <ul>
 *   <li>{@link dev.concierge.courier.app.send.ZabbixSend}: one run, and the differences from
 *       {@code zabbix_sender}.</li>
 *   <li>{@code SendLanes}: rows to one-host requests, sent over a fixed number of lanes that keep each
 *       item's values in order.</li>
 *   <li>{@code SendReport}: {@code zabbix_sender}'s output and exit codes.</li>
 *   <li>{@link dev.concierge.courier.app.send.AgentConfigFile} and
 *       {@link dev.concierge.courier.app.send.ServerAddress}: {@code -c} and {@code -z}.</li>
 *   <li>{@link dev.concierge.courier.app.send.SenderTlsOptions}: the {@code --tls-*} options and
 *       {@code TLS*} parameters, checked as {@code zabbix_sender} checks them.</li>
 *   <li>{@code ZabbixSenderInputParser}: the {@code -i} line grammar; here because nothing but
 *       {@code courier send} reads {@code zabbix_sender} input.</li>
 * </ul>
 * The protocol lives in courier-sinks' {@code dev.concierge.courier.sinks.zabbix.client}, shared with the
 * Zabbix sink: the JSON writer ({@code ZabbixSenderDataWriter}), the frames, TLS and the connections
 * ({@code ZabbixClient}). This package adds only what is {@code zabbix_sender}'s: its options, grammar,
 * output lines (including how a request without a reply is worded, in {@code SendReport}) and exit codes.
 * Everything {@code zabbix_sender} prints goes to stdout, as it does; only usage errors and the progress bar
 * go to stderr.
 */
package dev.concierge.courier.app.send;
