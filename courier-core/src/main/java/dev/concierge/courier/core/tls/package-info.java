/**
 * TLS as the courier speaks it when it is the client (a scrape of an https exporter, an https sink): one
 * settings block, {@link dev.concierge.courier.core.tls.TlsClientSettings} ({@code tls: {ca_file, cert_file,
 * key_file, server_name, insecure_skip_verify}}, the shape of Prometheus's {@code tls_config}), and the PEM files
 * it names ({@link dev.concierge.courier.core.tls.PemFiles}), read with the JDK alone.
 *
 * <p>It lives in core because sources and sinks both read the same block and may not depend on each other; it
 * uses JSSE only, no Netty.
 *
 * <p>Decisions recorded here:
 * <ul>
 *   <li>{@code server_name} is checked by our own trust manager, not by the JDK client's host name check: the JDK
 *       {@code HttpClient} always verifies the URL's host and always sends it as SNI when it is a name, so a
 *       {@code server_name} could not otherwise win. The chain is still checked by the JDK's PKIX trust manager;
 *       only the name comparison (RFC 6125 subjectAltName, one left-most wildcard label, no common-name
 *       fallback, as Go's {@code crypto/tls} does) is ours.</li>
 *   <li>Files are read when the SSL context is built (at the plugin's creation): a changed certificate reaches
 *       the peer through a reload, which recreates the plugin because these files are among its watched
 *       files.</li>
 * </ul>
 */
package dev.concierge.courier.core.tls;
