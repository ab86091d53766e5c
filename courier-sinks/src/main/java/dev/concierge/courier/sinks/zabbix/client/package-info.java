/**
 * The Zabbix sender protocol's client (PROTOCOLS.md §1), the one transport behind the Zabbix sink and
 * {@code courier send}: everything between rows and a server's answer, and nothing about what the answer
 * means for the rows.
 *
 * <ul>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.client.ZabbixClient} with
 *       {@link dev.concierge.courier.sinks.zabbix.client.ZabbixClientConfig}: connect, TLS, one request and
 *       one reply per connection, the connection slots; each exchange ends as a
 *       {@link dev.concierge.courier.sinks.zabbix.client.ZabbixExchange}: the reply, or the stage at which it
 *       stopped. The handler behind it ({@code ZabbixExchangeHandler}) is the only one.</li>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.client.ZabbixFrameEncoder} and
 *       {@link dev.concierge.courier.sinks.zabbix.client.ZabbixFrameDecoder}: the {@code ZBXD} framing, with
 *       zlib; separate classes, the decoder an explicit state machine.
 *       {@link dev.concierge.courier.sinks.zabbix.client.ZabbixFrame} is a frame whose flags the caller
 *       chooses.</li>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest} and
 *       {@link dev.concierge.courier.sinks.zabbix.client.ZabbixResponse}: the JSON inside the frames, read
 *       with jackson-core's streaming API; a request is written by
 *       {@link dev.concierge.courier.sinks.zabbix.client.ZabbixSenderDataWriter}, by hand, in the bytes
 *       Jackson's generator would write.</li>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.client.ZabbixKeys} and
 *       {@link dev.concierge.courier.sinks.zabbix.client.JsonStringBytes}: a sample's item key, as text and
 *       straight into the request's bytes. Here because only the requests written here (and the file sink's
 *       {@code zabbix_sender} lines) carry keys; the LLD macros that must match them are shared with the
 *       sources and so live in core ({@code core.naming.ZabbixLldMacros}).</li>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.client.ZabbixServerNodes}: one server, or the nodes of an
 *       HA cluster ({@code a;b}); the client passes over a node that refuses and follows 7.0 proxy-group
 *       redirects (see {@link dev.concierge.courier.sinks.zabbix.client.ZabbixClient}).</li>
 *   <li>{@link dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig}: TLS with certificates, as
 *       {@code zabbix_sender --tls-connect cert} (PROTOCOLS.md §1.8), on Netty's {@code SslHandler} with the
 *       JDK provider, or with a pre-shared key ({@code --tls-connect psk}, below). {@code ZabbixPemFiles} reads the PEM files (PKCS#1 RSA keys too, without Bouncy
 *       Castle), {@code ZabbixCertificateNames} prints issuer and subject the way Zabbix compares them, and
 *       {@code ZabbixServerTrustManager} checks the chain against the CA file and those two strings, never
 *       the host name, as Zabbix does.</li>
 * </ul>
 *
 * <p><b>What the client does not do.</b> It judges no reply (a {@code failed: 3} or a
 * {@code response: failed} is the caller's to settle), words no failure (the sink and {@code courier send}
 * each keep the wording their outcomes and output have always had), retries nothing and logs nothing: a
 * failure is a value, and the pipeline logs one WARN per failed attempt.
 *
 * <p><b>TLS-PSK, and why Bouncy Castle.</b> The JDK's JSSE has no TLS-PSK cipher suites (RFC 4279/5489) and
 * no API to configure an external PSK; Bouncy Castle's JSSE provider (BCJSSE) has none either, for the same
 * lack of a JSSE API (bc-java issues 1604 and 1884). Conscrypt's {@code PSKKeyManager} plugs into
 * {@code SSLContext}, but its BoringSSL offers PSK over TLS 1.2 only, and it ships native code. So PSK runs on
 * Bouncy Castle's own TLS API ({@code org.bouncycastle.tls}: {@code PSKTlsClient} with an external PSK for
 * TLS 1.3, {@code TlsClientProtocol} in non-blocking mode), which Netty's {@code SslHandler} cannot drive:
 * {@code ZabbixPskHandler} is that integration, and {@code ZabbixPskFile} reads the key as Zabbix does.
 * Certificates stay on the JDK.
 *
 * <p>Conventions: all lengths on the wire are little-endian byte counts of the UTF-8 encoding; one request
 * per TCP connection, as the trapper closes after its reply; protocol facts in comments name their source in
 * PROTOCOLS.md or PEERS.md. Netty handlers here are never shared between channels. Nothing here depends on
 * the sink's package: {@code sinks.zabbix} and {@code app.send} depend on this one.
 */
package dev.concierge.courier.sinks.zabbix.client;
