package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.core.tls.TlsClientSettings;
import dev.concierge.courier.sources.consul.ConsulConfig;
import dev.concierge.courier.sources.dropwizard.DropwizardConfig;
import dev.concierge.courier.sources.fetch.HttpCredentials;
import dev.concierge.courier.sources.prometheus.PrometheusConfig;
import dev.concierge.courier.sources.prometheus.PrometheusFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The login and negotiation keys of scraping sources, read from YAML: every shape binds, every mistake is reported
 * at its line and column, and no secret is echoed.
 */
class ScrapeLoginConfigTest {
    private static final String PASSWORD = "pa55-w0rd-xyz";
    private static final String TOKEN = "tok-0123456789";

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("courier.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static CourierConfig load(Path file) throws ConfigException {
        return CourierConfig.load(new YamlConfigParser(Map.of()), file);
    }

    @Test
    void bindsEveryLoginShapeAndEchoesNoSecret() throws Exception {
        Path file = write("""
                data_dir: /var/lib/courier
                sources:
                  - name: exporter
                    type: prometheus
                    url: https://10.0.0.5:9100/metrics
                    fallback_protocol: text/plain;version=0.0.4
                    headers: {X-Scope-OrgID: team-a}
                    basic_auth: {username: scraper, password: %1$s}
                    tls: {ca_file: /etc/courier/ca.pem, cert_file: /etc/courier/client.pem, key_file: /etc/courier/client.key, server_name: exporter.internal}
                  - name: app
                    type: dropwizard
                    url: https://10.0.0.6:8081/metrics
                    authorization: {credentials: %2$s}
                    tls: {insecure_skip_verify: true}
                  - name: discovered
                    type: consul
                    agent: http://127.0.0.1:8500
                    services: [api]
                    scrape:
                      type: prometheus
                      scheme: https
                      authorization: {type: Token, credentials_file: /etc/courier/token}
                      tls: {ca_file: /etc/courier/ca.pem}
                sinks:
                  - name: zabbix
                    type: zabbix
                    server: 127.0.0.1:10051
                """.formatted(PASSWORD, TOKEN));

        CourierConfig config = load(file);

        PrometheusConfig prometheus = (PrometheusConfig) config.sources().get(0).config();
        assertThat(prometheus.fallbackProtocol()).isEqualTo(PrometheusFormat.TEXT_0_0_4);
        assertThat(prometheus.http().headers()).containsEntry("X-Scope-OrgID", "team-a");
        assertThat(prometheus.http().credentials()).isInstanceOfSatisfying(HttpCredentials.Basic.class, basic -> {
            assertThat(basic.username()).isEqualTo("scraper");
            assertThat(basic.password().reveal()).isEqualTo(PASSWORD);
        });
        assertThat(prometheus.http().tls()).isEqualTo(new TlsClientSettings(Path.of("/etc/courier/ca.pem"),
                Path.of("/etc/courier/client.pem"), Path.of("/etc/courier/client.key"), "exporter.internal", false));
        assertThat(config.sources().get(0).files().files()).containsExactly(Path.of("/etc/courier/ca.pem"),
                Path.of("/etc/courier/client.pem"), Path.of("/etc/courier/client.key"));

        DropwizardConfig dropwizard = (DropwizardConfig) config.sources().get(1).config();
        assertThat(dropwizard.http().credentials()).isInstanceOfSatisfying(HttpCredentials.Authorization.class,
                auth -> assertThat(auth.credentials().reveal()).isEqualTo(TOKEN));
        assertThat(dropwizard.http().tls().insecureSkipVerify()).isTrue();

        ConsulConfig consul = (ConsulConfig) config.sources().get(2).config();
        assertThat(consul.scrape().http().credentials()).isEqualTo(
                new HttpCredentials.Authorization("Token", null, Path.of("/etc/courier/token")));

        for (SourceDefinition<?> source : config.sources()) {
            assertThat(source.config().toString()).doesNotContain(PASSWORD).doesNotContain(TOKEN);
            assertThat(source.summary()).doesNotContain(PASSWORD).doesNotContain(TOKEN);
        }
        assertThat(prometheus.toString()).contains("basic_auth as scraper", "fallback_protocol TEXT_0_0_4",
                "server_name exporter.internal");
    }

    @Test
    void reportsEveryMistakeAtItsLineAndColumnWithoutItsSecret() throws Exception {
        Path file = write("""
                data_dir: /var/lib/courier
                sources:
                  - name: exporter
                    type: prometheus
                    url: https://10.0.0.5:9100/metrics
                    fallback_protocol: text/html
                    headers: {Authorization: Bearer %1$s}
                    basic_auth: {username: scraper}
                    tls: {ca_fil: /etc/ca.pem, cert_file: /etc/client.pem}
                  - name: app
                    type: dropwizard
                    file: /tmp/metrics.json
                    basic_auth: {username: scraper, password: %2$s}
                  - name: both
                    type: prometheus
                    url: http://10.0.0.7:9100/metrics
                    basic_auth: {username: scraper, password: x, password_file: /etc/pw}
                    authorization: {credentials: %1$s}
                  - name: header
                    type: prometheus
                    url: http://10.0.0.8:9100/metrics
                    headers: {Authorization: Bearer %1$s}
                sinks:
                  - name: zabbix
                    type: zabbix
                    server: 127.0.0.1:10051
                """.formatted(TOKEN, PASSWORD));

        assertThatThrownBy(() -> load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("courier.yaml:6:24: sources[0].fallback_protocol: \"text/html\" (expected: one of "
                        + "text/plain;version=0.0.4, ")
                .hasMessageContaining("courier.yaml:8:17: sources[0].basic_auth: neither password nor password_file "
                        + "(expected: one of password and password_file)")
                .hasMessageContaining("courier.yaml:9:10: sources[0].tls: key_file missing (expected: a key_file with "
                        + "cert_file)")
                .hasMessageContaining("courier.yaml:9:11: sources[0].tls.ca_fil: unknown key")
                .hasMessageContaining("courier.yaml:12:11: sources[1].file: /tmp/metrics.json (expected: no headers, "
                        + "basic_auth, authorization or tls with a file")
                .hasMessageContaining("courier.yaml:17:17: sources[2].basic_auth: both password and password_file")
                .hasMessageContaining("courier.yaml:22:30: sources[3].headers.Authorization: set (expected: credentials in "
                        + "basic_auth or authorization)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain(PASSWORD));
    }

    @Test
    void theHttpSinkTakesTheSamePemBlockAndRefusesItBesideATrustStore() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        Path file = write("""
                data_dir: /var/lib/courier
                sources:
                  - name: app
                    type: dropwizard
                    url: http://127.0.0.1:8081/metrics
                sinks:
                  - name: pem
                    type: http
                    url: https://collector.example:8443/ingest
                    tls: {ca_file: %1$s, server_name: collector.internal}
                  - name: both
                    type: http
                    url: https://collector.example:8443/ingest
                    tls: {trust_store: %1$s, ca_file: %1$s}
                """.formatted(ca));

        assertThatThrownBy(() -> load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("courier.yaml:14:24: sinks[1].tls.trust_store: set with tls ca_file " + ca
                        + " (expected: either a trust store or the PEM keys ca_file, cert_file, key_file, server_name, "
                        + "insecure_skip_verify)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sinks[0]"));

        Files.writeString(file, Files.readString(file).replace("tls: {trust_store: " + ca + ", ca_file: " + ca + "}",
                "tls: {trust_store: " + ca + "}"));
        CourierConfig config = load(file);
        assertThat(config.sinks().get(0).config()).isInstanceOfSatisfying(
                dev.concierge.courier.sinks.http.HttpSinkConfig.class, http -> assertThat(http.tls())
                        .isEqualTo(new TlsClientSettings(ca, null, null, "collector.internal", false)));
    }
}
