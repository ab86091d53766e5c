package dev.concierge.courier.core.tls;

import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * {@code server_name}: the chain is checked by the JDK's PKIX trust manager (through its methods that make no
 * host name check), then the leaf's subjectAltName must carry {@code server_name} instead of the URL's host.
 * Names compare as RFC 6125 §6.4 says: case-insensitive, a trailing dot ignored, a {@code *} only as the whole
 * left-most label matching exactly one label; an IP address {@code server_name} matches an iPAddress entry. No
 * common-name fallback, as Go's {@code crypto/tls} (and so Prometheus) has none. Immutable.
 */
final class ServerNameTrustManager extends X509ExtendedTrustManager {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    // RFC 5280 §4.2.1.6 GeneralName choices.
    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;

    private final X509ExtendedTrustManager pkix;
    private final String serverName;

    ServerNameTrustManager(X509ExtendedTrustManager pkix, String serverName) {
        this.pkix = pkix;
        this.serverName = normalised(serverName);
    }

    static boolean isIpLiteral(String name) {
        return name.indexOf(':') >= 0 || IPV4.matcher(name).matches();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkServerTrusted(chain, authType);
        checkName(chain[0]);
    }

    private void checkName(X509Certificate leaf) throws CertificateException {
        List<String> names = new ArrayList<>();
        boolean ip = isIpLiteral(serverName);
        InetAddress wanted = ip ? literal(serverName) : null;
        for (List<?> entry : subjectAltNames(leaf)) {
            int type = (Integer) entry.get(0);
            String value = String.valueOf(entry.get(1));
            if (type == DNS_NAME) {
                names.add("DNS:" + value);
                if (!ip && matches(normalised(value), serverName)) {
                    return;
                }
            } else if (type == IP_ADDRESS) {
                names.add("IP:" + value);
                if (ip && wanted.equals(literal(value))) {
                    return;
                }
            }
        }
        throw new CertificateException("the server's certificate is not for server_name " + serverName
                + " (it names: " + (names.isEmpty() ? "no subjectAltName" : String.join(", ", names)) + ")");
    }

    private static Collection<List<?>> subjectAltNames(X509Certificate leaf) throws CertificateException {
        try {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            return names == null ? List.of() : names;
        } catch (CertificateParsingException e) {
            throw new CertificateException("the server's subjectAltName cannot be read: " + e.getMessage(), e);
        }
    }

    private static boolean matches(String pattern, String name) {
        if (pattern.startsWith("*.")) {
            int dot = name.indexOf('.');
            return dot > 0 && name.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(name);
    }

    private static String normalised(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** A literal address, parsed without any lookup (the text is an address already). */
    private static InetAddress literal(String address) throws CertificateException {
        try {
            return InetAddress.getByName(address.startsWith("[") ? address.substring(1, address.length() - 1) : address);
        } catch (UnknownHostException e) {
            throw new CertificateException("not an IP address: " + address, e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        pkix.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        pkix.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
