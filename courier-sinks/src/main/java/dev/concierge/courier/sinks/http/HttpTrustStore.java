package dev.concierge.courier.sinks.http;

import dev.concierge.courier.core.spi.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates an https sink trusts instead of the JVM's default trust store.
 *
 * @param path     a key store file holding the trusted certificates
 * @param password its password; null when it has none
 * @param type     its {@link KeyStore} type: {@code PKCS12} (the default) or {@code JKS}
 */
public record HttpTrustStore(Path path, Secret password, String type) {
    public static final String DEFAULT_TYPE = "PKCS12";

    public HttpTrustStore {
        Objects.requireNonNull(path, "path");
        type = type == null ? DEFAULT_TYPE : type;
    }

    /**
     * An SSL context that trusts exactly this store's certificates, with the JVM's default key managers
     * and randomness. Reads the file on every call.
     *
     * @throws IllegalArgumentException when the file cannot be read or opened with the password, as
     *                                  {@code tls.trust_store: path (expected: ...)}
     */
    public SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.reveal().toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            // The exception's message never holds the password; it says what failed (wrong password, format).
            throw new IllegalArgumentException("tls.trust_store: " + path + " (expected: a " + type
                    + " trust store that opens with the configured password: " + e.getMessage() + ")", e);
        }
    }
}
