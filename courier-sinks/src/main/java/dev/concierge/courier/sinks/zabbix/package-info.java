/**
 * The Zabbix sink: the sender/trapper protocol (PROTOCOLS.md §1) on Netty.
 *
 * <ul>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.client.ZabbixFrameEncoder} and
 *       {@link dev.concierge.courier.sinks.zabbix.client.ZabbixFrameDecoder}: the {@code ZBXD} framing, with zlib;
 *       separate classes, the decoder an explicit state machine.</li>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest} and
 *       {@link dev.concierge.courier.sinks.zabbix.client.ZabbixResponse}: the JSON inside the frames, read with
 *       jackson-core's streaming API; a request is written by
 *       {@link dev.concierge.courier.sinks.zabbix.client.ZabbixSenderDataWriter} (also {@code courier send}'s),
 *       by hand, in the bytes Jackson's generator would write.</li>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig} and
 *       {@link dev.concierge.courier.sinks.zabbix.ZabbixSink}: the plugin; {@code sample.yaml} in this package's
 *       resources documents every key.</li>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver}: the server side, for demos and tests.</li>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig}: TLS with certificates, as
 *       {@code zabbix_sender --tls-connect cert} (PROTOCOLS.md §1.8), on Netty's {@code SslHandler} with the
 *       JDK provider. {@code ZabbixPemFiles} reads the PEM files (PKCS#1 RSA keys too, without Bouncy
 *       Castle), {@code ZabbixCertificateNames} prints issuer and subject the way Zabbix compares them, and
 *       {@code ZabbixServerTrustManager} checks the chain against the CA file and those two strings, never
 *       the host name, as Zabbix does.</li>
 * </ul>
 *
 * <p><b>No TLS-PSK.</b> {@code --tls-connect psk} is not offered. The JDK's JSSE has no TLS-PSK cipher
 * suites (RFC 4279/5489) and no API to configure an external PSK. Bouncy Castle's JSSE provider (BCJSSE, in
 * {@code bctls}) has none either, for the same lack of a JSSE API (bc-java issues 1604 and 1884). PSK exists
 * only in Bouncy Castle's own TLS API ({@code org.bouncycastle.tls}: {@code PSKTlsClient},
 * {@code TlsClientProtocol} in non-blocking mode), which Netty's {@code SslHandler} cannot drive: it would
 * take a second TLS integration of our own (a Netty handler around {@code offerInput}/{@code readOutput}),
 * plus the {@code bctls} and {@code bcutil} dependencies, which the build does not have today. It is
 * feasible, since the suites Zabbix asks for by default (TLS 1.2 ECDHE-PSK or PSK with AES-128) are in
 * that API, but it is a separate piece of work with its own tests against the real server.
 *
 * <p>Conventions: all lengths on the wire are little-endian byte counts of the UTF-8 encoding; one frame per
 * TCP connection, as the trapper closes after its reply; protocol facts in comments name their source in
 * PROTOCOLS.md or PEERS.md. Netty handlers here are never shared between channels.
 */
package dev.concierge.courier.sinks.zabbix;
