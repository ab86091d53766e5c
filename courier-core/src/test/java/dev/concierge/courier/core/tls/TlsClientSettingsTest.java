package dev.concierge.courier.core.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.settings.InvalidSettingsException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tls} block against a JSSE server on loopback that presents certificates of a private CA. */
class TlsClientSettingsTest {
    @TempDir
    static Path dir;
    private static TestPki pki;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = TestPki.create(dir);
    }

    @Test
    void trustsTheCaFileAndChecksTheUrlHost() throws Exception {
        TlsClientSettings tls = new TlsClientSettings(pki.caCert(), null, null, null, false);

        assertThat(handshake(tls, pki.serverCert(), pki.serverKey(), false)).isEqualTo("no client certificate");
    }

    @Test
    void refusesAServerSignedByAnotherCa() {
        TlsClientSettings tls = new TlsClientSettings(pki.otherCaCert(), null, null, null, false);

        assertThatThrownBy(() -> handshake(tls, pki.serverCert(), pki.serverKey(), false))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void refusesACertificateForAnotherNameUnlessServerNameSaysSo() throws Exception {
        TlsClientSettings plain = new TlsClientSettings(pki.caCert(), null, null, null, false);
        assertThatThrownBy(() -> handshake(plain, pki.otherNameCert(), pki.otherNameKey(), false))
                .isInstanceOf(SSLHandshakeException.class);

        TlsClientSettings named = new TlsClientSettings(pki.caCert(), null, null, TestPki.OTHER_NAME, false);
        assertThat(handshake(named, pki.otherNameCert(), pki.otherNameKey(), false)).isEqualTo("no client certificate");

        TlsClientSettings wrong = new TlsClientSettings(pki.caCert(), null, null, "nobody.courier.test", false);
        assertThatThrownBy(() -> handshake(wrong, pki.otherNameCert(), pki.otherNameKey(), false))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("not for server_name nobody.courier.test")
                .hasMessageContaining("DNS:" + TestPki.OTHER_NAME);
    }

    @Test
    void insecureSkipVerifyAcceptsAnyServer() throws Exception {
        TlsClientSettings tls = new TlsClientSettings(pki.otherCaCert(), null, null, null, true);

        assertThat(handshake(tls, pki.otherNameCert(), pki.otherNameKey(), false)).isEqualTo("no client certificate");
    }

    @Test
    void presentsTheClientCertificateWithEachKeyForm() throws Exception {
        for (Path key : List.of(pki.clientKey(), pki.clientPkcs1Key())) {
            TlsClientSettings tls = new TlsClientSettings(pki.caCert(), pki.clientCert(), key, null, false);
            assertThat(handshake(tls, pki.serverCert(), pki.serverKey(), true)).contains("CN=" + TestPki.CLIENT_CN);
        }
        assertThat(Files.readString(pki.ecClientSec1Key())).contains("BEGIN EC PRIVATE KEY");
        TlsClientSettings ec = new TlsClientSettings(pki.caCert(), pki.ecClientCert(), pki.ecClientSec1Key(), null, false);
        assertThat(handshake(ec, pki.serverCert(), pki.serverKey(), true)).contains("CN=" + TestPki.CLIENT_CN + "-ec");
    }

    @Test
    void readsTheSameKeyFromEveryForm() throws Exception {
        assertThat(PemFiles.privateKey(pki.clientPkcs1Key()).getEncoded())
                .isEqualTo(PemFiles.privateKey(pki.clientKey()).getEncoded());
        assertThat(PemFiles.privateKey(pki.ecClientSec1Key()).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void namesTheKeyAndFileThatCannotBeRead() throws Exception {
        Path missing = dir.resolve("missing.crt");
        assertThatThrownBy(() -> new TlsClientSettings(missing, null, null, null, false).sslContext())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tls.ca_file: " + missing + " (expected: PEM certificates: no such file)");

        assertThatThrownBy(() -> new TlsClientSettings(null, pki.clientCert(), pki.caCert(), null, false).sslContext())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tls.key_file: " + pki.caCert() + " (expected: an unencrypted PEM private key");

        Path encrypted = dir.resolve("encrypted.key");
        TestPki.openssl(dir, "pkcs8", "-topk8", "-in", pki.clientKey().toString(), "-passout", "pass:secret",
                "-out", encrypted.toString());
        assertThatThrownBy(() -> new TlsClientSettings(null, pki.clientCert(), encrypted, null, false).sslContext())
                .hasMessageContaining("the key is encrypted");
    }

    @Test
    void reportsEveryBrokenRuleAtItsKey() {
        assertThatThrownBy(() -> new TlsClientSettings(null, pki.clientCert(), null, " ", false))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.key()).containsExactly("tls.key_file", "tls.server_name"));
        assertThat(new TlsClientSettings(pki.caCert(), pki.clientCert(), pki.clientKey(), null, false).files())
                .containsExactly(pki.caCert(), pki.clientCert(), pki.clientKey());
        assertThat(new TlsClientSettings(dir.resolve("nope.pem"), null, null, null, false).localProblems("scrape."))
                .extracting(p -> p.key()).containsExactly("scrape.tls.ca_file");
    }

    /**
     * One handshake from a client built on {@code tls} to a JSSE server presenting {@code cert}, checking the
     * URL host 127.0.0.1 as the JDK HTTP client does; answers the client certificate the server saw.
     */
    private static String handshake(TlsClientSettings tls, Path cert, Path key, boolean needClientAuth) throws Exception {
        SSLContext server = serverContext(cert, key);
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(needClientAuth);
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.startHandshake();
                    accepted.getInputStream().read();
                    try {
                        return ((X509Certificate) accepted.getSession().getPeerCertificates()[0]).getSubjectX500Principal()
                                .getName();
                    } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
                        return "no client certificate";
                    }
                } catch (IOException e) {
                    return "server failed: " + e;
                }
            });
            try (SSLSocket client = (SSLSocket) tls.sslContext().getSocketFactory()
                    .createSocket("127.0.0.1", listener.getLocalPort())) {
                SSLParameters parameters = tls.sslParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                client.setSSLParameters(parameters);
                client.startHandshake();
                client.getOutputStream().write('x');
                client.getOutputStream().flush();
                return seen.get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static SSLContext serverContext(Path cert, Path key) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", PemFiles.privateKey(key), new char[0],
                PemFiles.certificates(cert).toArray(new X509Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", PemFiles.certificates(pki.caCert()).get(0));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }
}
