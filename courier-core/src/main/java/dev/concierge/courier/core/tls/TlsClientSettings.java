package dev.concierge.courier.core.tls;

import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.PathAccess;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.settings.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The {@code tls} block of every place the courier is a TLS client, in the shape of Prometheus's
 * {@code tls_config}. Every instance is valid: the constructor reports every problem at once, each at its key
 * ({@code tls.key_file}). Immutable; holds paths, never key material, so {@link #toString()} shows nothing
 * secret.
 *
 * @param caFile             PEM certificates to trust instead of the JVM's default trust store ({@code ca_file})
 * @param certFile           the client certificate, PEM, leaf first then its chain ({@code cert_file}); with
 *                           {@code key_file}
 * @param keyFile            its unencrypted private key, PEM: PKCS#8, PKCS#1 RSA or SEC 1 EC ({@code key_file})
 * @param serverName         the name the server's certificate must carry instead of the URL's host
 *                           ({@code server_name}); also sent as SNI when the URL's host is an IP address
 * @param insecureSkipVerify accept any server certificate ({@code insecure_skip_verify}; for tests only: it
 *                           gives up all protection against a man in the middle)
 */
public record TlsClientSettings(Path caFile, Path certFile, Path keyFile, String serverName,
                                boolean insecureSkipVerify) {

    /** The keys of the block, in the order the README lists them. */
    public static final List<String> KEYS = List.of("ca_file", "cert_file", "key_file", "server_name",
            "insecure_skip_verify");

    public TlsClientSettings {
        List<SettingProblem> problems = new ArrayList<>();
        if (certFile != null && keyFile == null) {
            problems.add(SettingProblem.of("tls.key_file", "missing", "a key_file with cert_file"));
        }
        if (keyFile != null && certFile == null) {
            problems.add(SettingProblem.of("tls.cert_file", "missing", "a cert_file with key_file"));
        }
        if (serverName != null && serverName.isBlank()) {
            problems.add(SettingProblem.of("tls.server_name", "\"" + serverName + "\"", "a host name"));
        }
        InvalidSettingsException.throwIfAny("tls", problems);
    }

    /**
     * Reads the block {@code tls} (the {@code tls} mapping of {@code parent}), recording each problem at its key;
     * null when the block holds none of {@link #KEYS} or has a problem. Reads only {@link #KEYS}: the caller states which keys the
     * block may hold ({@code tls.expectKeys}), so that a plugin with TLS keys of its own can share the block.
     */
    public static TlsClientSettings bind(Settings parent, Settings tls) {
        if (KEYS.stream().noneMatch(tls::has)) {
            return null;
        }
        String ca = tls.optionalString("ca_file", null);
        String cert = tls.optionalString("cert_file", null);
        String key = tls.optionalString("key_file", null);
        String serverName = tls.optionalString("server_name", null);
        boolean insecure = tls.optionalBoolean("insecure_skip_verify", false);
        return parent.build(() -> new TlsClientSettings(path(ca), path(cert), path(key), serverName, insecure));
    }

    private static Path path(String text) {
        return text == null ? null : Path.of(text);
    }

    /** The files the block names, for a reload to watch. */
    public List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (Path file : new Path[] {caFile, certFile, keyFile}) {
            if (file != null) {
                files.add(file);
            }
        }
        return files;
    }

    /**
     * Each named file that this process cannot read now, as {@code courier check} reports it, with keys
     * {@code prefix + "tls.ca_file"} (the prefix places it inside a nested block, {@code scrape.}).
     */
    public List<SettingProblem> localProblems(String prefix) {
        List<SettingProblem> problems = new ArrayList<>();
        readable(problems, prefix + "tls.ca_file", caFile);
        readable(problems, prefix + "tls.cert_file", certFile);
        readable(problems, prefix + "tls.key_file", keyFile);
        return problems;
    }

    private static void readable(List<SettingProblem> problems, String key, Path file) {
        if (file != null) {
            Optional<String> problem = PathAccess.readableFileProblem(file);
            problem.ifPresent(found -> problems.add(SettingProblem.of(key, found, "a readable PEM file")));
        }
    }

    /**
     * A TLS context that trusts {@code ca_file} (or the JVM's trust store), presents {@code cert_file} when the
     * server asks for a client certificate, and checks the server's name against {@code server_name} when set.
     * Reads the files on every call.
     *
     * @throws IllegalArgumentException when a file cannot be read or is not what its key expects, as
     *                                  {@code tls.ca_file: /path (expected: PEM certificates: what failed)}
     */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(), new TrustManager[] {trustManager()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tls: " + e.getMessage() + " (expected: a TLS context from "
                    + this + ")", e);
        }
    }

    /**
     * The parameters for a client built on {@link #sslContext()}: {@code server_name} as SNI. The JDK
     * {@code HttpClient} replaces it with the URL's host when that is a name, so it reaches the server only for
     * an IP address URL; the certificate is checked against {@code server_name} either way.
     */
    public SSLParameters sslParameters() {
        SSLParameters parameters = new SSLParameters();
        if (serverName != null && !ServerNameTrustManager.isIpLiteral(serverName)) {
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
        }
        return parameters;
    }

    private KeyManager[] keyManagers() throws GeneralSecurityException {
        if (certFile == null) {
            return null;
        }
        List<X509Certificate> chain = read("tls.cert_file", certFile, "PEM certificates, the client's first",
                () -> PemFiles.certificates(certFile));
        PrivateKey key = read("tls.key_file", keyFile, "an unencrypted PEM private key", () -> PemFiles.privateKey(keyFile));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("an empty key store would not open: " + e.getMessage(), e);
        }
        char[] none = new char[0];
        try {
            store.setKeyEntry("client", key, none, chain.toArray(new X509Certificate[0]));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("tls.key_file: " + keyFile + " (expected: the key of the certificate in "
                    + certFile + ": " + e.getMessage() + ")", e);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, none);
        return keys.getKeyManagers();
    }

    private X509ExtendedTrustManager trustManager() throws GeneralSecurityException {
        if (insecureSkipVerify) {
            return TrustEveryServer.INSTANCE;
        }
        KeyStore authorities = null;
        if (caFile != null) {
            List<X509Certificate> certificates = read("tls.ca_file", caFile, "PEM certificates",
                    () -> PemFiles.certificates(caFile));
            authorities = KeyStore.getInstance("PKCS12");
            try {
                authorities.load(null, null);
            } catch (IOException e) {
                throw new GeneralSecurityException("an empty key store would not open: " + e.getMessage(), e);
            }
            for (int i = 0; i < certificates.size(); i++) {
                authorities.setCertificateEntry("ca-" + i, certificates.get(i));
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(authorities);
        X509ExtendedTrustManager pkix = null;
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                pkix = x509;
            }
        }
        if (pkix == null) {
            throw new GeneralSecurityException("the JVM offers no X.509 trust manager");
        }
        return serverName == null ? pkix : new ServerNameTrustManager(pkix, serverName);
    }

    private interface PemRead<T> {
        T read() throws IOException;
    }

    private static <T> T read(String key, Path file, String expected, PemRead<T> read) {
        try {
            return read.read();
        } catch (IOException e) {
            String reason = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
            throw new IllegalArgumentException(key + ": " + file + " (expected: " + expected + ": " + reason + ")", e);
        }
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (caFile != null) {
            parts.add("ca_file " + caFile);
        }
        if (certFile != null) {
            parts.add("cert_file " + certFile + ", key_file " + keyFile);
        }
        if (serverName != null) {
            parts.add("server_name " + serverName);
        }
        if (insecureSkipVerify) {
            parts.add("insecure_skip_verify");
        }
        return parts.isEmpty() ? "tls with JVM trust" : "tls " + String.join(", ", parts);
    }
}
