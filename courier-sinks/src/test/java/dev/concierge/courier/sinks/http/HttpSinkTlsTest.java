package dev.concierge.courier.sinks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.core.testing.Samples;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https to a server with a self-signed certificate made by {@code keytool} for this run (SAN 127.0.0.1):
 * trusted through the configured trust store, refused by the JVM's default trust.
 */
class HttpSinkTlsTest {
    private static final String SERVER_PASSWORD = "server-store-pw";
    private static final String TRUST_PASSWORD = "trust-store-pw";

    @TempDir
    static Path dir;
    private static WireMockServer server;
    private static Path trustStore;

    @BeforeAll
    static void startHttpsServer() throws Exception {
        Path serverStore = dir.resolve("server.p12");
        Path cert = dir.resolve("server.cer");
        trustStore = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", serverStore.toString(),
                "-storetype", "PKCS12", "-storepass", SERVER_PASSWORD, "-keypass", SERVER_PASSWORD);
        keytool("-exportcert", "-alias", "server", "-keystore", serverStore.toString(), "-storepass", SERVER_PASSWORD,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "server", "-file", cert.toString(), "-keystore",
                trustStore.toString(), "-storetype", "PKCS12", "-storepass", TRUST_PASSWORD);
        server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").httpDisabled(true)
                .dynamicHttpsPort().keystorePath(serverStore.toString()).keystoreType("PKCS12")
                .keystorePassword(SERVER_PASSWORD).keyManagerPassword(SERVER_PASSWORD));
        server.start();
        server.stubFor(post("/ingest").willReturn(aResponse().withStatus(204)));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static DeliveryOutcome sendWith(HttpTrustStore trust) throws Exception {
        HttpSinkConfig config = HttpSinkConfig.of("tls", URI.create("https://127.0.0.1:" + server.httpsPort() + "/ingest"))
                .withTrustStore(trust);
        try (HttpSink sink = HttpSink.create(config)) {
            return sink.send(new Batch(1, Samples.counters("tls", 2))).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void deliversToASelfSignedServerInTheConfiguredTrustStore() throws Exception {
        DeliveryOutcome outcome = sendWith(new HttpTrustStore(trustStore, Secret.of(TRUST_PASSWORD), "PKCS12"));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered("HTTP 204"));
    }

    @Test
    void refusesASelfSignedServerUnderTheDefaultTrust() throws Exception {
        DeliveryOutcome outcome = sendWith(null);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(outcome.detail()).startsWith("TLS: ");
    }

    @Test
    void failsAtCreationWhenTheTrustStorePasswordIsWrong() {
        HttpTrustStore wrong = new HttpTrustStore(trustStore, Secret.of("not-the-password"), "PKCS12");

        assertThatIllegalArgumentException().isThrownBy(() -> sendWith(wrong))
                .withMessageStartingWith("tls.trust_store: " + trustStore)
                .withMessageNotContaining("not-the-password");
    }
}
