package dev.concierge.courier.sinks.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.testing.RealNginx;
import dev.concierge.courier.core.testing.Samples;
import dev.concierge.courier.core.tls.TestPki;
import dev.concierge.courier.core.tls.TlsClientSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP sink with the PEM {@code tls} block every TLS client of the courier shares, against a real nginx with
 * a certificate from a private CA made for the test, and a variant that requires a client certificate.
 */
class HttpSinkPemTlsTest {
    @TempDir
    static Path dir;
    private static TestPki pki;
    private static RealNginx nginx;

    @BeforeAll
    static void startNginx() throws Exception {
        pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        nginx = RealNginx.start(Files.createDirectories(dir.resolve("nginx")), 2, """
                server {
                    listen 127.0.0.1:%%PORT0%% ssl;
                    ssl_certificate %1$s; ssl_certificate_key %2$s;
                    location = /ingest { return 204; }
                }
                server {
                    listen 127.0.0.1:%%PORT1%% ssl;
                    ssl_certificate %1$s; ssl_certificate_key %2$s;
                    ssl_client_certificate %3$s; ssl_verify_client on;
                    location = /ingest { return 204; }
                }
                """.formatted(pki.serverCert(), pki.serverKey(), pki.caCert()));
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.close();
        }
    }

    private static DeliveryOutcome send(int port, TlsClientSettings tls) throws Exception {
        HttpSinkConfig config = HttpSinkConfig.of("pem", URI.create("https://127.0.0.1:" + nginx.port(port) + "/ingest"))
                .withTls(tls);
        try (HttpSink sink = HttpSink.create(config)) {
            return sink.send(new Batch(1, Samples.counters("pem", 2))).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void deliversToAServerOfThePemCa() throws Exception {
        assertThat(send(0, new TlsClientSettings(pki.caCert(), null, null, null, false)))
                .isEqualTo(new DeliveryOutcome.Delivered("HTTP 204"));
    }

    @Test
    void refusesAServerOfAnotherCaUnlessVerificationIsSkipped() throws Exception {
        DeliveryOutcome refused = send(0, new TlsClientSettings(pki.otherCaCert(), null, null, null, false));
        assertThat(refused).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(refused.detail()).startsWith("TLS: ");

        assertThat(send(0, new TlsClientSettings(null, null, null, null, true)))
                .isEqualTo(new DeliveryOutcome.Delivered("HTTP 204"));
    }

    @Test
    void presentsAClientCertificateWhenTheServerRequiresOne() throws Exception {
        assertThat(send(1, new TlsClientSettings(pki.caCert(), pki.clientCert(), pki.clientPkcs1Key(), null, false)))
                .isEqualTo(new DeliveryOutcome.Delivered("HTTP 204"));

        DeliveryOutcome without = send(1, new TlsClientSettings(pki.caCert(), null, null, null, false));
        assertThat(without).isNotInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(without.detail()).contains("400");
    }

    @Test
    void checksTheServerNameWhenOneIsSet() throws Exception {
        assertThat(send(0, new TlsClientSettings(pki.caCert(), null, null, TestPki.SERVER_NAME, false)))
                .isEqualTo(new DeliveryOutcome.Delivered("HTTP 204"));
        DeliveryOutcome wrong = send(0, new TlsClientSettings(pki.caCert(), null, null, TestPki.OTHER_NAME, false));
        assertThat(wrong.detail()).contains("not for server_name " + TestPki.OTHER_NAME);
    }

    @Test
    void refusesATrustStoreAndPemKeysTogetherAndPemOverHttp() {
        TlsClientSettings tls = new TlsClientSettings(pki.caCert(), null, null, null, false);
        HttpSinkConfig https = HttpSinkConfig.of("pem", URI.create("https://127.0.0.1:1/ingest")).withTls(tls);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> https.withTrustStore(new HttpTrustStore(pki.caCert(), null, "PKCS12")))
                .withMessageContaining("tls.trust_store: set with tls ca_file " + pki.caCert());
        assertThatIllegalArgumentException()
                .isThrownBy(() -> HttpSinkConfig.of("pem", URI.create("http://127.0.0.1:1/ingest")).withTls(tls))
                .withMessageContaining("tls: TLS settings for http://127.0.0.1:1/ingest (expected: an https URL)");
        assertThat(new HttpSinkType().watchedFiles(https)).containsExactly(pki.caCert());
    }
}
