package dev.concierge.courier.sinks.zabbix.client;

import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.SettingProblem;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * How a {@link ZabbixClient}, the Zabbix sink's or {@code courier send}'s, secures its connections: the
 * {@code tls:} keys of {@code sample.yaml}, and the {@code --tls-*} options of {@code zabbix_sender}
 * (PROTOCOLS.md §1.8), one field each. Immutable; the files are read by {@link #sslContext()} and
 * {@link #fileProblems()}, not by the constructor.
 *
 * <p>Certificate checks mirror Zabbix's: the server's chain must lead to a certificate in {@code caFile},
 * and, when set, its issuer and subject must equal {@code serverCertIssuer} and {@code serverCertSubject}
 * exactly as {@link ZabbixCertificateNames} prints them. The server's host name is <b>not</b> checked
 * against its certificate: neither {@code zabbix_sender} nor the Zabbix agent or proxy does, and Zabbix
 * certificates are commonly issued for names other than the one a sender connects to. Pin the subject to
 * get the equivalent guarantee. SNI carries the server's host name when it is not an IP address, as
 * {@code zabbix_sender} sends it. A revocation list ({@code --tls-crl-file}) is not supported.
 *
 * @param connect           {@code unencrypted} (the default) or {@code cert}
 * @param caFile            PEM file with the CA certificates the server's chain must lead to; cert only
 * @param certFile          PEM file with the sink's own certificate, then its chain; cert only
 * @param keyFile           PEM file with the certificate's private key, unencrypted, PKCS#8 or PKCS#1 RSA;
 *                          cert only. The configuration holds the path, never the key.
 * @param serverCertIssuer  the server certificate's issuer as Zabbix prints it; null or empty = not checked
 * @param serverCertSubject the server certificate's subject as Zabbix prints it; null or empty = not checked
 */
public record ZabbixTlsConfig(Connect connect, Path caFile, Path certFile, Path keyFile, String serverCertIssuer,
                              String serverCertSubject) {

    /** Plain TCP, zabbix_sender's {@code --tls-connect unencrypted}. */
    public static final ZabbixTlsConfig UNENCRYPTED = new ZabbixTlsConfig(Connect.UNENCRYPTED, null, null, null,
            null, null);

    /** PROTOCOLS.md §1.8: Zabbix speaks TLS 1.2, and TLS 1.3 when built with OpenSSL 1.1.1 or later. */
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** {@code --tls-connect}: how the sink connects. PSK is not offered: see the package documentation. */
    public enum Connect {
        UNENCRYPTED("unencrypted"),
        CERT("cert");

        private final String configName;

        Connect(String configName) {
            this.configName = configName;
        }

        /** The name in configuration files and in {@code --tls-connect}. */
        public String configName() {
            return configName;
        }

        /** The configuration names, default first. */
        public static List<String> configNames() {
            return Arrays.stream(values()).map(Connect::configName).toList();
        }

        /** @throws IllegalArgumentException for a name not in {@link #configNames()} */
        public static Connect ofConfigName(String name) {
            for (Connect c : values()) {
                if (c.configName.equals(name)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("tls.connect: " + name + " (expected: one of " + configNames() + ")");
        }
    }

    /**
     * @throws IllegalArgumentException listing every problem, {@code tls.<key>: found (expected: rule)}, joined
     *                                  by {@code "; "}: cert without one of its files, or unencrypted with any
     */
    public ZabbixTlsConfig {
        serverCertIssuer = serverCertIssuer == null || serverCertIssuer.isEmpty() ? null : serverCertIssuer;
        serverCertSubject = serverCertSubject == null || serverCertSubject.isEmpty() ? null : serverCertSubject;
        List<SettingProblem> problems = new ArrayList<>();
        if (connect == null) {
            problems.add(SettingProblem.of("tls.connect", "null", "one of " + Connect.configNames()));
        } else if (connect == Connect.CERT) {
            requirePresent(problems, "tls.ca_file", caFile, "a PEM file of the CA certificates that signed the server's");
            requirePresent(problems, "tls.cert_file", certFile, "a PEM file of this sink's certificate");
            requirePresent(problems, "tls.key_file", keyFile, "a PEM file of that certificate's private key");
        } else {
            requireAbsent(problems, "tls.ca_file", caFile);
            requireAbsent(problems, "tls.cert_file", certFile);
            requireAbsent(problems, "tls.key_file", keyFile);
            requireAbsent(problems, "tls.server_cert_issuer", serverCertIssuer);
            requireAbsent(problems, "tls.server_cert_subject", serverCertSubject);
        }
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException("zabbix tls", problems);
        }
    }

    /** {@code --tls-connect cert} with the three files, checking neither issuer nor subject. */
    public static ZabbixTlsConfig cert(Path caFile, Path certFile, Path keyFile) {
        return new ZabbixTlsConfig(Connect.CERT, caFile, certFile, keyFile, null, null);
    }

    /** A copy that requires this server certificate issuer; null = not checked. */
    public ZabbixTlsConfig withServerCertIssuer(String issuer) {
        return new ZabbixTlsConfig(connect, caFile, certFile, keyFile, issuer, serverCertSubject);
    }

    /** A copy that requires this server certificate subject; null = not checked. */
    public ZabbixTlsConfig withServerCertSubject(String subject) {
        return new ZabbixTlsConfig(connect, caFile, certFile, keyFile, serverCertIssuer, subject);
    }

    /** Whether connections use TLS. */
    public boolean encrypted() {
        return connect != Connect.UNENCRYPTED;
    }

    /**
     * Why one of the files cannot be used.
     *
     * @param key      the configuration key under {@code tls:}: {@code ca_file}, {@code cert_file}, {@code key_file}
     * @param file     the file
     * @param expected what it should be, and what was wrong, e.g. {@code a readable PEM file ...: no such file}
     */
    public record FileProblem(String key, Path file, String expected) {
        /** {@code tls.<key>: <file> (expected: <expected>)} */
        @Override
        public String toString() {
            return "tls." + key + ": " + file + " (expected: " + expected + ")";
        }
    }

    /**
     * Reads the three files and reports, for each, why it cannot be used: missing or unreadable, not PEM,
     * an encrypted or unsupported key, a key that does not belong to the certificate. Empty when they are
     * usable, and always for {@code unencrypted}.
     */
    public List<FileProblem> fileProblems() {
        return load().problems();
    }

    /**
     * A client context for Netty's JDK provider: TLS 1.3 and 1.2, this sink's certificate and key, the CA
     * file's certificates as the only trust anchors, issuer and subject checks, no host name check. Reads
     * the files on every call.
     *
     * @throws IllegalArgumentException listing {@link #fileProblems()} when a file is unusable
     * @throws IllegalStateException    for {@code unencrypted}
     */
    public SslContext sslContext() {
        if (!encrypted()) {
            throw new IllegalStateException("tls.connect: unencrypted has no SSL context");
        }
        Loaded loaded = load();
        if (!loaded.problems().isEmpty()) {
            throw new IllegalArgumentException(String.join("; ",
                    loaded.problems().stream().map(FileProblem::toString).toList()));
        }
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            for (int i = 0; i < loaded.authorities().size(); i++) {
                anchors.setCertificateEntry("ca-" + i, loaded.authorities().get(i));
            }
            TrustManagerFactory pkix = TrustManagerFactory.getInstance("PKIX");
            pkix.init(anchors);
            X509ExtendedTrustManager chainCheck = null;
            for (TrustManager tm : pkix.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    chainCheck = x;
                }
            }
            if (chainCheck == null) {
                throw new IllegalStateException("the JDK's PKIX trust manager factory made no X509ExtendedTrustManager");
            }
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOLS)
                    .keyManager(loaded.key(), loaded.chain())
                    .trustManager(new ZabbixServerTrustManager(chainCheck, serverCertIssuer, serverCertSubject))
                    // Zabbix checks the chain and, optionally, issuer and subject; never the host name.
                    .endpointIdentificationAlgorithm(null)
                    .build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("tls: the files load but the JDK refuses them (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The TLS handler for one connection to {@code host}, to go first in its pipeline: it holds the first
     * write until the handshake is done. SNI names the server as given, unless that is an IP address, as
     * {@code zabbix_sender} does; the JDK alone would leave it out for single-label names such as
     * {@code localhost}. Used by every connection of {@link ZabbixClient}, the sink's and {@code courier send}'s.
     *
     * @param context     from {@link #sslContext()}
     * @param readTimeout the exchange's read timeout, which bounds the handshake as well
     */
    static SslHandler sslHandler(SslContext context, ByteBufAllocator alloc, String host, int port,
                                 Duration readTimeout) {
        SslHandler handler = context.newHandler(alloc, host, port);
        if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
            SSLEngine engine = handler.engine();
            SSLParameters parameters = engine.getSSLParameters();
            try {
                parameters.setServerNames(List.of(new SNIHostName(host)));
                engine.setSSLParameters(parameters);
            } catch (IllegalArgumentException notAnSniName) {
                // A name SNI cannot carry (RFC 6066 §3: an ASCII host name): connect without SNI.
            }
        }
        // The exchange's read timeout is the real bound; this only keeps Netty's own from firing first.
        handler.setHandshakeTimeoutMillis(readTimeout.toMillis() + 1000);
        return handler;
    }

    /** The settings without file contents, for the start-up log line. */
    public String summary() {
        if (!encrypted()) {
            return connect.configName();
        }
        return connect.configName() + " (CA " + caFile + ", certificate " + certFile
                + (serverCertIssuer == null ? "" : ", issuer " + serverCertIssuer)
                + (serverCertSubject == null ? "" : ", subject " + serverCertSubject) + ")";
    }

    private record Loaded(List<X509Certificate> authorities, List<X509Certificate> chain, PrivateKey key,
                          List<FileProblem> problems) {
    }

    private Loaded load() {
        List<FileProblem> problems = new ArrayList<>();
        if (!encrypted()) {
            return new Loaded(List.of(), List.of(), null, problems);
        }
        List<X509Certificate> authorities = List.of();
        List<X509Certificate> chain = List.of();
        PrivateKey key = null;
        try {
            authorities = ZabbixPemFiles.certificates(caFile);
        } catch (IOException e) {
            problems.add(new FileProblem("ca_file", caFile, "a readable PEM file of CA certificates: "
                    + describe(e)));
        }
        try {
            chain = ZabbixPemFiles.certificates(certFile);
        } catch (IOException e) {
            problems.add(new FileProblem("cert_file", certFile, "a readable PEM file, the certificate first: "
                    + describe(e)));
        }
        try {
            key = ZabbixPemFiles.privateKey(keyFile);
        } catch (IOException e) {
            problems.add(new FileProblem("key_file", keyFile, "a readable PEM file with an unencrypted "
                    + "PKCS#8 or PKCS#1 RSA private key: " + describe(e)));
        }
        if (key != null && !chain.isEmpty() && !belongTogether(key, chain.get(0))) {
            problems.add(new FileProblem("key_file", keyFile, "the private key of the certificate in "
                    + certFile));
        }
        return new Loaded(authorities, chain, key, problems);
    }

    /** Catches the common mix-up of two files early; a mismatch the JDK can tell only at handshake stays for it. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        if (!key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
            return false;
        }
        if (key instanceof RSAPrivateCrtKey rsa && certificate.getPublicKey() instanceof RSAPublicKey pub) {
            return rsa.getModulus().equals(pub.getModulus());
        }
        return true;
    }

    private static String describe(IOException e) {
        // These two carry only the path as their message, which the problem already names.
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "access denied";
        }
        return e.getMessage();
    }

    private static void requirePresent(List<SettingProblem> problems, String key, Path file, String expected) {
        if (file == null) {
            problems.add(SettingProblem.of(key, "absent", expected + ", with connect cert"));
        }
    }

    private static void requireAbsent(List<SettingProblem> problems, String key, Object value) {
        if (value != null) {
            problems.add(SettingProblem.of(key, String.valueOf(value), "absent with connect unencrypted"));
        }
    }
}
