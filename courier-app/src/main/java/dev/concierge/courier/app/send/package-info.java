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
 * </ul>
 * The line grammar and the protocol live in courier-sinks ({@code ZabbixSenderInputParser},
 * {@code ZabbixSenderDataWriter}, the same JSON writer as the sink's, and {@code ZabbixSenderClient}). Everything {@code zabbix_sender} prints goes to stdout, as it does; only
 * usage errors and the progress bar go to stderr.
 */
package dev.concierge.courier.app.send;
