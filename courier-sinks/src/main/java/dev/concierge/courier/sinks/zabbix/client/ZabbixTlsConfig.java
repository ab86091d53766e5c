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
 * <p>With {@code psk}, the connection is secured with a pre-shared key, as {@code zabbix_sender
 * --tls-connect psk}: the identity, and the key read from {@code pskFile} as Zabbix reads it (hex digits;
 * see {@code ZabbixPskFile}, which also refuses a file others may read). The JDK has no TLS-PSK, so these
 * connections run on Bouncy Castle's TLS API ({@code ZabbixPskHandler}); the key is never logged, and
 * {@link #summary()} names only the identity and the file.
 *
 * @param connect           {@code unencrypted} (the default), {@code cert} or {@code psk}
 * @param caFile            PEM file with the CA certificates the server's chain must lead to; cert only
 * @param certFile          PEM file with the sink's own certificate, then its chain; cert only
 * @param keyFile           PEM file with the certificate's private key, unencrypted, PKCS#8 or PKCS#1 RSA;
 *                          cert only. The configuration holds the path, never the key.
 * @param serverCertIssuer  the server certificate's issuer as Zabbix prints it; null or empty = not checked
 * @param serverCertSubject the server certificate's subject as Zabbix prints it; null or empty = not checked
 * @param pskIdentity       the PSK identity, {@code --tls-psk-identity}; psk only
 * @param pskFile           the file holding the key in hex, {@code --tls-psk-file}; psk only
 */
public record ZabbixTlsConfig(Connect connect, Path caFile, Path certFile, Path keyFile, String serverCertIssuer,
                              String serverCertSubject, String pskIdentity, Path pskFile) {

    /** Plain TCP, zabbix_sender's {@code --tls-connect unencrypted}. */
    public static final ZabbixTlsConfig UNENCRYPTED = new ZabbixTlsConfig(Connect.UNENCRYPTED, null, null, null,
            null, null);

    /** Zabbix's {@code HOST_TLS_PSK_IDENTITY_LEN}: the longest PSK identity, in UTF-8 bytes. */
    static final int MAX_PSK_IDENTITY_BYTES = 128;

    /** PROTOCOLS.md §1.8: Zabbix speaks TLS 1.2, and TLS 1.3 when built with OpenSSL 1.1.1 or later. */
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** {@code --tls-connect}: how the sink connects. */
    public enum Connect {
        UNENCRYPTED("unencrypted"),
        CERT("cert"),
        PSK("psk");

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
    /** A configuration without PSK settings. */
    public ZabbixTlsConfig(Connect connect, Path caFile, Path certFile, Path keyFile, String serverCertIssuer,
                           String serverCertSubject) {
        this(connect, caFile, certFile, keyFile, serverCertIssuer, serverCertSubject, null, null);
    }

    public ZabbixTlsConfig {
        pskIdentity = pskIdentity == null || pskIdentity.isEmpty() ? null : pskIdentity;
        serverCertIssuer = serverCertIssuer == null || serverCertIssuer.isEmpty() ? null : serverCertIssuer;
        serverCertSubject = serverCertSubject == null || serverCertSubject.isEmpty() ? null : serverCertSubject;
        List<SettingProblem> problems = new ArrayList<>();
        if (connect == null) {
            problems.add(SettingProblem.of("tls.connect", "null", "one of " + Connect.configNames()));
        } else if (connect == Connect.CERT) {
            requirePresent(problems, "tls.ca_file", caFile, "a PEM file of the CA certificates that signed the server's");
            requirePresent(problems, "tls.cert_file", certFile, "a PEM file of this sink's certificate");
            requirePresent(problems, "tls.key_file", keyFile, "a PEM file of that certificate's private key");
            requireAbsent(problems, "tls.psk_identity", pskIdentity, "absent with connect cert");
            requireAbsent(problems, "tls.psk_file", pskFile, "absent with connect cert");
        } else if (connect == Connect.PSK) {
            if (pskIdentity == null) {
                problems.add(SettingProblem.of("tls.psk_identity", "absent", "the PSK identity, with connect psk"));
            } else if (pskIdentity.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PSK_IDENTITY_BYTES) {
                problems.add(SettingProblem.of("tls.psk_identity", "\"" + pskIdentity + "\"",
                        "at most " + MAX_PSK_IDENTITY_BYTES + " bytes of UTF-8, HOST_TLS_PSK_IDENTITY_LEN"));
            }
            if (pskFile == null) {
                problems.add(SettingProblem.of("tls.psk_file", "absent", ZabbixPskFile.EXPECTED + ", with connect psk"));
            }
            for (String key : List.of("ca_file", "cert_file", "key_file", "server_cert_issuer", "server_cert_subject")) {
                Object value = switch (key) {
                    case "ca_file" -> caFile;
                    case "cert_file" -> certFile;
                    case "key_file" -> keyFile;
                    case "server_cert_issuer" -> serverCertIssuer;
                    default -> serverCertSubject;
                };
                requireAbsent(problems, "tls." + key, value, "absent with connect psk");
            }
        } else {
            requireAbsent(problems, "tls.psk_identity", pskIdentity);
            requireAbsent(problems, "tls.psk_file", pskFile);
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

    /** {@code --tls-connect psk} with this identity and key file. */
    public static ZabbixTlsConfig psk(String identity, Path pskFile) {
        return new ZabbixTlsConfig(Connect.PSK, null, null, null, null, null, identity, pskFile);
    }

    /** A copy that requires this server certificate issuer; null = not checked. */
    public ZabbixTlsConfig withServerCertIssuer(String issuer) {
        return new ZabbixTlsConfig(connect, caFile, certFile, keyFile, issuer, serverCertSubject, pskIdentity, pskFile);
    }

    /** A copy that requires this server certificate subject; null = not checked. */
    public ZabbixTlsConfig withServerCertSubject(String subject) {
        return new ZabbixTlsConfig(connect, caFile, certFile, keyFile, serverCertIssuer, subject, pskIdentity, pskFile);
    }

    /** Whether connections use TLS. */
    public boolean encrypted() {
        return connect != Connect.UNENCRYPTED;
    }

    /**
     * Why one of the files cannot be used.
     *
     * @param key      the configuration key under {@code tls:}: {@code ca_file}, {@code cert_file}, {@code key_file},
     *                 {@code psk_file}
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
        if (connect != Connect.CERT) {
            throw new IllegalStateException("tls.connect: " + connect.configName() + " has no JSSE context");
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

    /**
     * The key of {@code pskFile}, read now; the caller wipes it when done.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it, never its content
     * @throws IllegalStateException    unless {@code connect} is psk
     */
    byte[] pskKey() {
        if (connect != Connect.PSK) {
            throw new IllegalStateException("tls.connect: " + connect.configName() + " has no PSK");
        }
        try {
            return ZabbixPskFile.read(pskFile);
        } catch (IOException e) {
            throw new IllegalArgumentException(new FileProblem("psk_file", pskFile,
                    ZabbixPskFile.EXPECTED + ": " + describe(e)).toString(), e);
        }
    }

    /** The settings without file contents, for the start-up log line; a PSK shows as its identity and file. */
    public String summary() {
        if (!encrypted()) {
            return connect.configName();
        }
        if (connect == Connect.PSK) {
            return "psk (identity " + pskIdentity + ", key file " + pskFile + ")";
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
        if (connect == Connect.PSK) {
            try {
                byte[] key = ZabbixPskFile.read(pskFile);
                java.util.Arrays.fill(key, (byte) 0);
            } catch (IOException e) {
                problems.add(new FileProblem("psk_file", pskFile, ZabbixPskFile.EXPECTED + ": " + describe(e)));
            }
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
        requireAbsent(problems, key, value, "absent with connect unencrypted");
    }

    private static void requireAbsent(List<SettingProblem> problems, String key, Object value, String expected) {
        if (value != null) {
            problems.add(SettingProblem.of(key, String.valueOf(value), expected));
        }
    }
}
