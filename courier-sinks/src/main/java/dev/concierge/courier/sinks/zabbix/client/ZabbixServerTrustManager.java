package dev.concierge.courier.sinks.zabbix.client;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks a Zabbix server's certificate the way a Zabbix sender does: the chain must lead to one of the
 * configured CA certificates (the JDK's PKIX checks: signatures, validity dates, basic constraints, key
 * usage and extended key usage {@code serverAuth} when present), and then, when configured, the server
 * certificate's issuer and subject must equal the configured strings exactly, as
 * {@link ZabbixCertificateNames} prints them. The host name is not checked: Zabbix does not check it either.
 * A mismatch fails the handshake before any data is sent, with Zabbix's own wording
 * ({@code issuer: peer: "...", required: "..."}). Stateless apart from its settings; thread-safe.
 */
final class ZabbixServerTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final String issuer;
    private final String subject;

    /** {@code issuer} and {@code subject} may be null: not checked. */
    ZabbixServerTrustManager(X509ExtendedTrustManager pkix, String issuer, String subject) {
        this.pkix = pkix;
        this.issuer = issuer;
        this.subject = subject;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        // The engine's SSL parameters carry no endpoint identification algorithm, so PKIX checks no host name.
        pkix.checkServerTrusted(chain, authType, engine);
        checkNames(chain[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        pkix.checkServerTrusted(chain, authType, socket);
        checkNames(chain[0]);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkServerTrusted(chain, authType);
        checkNames(chain[0]);
    }

    /** The same words as Zabbix's {@code zbx_verify_issuer_subject}, so operators can grep for either. */
    void checkNames(X509Certificate server) throws CertificateException {
        List<String> mismatches = new ArrayList<>(2);
        if (issuer != null) {
            String peer = ZabbixCertificateNames.format(server.getIssuerX500Principal());
            if (!peer.equals(issuer)) {
                mismatches.add("issuer: peer: \"" + peer + "\", required: \"" + issuer + "\"");
            }
        }
        if (subject != null) {
            String peer = ZabbixCertificateNames.format(server.getSubjectX500Principal());
            if (!peer.equals(subject)) {
                mismatches.add("subject: peer: \"" + peer + "\", required: \"" + subject + "\"");
            }
        }
        if (!mismatches.isEmpty()) {
            throw new CertificateException("server certificate " + String.join(", ", mismatches));
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a Zabbix sender never checks client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a Zabbix sender never checks client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a Zabbix sender never checks client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
