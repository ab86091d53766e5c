package dev.concierge.courier.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.core.testing.RealNginx;
import dev.concierge.courier.core.tls.TestPki;
import dev.concierge.courier.core.tls.TlsClientSettings;
import dev.concierge.courier.sources.consul.ScrapeTarget;
import dev.concierge.courier.sources.consul.ScrapeTargets;
import dev.concierge.courier.sources.dropwizard.DropwizardConfig;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonSource;
import dev.concierge.courier.sources.fetch.HttpCredentials;
import dev.concierge.courier.sources.fetch.ScrapeHttpSettings;
import dev.concierge.courier.sources.prometheus.PrometheusConfig;
import dev.concierge.courier.sources.prometheus.PrometheusScrapeSource;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources that log in, against a real nginx in front of a static exposition: basic auth, a bearer token, TLS from
 * a private CA made for the test, and a client-certificate variant ({@code ssl_verify_client on}). The right
 * credentials get every sample; wrong or missing ones fail with a clear problem that shows no secret.
 */
class ScrapeLoginRealNginxTest {
    private static final String USER = "scraper";
    private static final String PASSWORD = "s3cret-p4ss";
    private static final String TOKEN = "tok-9f8e7d6c5b4a";
    private static final String EXPOSITION = """
            # HELP http_requests_total Requests.
            # TYPE http_requests_total counter
            http_requests_total{code="200"} 1027
            http_requests_total{code="500"} 3
            # TYPE queue_depth gauge
            queue_depth 7
            # TYPE latency_seconds summary
            latency_seconds_sum 12.5
            latency_seconds_count 100
            """;
    private static final List<String> SERIES = List.of("http_requests_total", "http_requests_total", "queue_depth",
            "latency_seconds_sum", "latency_seconds_count");
    private static final String DROPWIZARD = """
            {"version":"4.0.0","gauges":{"jvm.threads":{"value":42}},"counters":{"jobs":{"count":3}},
             "histograms":{},"meters":{},"timers":{}}
            """;

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static RealNginx nginx;

    private final RecordingEmitter emitter = new RecordingEmitter();

    @BeforeAll
    static void startNginx() throws Exception {
        Path pkiDir = Files.createDirectories(dir.resolve("pki"));
        pki = TestPki.create(pkiDir);
        Files.writeString(dir.resolve("metrics.txt"), EXPOSITION);
        Files.writeString(dir.resolve("metrics.json"), DROPWIZARD);
        Files.writeString(dir.resolve("htpasswd"), RealNginx.htpasswdLine(dir, USER, PASSWORD));
        String locations = """
                    location = /basic/metrics {
                        auth_basic "courier"; auth_basic_user_file %1$s/htpasswd;
                        default_type "text/plain; version=0.0.4; charset=utf-8"; alias %1$s/metrics.txt;
                    }
                    location = /basic/metrics.json {
                        auth_basic "courier"; auth_basic_user_file %1$s/htpasswd;
                        default_type application/json; alias %1$s/metrics.json;
                    }
                    location = /bearer/metrics {
                        if ($http_authorization != "Bearer %2$s") { return 401; }
                        default_type "text/plain; version=0.0.4; charset=utf-8"; alias %1$s/metrics.txt;
                    }
                    location = /metrics {
                        default_type "text/plain; version=0.0.4; charset=utf-8"; alias %1$s/metrics.txt;
                    }
                """.formatted(dir, TOKEN);
        nginx = RealNginx.start(Files.createDirectories(dir.resolve("nginx")), 3, """
                server {
                    listen 127.0.0.1:%%PORT0%%;
                %1$s
                }
                server {
                    listen 127.0.0.1:%%PORT1%% ssl;
                    ssl_certificate %2$s; ssl_certificate_key %3$s;
                %1$s
                }
                server {
                    listen 127.0.0.1:%%PORT2%% ssl;
                    ssl_certificate %2$s; ssl_certificate_key %3$s;
                    ssl_client_certificate %4$s; ssl_verify_client on;
                %1$s
                }
                """.formatted(locations, pki.serverCert(), pki.serverKey(), pki.caCert()));
    }

    @AfterAll
    static void stopNginx() {
        if (nginx != null) {
            nginx.close();
        }
    }

    private static URI http(String path) {
        return URI.create("http://127.0.0.1:" + nginx.port(0) + path);
    }

    private static URI https(String path) {
        return URI.create("https://127.0.0.1:" + nginx.port(1) + path);
    }

    private static URI mutualTls(String path) {
        return URI.create("https://127.0.0.1:" + nginx.port(2) + path);
    }

    private static ScrapeHttpSettings basic(String password) {
        return new ScrapeHttpSettings(Map.of(), new HttpCredentials.Basic(USER, Secret.of(password), null), null);
    }

    private static PrometheusScrapeSource prometheus(URI url, ScrapeHttpSettings http) {
        return PrometheusScrapeSource.create(PrometheusConfig.of("exporter", url).withHost("web-01").withHttp(http));
    }

    @Test
    void basicAuthWithTheRightPasswordGetsEverySample() throws Exception {
        try (PrometheusScrapeSource source = prometheus(http("/basic/metrics"), basic(PASSWORD))) {
            source.collect(emitter);
        }
        assertThat(emitter.samples()).extracting(Sample::name).containsExactlyElementsOf(SERIES);
        assertThat(nginx.accessLog()).anySatisfy(line -> assertThat(line).startsWith("GET /basic/metrics ")
                .endsWith("auth:yes"));
    }

    @Test
    void aWrongPasswordFailsClearlyAndShowsNoSecret() {
        String wrong = "not-the-p4ss";
        try (PrometheusScrapeSource source = prometheus(http("/basic/metrics"), basic(wrong))) {
            assertThatThrownBy(() -> source.collect(emitter)).isInstanceOf(SourceException.class)
                    .hasMessage(http("/basic/metrics") + ": HTTP status 401 (expected: 2xx; the credentials sent "
                            + "(basic_auth as scraper) were refused)")
                    .satisfies(e -> assertThat(source.secrets().apply(e.getMessage())).doesNotContain(wrong));
            assertThat(source.toString()).doesNotContain(wrong);
            assertThat(source.secrets().apply("echo " + wrong)).isEqualTo("echo ******");
        }
        assertThat(emitter.samples()).isEmpty();
    }

    @Test
    void noCredentialsFailsNamingTheKeysThatLogIn() {
        try (PrometheusScrapeSource source = prometheus(http("/basic/metrics"), ScrapeHttpSettings.NONE)) {
            assertThatThrownBy(() -> source.collect(emitter)).isInstanceOf(SourceException.class)
                    .hasMessageEndingWith("HTTP status 401 (expected: 2xx; the endpoint asks for credentials: "
                            + "basic_auth or authorization)");
        }
    }

    @Test
    void aPasswordFileIsReadAgainWhenItChanges() throws Exception {
        Path file = dir.resolve("password");
        Files.writeString(file, "stale-password\n");
        ScrapeHttpSettings http = new ScrapeHttpSettings(Map.of(), new HttpCredentials.Basic(USER, null, file), null);
        try (PrometheusScrapeSource source = prometheus(http("/basic/metrics"), http)) {
            assertThatThrownBy(() -> source.collect(emitter)).hasMessageContaining("HTTP status 401");
            assertThat(source.secrets().apply("stale-password")).isEqualTo("******");

            Files.writeString(file, PASSWORD + "\n");
            source.collect(emitter);

            assertThat(emitter.samples()).hasSize(SERIES.size());
            assertThat(source.secrets().apply(PASSWORD)).isEqualTo("******");
        }
    }

    @Test
    void aBearerTokenFromAFileIsReadOnEveryScrape() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "expired-token\n");
        ScrapeHttpSettings http = new ScrapeHttpSettings(Map.of("X-Scope-OrgID", "team-a"),
                new HttpCredentials.Authorization(null, null, file), null);
        try (PrometheusScrapeSource source = prometheus(http("/bearer/metrics"), http)) {
            assertThatThrownBy(() -> source.collect(emitter)).hasMessageContaining("HTTP status 401")
                    .hasMessageContaining("authorization Bearer (credentials_file " + file + ")");

            Files.writeString(file, TOKEN + "\n");
            source.collect(emitter);
        }
        assertThat(emitter.samples()).hasSize(SERIES.size());
    }

    @Test
    void tlsFromAPrivateCaGetsEverySample() throws Exception {
        TlsClientSettings tls = new TlsClientSettings(pki.caCert(), null, null, null, false);
        try (PrometheusScrapeSource source = prometheus(https("/metrics"), new ScrapeHttpSettings(Map.of(), null, tls))) {
            source.collect(emitter);
        }
        assertThat(emitter.samples()).extracting(Sample::name).containsExactlyElementsOf(SERIES);
    }

    @Test
    void tlsWithoutTheCaFailsAsAHandshakeProblemUnlessVerificationIsSkipped() throws Exception {
        try (PrometheusScrapeSource source = prometheus(https("/metrics"), ScrapeHttpSettings.NONE)) {
            assertThatThrownBy(() -> source.collect(emitter)).isInstanceOf(SourceException.class)
                    .hasMessageStartingWith(https("/metrics") + ": TLS handshake failed: ");
        }
        TlsClientSettings insecure = new TlsClientSettings(null, null, null, null, true);
        try (PrometheusScrapeSource source = prometheus(https("/metrics"), new ScrapeHttpSettings(Map.of(), null, insecure))) {
            source.collect(emitter);
        }
        assertThat(emitter.samples()).hasSize(SERIES.size());
    }

    @Test
    void aClientCertificateInEachKeyFormIsAcceptedWithBasicAuthOnTop() throws Exception {
        for (Path key : List.of(pki.clientKey(), pki.clientPkcs1Key())) {
            TlsClientSettings tls = new TlsClientSettings(pki.caCert(), pki.clientCert(), key, null, false);
            ScrapeHttpSettings http = new ScrapeHttpSettings(Map.of(),
                    new HttpCredentials.Basic(USER, Secret.of(PASSWORD), null), tls);
            try (PrometheusScrapeSource source = prometheus(mutualTls("/basic/metrics"), http)) {
                source.collect(emitter);
            }
        }
        TlsClientSettings ec = new TlsClientSettings(pki.caCert(), pki.ecClientCert(), pki.ecClientSec1Key(), null, false);
        try (PrometheusScrapeSource source = prometheus(mutualTls("/metrics"), new ScrapeHttpSettings(Map.of(), null, ec))) {
            source.collect(emitter);
        }
        assertThat(emitter.samples()).hasSize(3 * SERIES.size());
    }

    @Test
    void withoutAClientCertificateTheServerRefusesAndTheProblemSaysWhy() {
        TlsClientSettings tls = new TlsClientSettings(pki.caCert(), null, null, null, false);
        try (PrometheusScrapeSource source = prometheus(mutualTls("/metrics"), new ScrapeHttpSettings(Map.of(), null, tls))) {
            assertThatThrownBy(() -> source.collect(emitter)).isInstanceOf(SourceException.class)
                    .hasMessageContaining("HTTP status 400")
                    .hasMessageContaining("requires a client certificate")
                    .hasMessageContaining("tls.cert_file");
        }
    }

    @Test
    void aDropwizardSourceLogsInOverTlsToo() throws Exception {
        TlsClientSettings tls = new TlsClientSettings(pki.caCert(), null, null, null, false);
        DropwizardConfig config = DropwizardConfig.ofUrl("app", https("/basic/metrics.json")).withHost("web-01")
                .withHttp(new ScrapeHttpSettings(Map.of(), new HttpCredentials.Basic(USER, Secret.of(PASSWORD), null), tls));
        try (DropwizardJsonSource source = DropwizardJsonSource.create(config)) {
            source.collect(emitter);
            assertThat(source.toString()).doesNotContain(PASSWORD);
        }
        assertThat(emitter.samples()).extracting(Sample::name).contains("jvm.threads", "jobs");

        try (DropwizardJsonSource source = DropwizardJsonSource.create(config.withHttp(
                new ScrapeHttpSettings(Map.of(), null, tls)))) {
            assertThatThrownBy(() -> source.collect(emitter)).hasMessageContaining("HTTP status 401");
        }
    }

    @Test
    void aScrapeAConsulSourceCreatesLogsInWithItsSettings() throws Exception {
        ScrapeTarget target = new ScrapeTarget("consul", "api", "api-1", PrometheusConfig.TYPE, https("/basic/metrics"),
                "api-host", Duration.ofSeconds(10), Duration.ofSeconds(5), 1 << 20,
                new ScrapeHttpSettings(Map.of(), new HttpCredentials.Basic(USER, Secret.of(PASSWORD), null),
                        new TlsClientSettings(pki.caCert(), null, null, null, false)));
        try (Source source = ScrapeTargets.builtIn().factory(PrometheusConfig.TYPE).create(target)) {
            source.collect(emitter);
        }
        assertThat(emitter.samples()).hasSize(SERIES.size()).allSatisfy(s -> assertThat(s.host()).isEqualTo("api-host"));
    }
}
