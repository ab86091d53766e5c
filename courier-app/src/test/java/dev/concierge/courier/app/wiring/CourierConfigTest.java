package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.sinks.zabbix.ZabbixDiscoveryConfig;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkType;
import dev.concierge.courier.sinks.zabbix.client.TestCertificates;
import dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig;
import dev.concierge.courier.sources.consul.ConsulConfig;
import dev.concierge.courier.sources.dropwizard.DropwizardConfig;
import dev.concierge.courier.sources.prometheus.PrometheusConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CourierConfigTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("courier.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static CourierConfig load(Path file, Map<String, String> env) throws ConfigException {
        return CourierConfig.load(new YamlConfigParser(env), file);
    }

    @Test
    void bindsTheConfigurationShapeFromTheReadme() throws Exception {
        Path file = write("""
                data_dir: /var/lib/courier
                sources:
                  - name: app
                    type: dropwizard
                    url: http://127.0.0.1:8081/metrics     # or  file: /tmp/metrics.json
                    interval: 10s
                sinks:
                  - name: zabbix
                    type: zabbix
                    server: 127.0.0.1:10051
                    host: app-01                           # the Zabbix host the rows belong to
                """);

        CourierConfig config = load(file, Map.of());

        assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/courier"));
        assertThat(config.sources()).singleElement().satisfies(source -> {
            assertThat(source.name()).isEqualTo("app");
            assertThat(source.interval()).isEqualTo(Duration.ofSeconds(10));
        });
        assertThat(config.sinks()).singleElement().satisfies(sink -> assertThat(sink.summary())
                .isEqualTo("127.0.0.1:10051 as host app-01"));
        assertThat(config.shutdownDeadline()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void interpolatesTheEnvironment() throws Exception {
        Path file = write("""
                data_dir: ${STATE:-/tmp/courier}
                sources:
                  - name: app
                    type: dropwizard
                    file: ${METRICS_FILE:?set METRICS_FILE to the exported document}
                sinks:
                  - name: zabbix
                    type: zabbix
                    server: ${ZABBIX}
                """);

        CourierConfig config = load(file, Map.of("METRICS_FILE", "/tmp/m.json", "ZABBIX", "zbx:10051"));

        assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/courier"));
        assertThat(config.sources().get(0).summary()).startsWith("/tmp/m.json");
        assertThat(config.sinks().get(0).summary()).isEqualTo("zbx:10051");
    }

    @Test
    void readsTheNodesOfAZabbixClusterInServerAndRefusesAMalformedList() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: app, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - {name: ha, type: zabbix, server: "zbx-a;zbx-b:10052"}
                  - {name: bad, type: zabbix, server: "zbx-a;;zbx-b"}
                  - {name: twice, type: zabbix, server: "zbx-a;zbx-a:10051"}
                """);

        assertThatThrownBy(() -> load(file, Map.of()))
                .hasMessageContaining("sinks[1].server: \"zbx-a;;zbx-b\" (expected: host:port, or the nodes of an HA "
                        + "cluster as host:port;host:port)")
                .hasMessageContaining("sinks[2].server: \"zbx-a;zbx-a:10051\" (expected: each node once; "
                        + "zbx-a:10051 is named twice)")
                .hasMessageNotContaining("sinks[0]");
        Path good = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: app, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - {name: ha, type: zabbix, server: "zbx-a;zbx-b:10052"}
                """);
        assertThat(load(good, Map.of()).sinks().get(0).summary()).isEqualTo("zbx-a:10051;zbx-b:10052");
    }

    @Test
    void reportsEveryProblemAtOnceWithLineAndColumn() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - name: app
                    type: dropwizard
                    url: http://127.0.0.1:8081/metrics
                    interval: 10
                  - name: app
                    type: carrier-pigeon
                sinks:
                  - name: zabbix
                    type: zabbix
                    server: 127.0.0.1:100051
                    servr: typo
                    backoff: {initial: 2s, max: 1s}
                """);

        assertThatThrownBy(() -> load(file, Map.of("ZABBIX", "x")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(5))
                .hasMessageContaining("courier.yaml:6:15: sources[0].interval")
                .hasMessageContaining("courier.yaml:8:11: sources[1].type")
                .hasMessageContaining("courier.yaml:12:13: sinks[0].server")
                .hasMessageContaining("courier.yaml:13:5: sinks[0].servr: unknown key")
                .hasMessageContaining("sinks[0].backoff");
    }

    @Test
    void refusesASourceWithNeitherUrlNorFileAndOneWithBoth() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard}
                  - {name: b, type: dropwizard, url: "http://h/metrics", file: /tmp/m.json}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1"}
                """);

        assertThatThrownBy(() -> load(file, Map.of()))
                .hasMessageContaining("sources[0]: neither url nor file (expected: exactly one of them)")
                .hasMessageContaining("sources[1]: both url and file (expected: exactly one of them)");
    }

    @Test
    void reportsRulesThatSpanSeveralKeysAtTheKeyThatBreaksThem() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json, interval: 5s, timeout: 30s}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1"}
                  - {name: zabbix, type: zabbix, server: "127.0.0.2"}
                """);

        assertThatThrownBy(() -> load(file, Map.of()))
                .hasMessageContaining("courier.yaml:3:75: sources[0].timeout: 30s (expected: at most the interval, 5s)")
                .hasMessageNotContaining("settings that agree with each other")
                .hasMessageContaining("sinks[1].name: zabbix used twice (expected: a unique sink name)");
    }

    @Test
    void reportsABadOnInvalidOfAPrometheusSourceAtItsLineAndColumn() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: prometheus, url: "http://127.0.0.1:9100/metrics", on_invalid: skip}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1"}
                """);

        assertThatThrownBy(() -> load(file, Map.of()))
                .hasMessageContaining("courier.yaml:3:83: sources[0].on_invalid: \"skip\" (expected: one of drop_line, fail)");
    }

    @Test
    void letsAnUnwrittenTimeoutFollowAnIntervalShorterThanItsDefault() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json, interval: 1s}
                  - {name: b, type: prometheus, url: "http://127.0.0.1:9100/metrics", interval: 2s}
                  - {name: c, type: consul, services: [web], interval: 3s}
                  - {name: d, type: dropwizard, file: /tmp/m.json, interval: 1m}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1"}
                """);

        CourierConfig config = load(file, Map.of());

        assertThat(config.sources()).extracting(source -> source.config() instanceof DropwizardConfig dropwizard
                        ? dropwizard.timeout()
                        : source.config() instanceof PrometheusConfig prometheus
                        ? prometheus.timeout()
                        : ((ConsulConfig) source.config()).scrape().timeout())
                .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
                        Duration.ofSeconds(5));
    }

    @Test
    void stillRefusesAWrittenTimeoutLongerThanAShortInterval() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json, interval: 1s, timeout: 5s}
                  - name: c
                    type: consul
                    services: [web]
                    interval: 1s
                    scrape: {timeout: 2s}
                sinks:
                  - {name: zabbix, type: zabbix, server: "127.0.0.1"}
                """);

        assertThatThrownBy(() -> load(file, Map.of()))
                .hasMessageContaining("courier.yaml:3:75: sources[0].timeout: 5s (expected: at most the interval, 1s)")
                .hasMessageContaining("sources[1].scrape.timeout: 2s (expected: at most the interval, 1s)")
                .hasMessageNotContaining("settings that agree with each other");
    }

    @Test
    void bindsAFileSinkWithEveryKey() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - name: spool
                    type: file
                    path: /var/spool/courier/values.txt
                    host: app-01
                    fsync: none
                    max_batch_size: 250
                    rotate_size: 64MiB
                    backoff: {initial: 1s, max: 30s}
                """);

        CourierConfig config = load(file, Map.of());

        assertThat(config.sinks()).singleElement().satisfies(sink -> {
            assertThat(sink.type()).isEqualTo("file");
            assertThat(sink.summary()).isEqualTo("/var/spool/courier/values.txt as host app-01");
        });
    }

    @Test
    void reportsEveryProblemOfAFileSinkAtOnce() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - {name: f, type: file, fsync: always, max_batch_size: 0, rotate_size: 0KiB, pth: /x}
                  - {name: g, type: file, path: relative.txt}
                  - {name: h, type: file, path: /tmp/values.txt, host: "-"}
                """);

        assertThatThrownBy(() -> load(file, Map.of()))
                .hasMessageContaining("sinks[0].path: missing (expected: a non-empty string)")
                .hasMessageContaining("sinks[0].fsync: \"always\" (expected: one of every_batch, none)")
                .hasMessageContaining("sinks[0].max_batch_size: \"0\" (expected: an integer from 1 to 100000)")
                .hasMessageContaining("sinks[0].rotate_size: \"0B\" (expected: more than 0, or absent for no rotation)")
                .hasMessageContaining("sinks[0].pth: unknown key")
                .hasMessageContaining("courier.yaml:6:33: sinks[1].path: \"relative.txt\" (expected: an absolute path to a file)")
                .hasMessageContaining("sinks[2].host: \"-\" (expected: absent, or 1..128 characters");
    }

    @Test
    void reportsEveryHttpSinkProblemAtOnceWithoutQuotingItsSecrets() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - name: influx
                    type: http
                    url: ftp://influx/write
                    format: xml
                    headers: {Content-Length: "9"}
                    auth: {type: bearer, password: hunter2}
                    tls: {trust_store_type: PEM}
                    max_in_flight: 0
                """);

        assertThatThrownBy(() -> load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("courier.yaml:7:10: sinks[0].url")
                .hasMessageContaining("sinks[0].format")
                .hasMessageContaining("sinks[0].auth.token")
                .hasMessageContaining("sinks[0].auth.password")
                .hasMessageContaining("sinks[0].tls.trust_store")
                .hasMessageContaining("sinks[0].tls.trust_store_type")
                .hasMessageContaining("sinks[0].max_in_flight")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void bindsAnHttpSinkWithAuthTlsAndHeaders() throws Exception {
        Path store = Files.writeString(dir.resolve("trust.p12"), "not parsed at bind time");
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - name: collector
                    type: http
                    url: https://collector.example.org/v1/metrics?token=abc
                    gzip: true
                    headers: {X-Team: ops}
                    auth: {type: bearer, token: "${TOKEN}"}
                    tls: {trust_store: %s, trust_store_password: "${STORE_PW}"}
                    max_batch_size: 500
                """.formatted(store));

        CourierConfig config = load(file, Map.of("TOKEN", "t0ken-value", "STORE_PW", "st0re-pw"));

        assertThat(config.sinks()).singleElement().satisfies(sink -> {
            assertThat(sink.type()).isEqualTo("http");
            assertThat(sink.summary()).isEqualTo("json to https://collector.example.org/v1/metrics?token=******");
        });
        assertThat(config.summary()).doesNotContain("t0ken-value", "st0re-pw", "abc");
    }

    @Test
    void bindsAZabbixSinkWithCertificateTls() throws Exception {
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - name: zabbix
                    type: zabbix
                    server: zabbix.example.org
                    tls:
                      connect: cert
                      ca_file: %s
                      cert_file: %s
                      key_file: %s
                      server_cert_subject: "%s"
                """.formatted(certs.caCert(), certs.clientCert(), certs.clientPkcs1Key(),
                TestCertificates.SERVER_SUBJECT));

        CourierConfig config = load(file, Map.of());

        assertThat(config.sinks()).singleElement().satisfies(sink -> {
            assertThat(sink.summary()).isEqualTo("zabbix.example.org:10051 over TLS (cert)");
            assertThat(sink.config()).isInstanceOfSatisfying(ZabbixSinkType.Config.class, c -> assertThat(c.sink().tls())
                    .isEqualTo(ZabbixTlsConfig.cert(certs.caCert(), certs.clientCert(), certs.clientPkcs1Key())
                            .withServerCertSubject(TestCertificates.SERVER_SUBJECT)));
        });
    }

    @Test
    void aRenewedCertificateMakesTheSinkDifferentForAReload() throws Exception {
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Path ca = Files.copy(certs.caCert(), dir.resolve("certs/current-ca.crt"));
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - name: zabbix
                    type: zabbix
                    server: zabbix.example.org
                    tls: {connect: cert, ca_file: %s, cert_file: %s, key_file: %s}
                """.formatted(ca, certs.clientCert(), certs.clientKey()));

        SinkDefinition<?> loaded = load(file, Map.of()).sinks().get(0);
        SinkDefinition<?> unchanged = load(file, Map.of()).sinks().get(0);
        Files.copy(certs.otherCaCert(), ca, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        SinkDefinition<?> renewed = load(file, Map.of()).sinks().get(0);

        assertThat(unchanged.sameAs(loaded)).isTrue();
        assertThat(renewed.sameAs(loaded)).isFalse();
        assertThat(renewed.config().toString() + renewed.files()).doesNotContain("BEGIN");
    }

    @Test
    void reportsEveryZabbixTlsProblemAtOnceWithoutEchoingKeys() throws Exception {
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Path missing = dir.resolve("missing-ca.crt");
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - name: z0
                    type: zabbix
                    server: 127.0.0.1
                    tls: {connect: cert, ca_file: ca.crt, key_file: "-----BEGIN PRIVATE KEY----- MIIEvgIBADAN"}
                  - name: z1
                    type: zabbix
                    server: 127.0.0.1
                    tls: {connect: unencrypted, ca_file: /etc/ca.crt, psk_file: /etc/zabbix.psk}
                  - name: z2
                    type: zabbix
                    server: 127.0.0.1
                    tls: {connect: psk}
                  - name: z4
                    type: zabbix
                    server: 127.0.0.1
                    tls: {connect: psk, psk_identity: app, psk_file: 6b1f7dbe4bdd7b35a70e3e6fa1c8f6ab, ca_file: /c}
                  - name: z3
                    type: zabbix
                    server: 127.0.0.1
                    tls: {connect: cert, ca_file: %s, cert_file: %s, key_file: %s}
                """.formatted(missing, certs.clientCert(), certs.serverKey()));

        assertThatThrownBy(() -> load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sinks[0].tls.ca_file: \"ca.crt\" (expected: an absolute path to a PEM file)")
                .hasMessageContaining("sinks[0].tls.cert_file: missing (expected: a non-empty string)")
                .hasMessageContaining("sinks[0].tls.key_file: PEM text (expected: an absolute path to a PEM file)")
                .hasMessageContaining("sinks[1].tls.ca_file: a ca_file (expected: absent with connect unencrypted, "
                        + "or connect: cert or psk)")
                .hasMessageContaining("sinks[1].tls.psk_file: a psk_file (expected: absent with connect unencrypted, "
                        + "or connect: cert or psk)")
                .hasMessageContaining("sinks[2].tls.psk_identity: missing (expected: a non-empty string)")
                .hasMessageContaining("sinks[2].tls.psk_file: missing (expected: a non-empty string)")
                .hasMessageContaining("sinks[3].tls.ca_file: a ca_file (expected: absent with connect psk)")
                .hasMessageContaining("sinks[3].tls.psk_file: hex digits (expected: an absolute path to a file "
                        + "holding the key in hex)")
                .hasMessageContaining(":24:35: sinks[4].tls.ca_file: \"" + missing
                        + "\" (expected: a readable PEM file of CA certificates: no such file)")
                .hasMessageContaining("sinks[4].tls.key_file: \"" + certs.serverKey()
                        + "\" (expected: the private key of the certificate in " + certs.clientCert() + ")")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("MIIEvgIBADAN")
                        .doesNotContain("6b1f7dbe4bdd7b35a70e3e6fa1c8f6ab"));
    }

    @Test
    void bindsAGraphiteSinkWithOneServerOrAList() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - {name: one, type: graphite, server: carbon.example.org}
                  - name: two
                    type: graphite
                    servers: [10.0.0.1, "10.0.0.2:2103"]
                    mode: hash
                    template: "{label:job}.{name}"
                    tags: true
                    prefix: dc1.courier
                    write_timeout: 2s
                    max_batch_size: 500
                """);

        CourierConfig config = load(file, Map.of());

        assertThat(config.sinks()).extracting(SinkDefinition::summary)
                .containsExactly("carbon.example.org:2003", "10.0.0.1:2003, 10.0.0.2:2103 (hash)");
    }

    @Test
    void reportsEveryGraphiteProblemAtOnce() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - {name: none, type: graphite}
                  - {name: both, type: graphite, server: a, servers: [b]}
                  - name: bad
                    type: graphite
                    servers: ["c:99999", [x]]
                    mode: random
                    tags: yes
                    write_timeout: 10
                  - {name: template, type: graphite, server: d, template: "{host}.{nmae}", prefix: "a..b"}
                """);

        assertThatThrownBy(() -> load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sinks[0]: neither server nor servers (expected: exactly one of them)")
                .hasMessageContaining("sinks[1]: both server and servers (expected: exactly one of them)")
                .hasMessageContaining("sinks[2].servers[0]: \"c:99999\" (expected: host:port")
                .hasMessageContaining("sinks[2].servers[1]: not a plain value (expected: host:port")
                .hasMessageContaining("sinks[2].mode: \"random\" (expected: one of failover, hash)")
                .hasMessageContaining("sinks[2].tags: \"yes\" (expected: true or false)")
                .hasMessageContaining("sinks[2].write_timeout: \"10\"")
                .hasMessageContaining("template: {nmae} (expected: one of {host}")
                .hasMessageContaining("prefix: \"a..b\" (expected: empty, or dot-separated elements");
    }

    @Test
    void reportsEveryConsulProblemAndNeverQuotesTheToken() throws Exception {
        Path file = write("""
                data_dir: /var/lib/courier
                sources:
                  - name: discovery
                    type: consul
                    token: ${CONSUL_TOKEN}
                    services: [web]
                    wait: 11m
                    instance_host: hostname
                    scrape: {timeout: 30s, colour: blue}
                    register: {ttl: 30s, deregister_critical_after: 30s}
                sinks:
                  - {name: zabbix, type: zabbix, server: 127.0.0.1}
                """);

        assertThatThrownBy(() -> load(file, Map.of("CONSUL_TOKEN", "a1b2-secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("instance_host")
                .hasMessageContaining("colour")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("a1b2-secret"));

        Path fixed = write("""
                data_dir: /var/lib/courier
                sources:
                  - name: discovery
                    type: consul
                    token: ${CONSUL_TOKEN}
                    services: [web]
                    wait: 11m
                    scrape: {timeout: 30s}
                    register: {ttl: 30s, deregister_critical_after: 30s}
                sinks:
                  - {name: zabbix, type: zabbix, server: 127.0.0.1}
                """);
        assertThatThrownBy(() -> load(fixed, Map.of("CONSUL_TOKEN", "a1b2\tsecret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("token: a control character at position 4 (expected: printable characters only)")
                .hasMessageContaining("wait: 11m (expected: whole seconds from 1s to 10m)")
                .hasMessageContaining("scrape.timeout: 30s (expected: at most the interval, 10s)")
                .hasMessageContaining("register.deregister_critical_after: 30s (expected: at least 1m")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
    }

    @Test
    void bindsZabbixDiscoveryWithItsStateUnderTheDataDir() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - name: zbx/main
                    type: zabbix
                    server: 127.0.0.1:10051
                    discovery: {enabled: true, min_interval: 30s, forget_after: 2h, hold: 90s, hold_max_size: 1MiB}
                  - {name: plain, type: zabbix, server: 127.0.0.1, discovery: {hold: 5m}}
                """);

        CourierConfig config = load(file, Map.of());

        assertThat(config.sinks().get(0).summary()).isEqualTo("127.0.0.1:10051, discovery on");
        assertThat(((ZabbixSinkType.Config) config.sinks().get(0).config()).discovery()).isEqualTo(new ZabbixDiscoveryConfig(
                Duration.ofSeconds(30), Duration.ofHours(2), Duration.ofSeconds(90), 1 << 20,
                Path.of("/tmp/courier/zabbix-discovery/zbx_main.json")));
        assertThat(((ZabbixSinkType.Config) config.sinks().get(1).config()).discovery()).isNull();
    }

    @Test
    void reportsEveryProblemOfZabbixDiscoveryAtOnce() throws Exception {
        Path file = write("""
                data_dir: /tmp/courier
                sources:
                  - {name: a, type: dropwizard, file: /tmp/m.json}
                sinks:
                  - {name: z, type: zabbix, server: 127.0.0.1, discovery: {enabled: yes, hold: soon, holdd: 1s}}
                  - {name: y, type: zabbix, server: 127.0.0.1, discovery: {enabled: true, min_interval: 2h}}
                """);

        assertThatThrownBy(() -> load(file, Map.of()))
                .hasMessageContaining("sinks[0].discovery.hold: \"soon\"")
                .hasMessageContaining("sinks[0].discovery.holdd: unknown key")
                .hasMessageContaining("sinks[1].discovery: forget_after PT1H (expected: at least min_interval, PT2H)");
    }

    private static final long MIB = 1L << 20;

    @Test
    void saysNothingWhenTheBudgetsAddUpToTheHeapExactly() {
        assertThat(CourierConfig.heapWarning(56 * MIB, List.of(4 * MIB, 4 * MIB), 64 * MIB)).isEmpty();
        assertThat(CourierConfig.heapWarning(64 * MIB, List.of(), 64 * MIB)).isEmpty();
    }

    @Test
    void warnsWithTheFiguresWhenTheBudgetsExceedTheHeapByOneByte() {
        assertThat(CourierConfig.heapWarning(60 * MIB + 1, List.of(4 * MIB), 64 * MIB)).hasValue(
                "ring 62914561B + backlogs in memory 1 x 4MiB = 67108865B of sample budgets exceed the 64MiB heap"
                        + " (-Xmx): under overload the courier could run out of memory before it sheds samples;"
                        + " lower ring.size or ledger.memory_window, or raise -Xmx");
    }

    @Test
    void addsUpTheBacklogsOfEverySink() {
        assertThat(CourierConfig.heapWarning(64 * MIB, List.of(4 * MIB, 4 * MIB, 4 * MIB), 64880640))
                .hasValueSatisfying(warning -> assertThat(warning)
                        .startsWith("ring 64MiB + backlogs in memory 3 x 4MiB = 76MiB of sample budgets exceed the"
                                + " 61.8MiB heap (-Xmx)"));
        assertThat(CourierConfig.heapWarning(16 * MIB, List.of(4 * MIB, MIB, 4 * MIB), 24 * MIB))
                .hasValueSatisfying(warning -> assertThat(warning)
                        .startsWith("ring 16MiB + backlogs in memory 4MiB + 1MiB + 4MiB = 25MiB of sample budgets"
                                + " exceed the 24MiB heap"));
        assertThat(CourierConfig.heapWarning(16 * MIB, List.of(4 * MIB, 4 * MIB), 24 * MIB)).isEmpty();
    }

    @Test
    void warnsAboutARingAsLargeAsALongRatherThanWrappingTheSum() {
        assertThat(CourierConfig.heapWarning(Long.MAX_VALUE, List.of(4 * MIB), 64 * MIB)).isPresent();
    }

    @Test
    void countsEachSinksMemoryWindowNotItsBacklogSizeWhichBoundsTheDisk() throws Exception {
        Path file = write("""
                data_dir: /var/lib/courier
                ring: {size: 16MiB}
                sources: []
                sinks:
                  - {name: big, type: graphite, server: 127.0.0.1:2003, backlog_size: 1GiB}
                  - {name: small, type: graphite, server: 127.0.0.1:2004, backlog_size: 1MiB}
                  - {name: default, type: graphite, server: 127.0.0.1:2005}
                """);

        CourierConfig config = load(file, Map.of());

        assertThat(config.backlogHeapBytes()).containsExactly(4 * MIB, 4 * MIB, 4 * MIB);
        assertThat(config.heapWarning(28 * MIB)).isEmpty();
        assertThat(config.heapWarning(28 * MIB - 1)).hasValueSatisfying(warning -> assertThat(warning)
                .startsWith("ring 16MiB + backlogs in memory 3 x 4MiB = 28MiB of sample budgets exceed the 27.9MiB"
                        + " heap (-Xmx)"));
    }

    @Test
    void countsTheConfiguredLedgerWindowForEachSink() throws Exception {
        Path file = write("""
                data_dir: /var/lib/courier
                ring: {slots: 65536, size: 16MiB}
                ledger: {memory_window: 16MiB}
                sources: []
                sinks:
                  - {name: zabbix, type: zabbix, server: 127.0.0.1:10051}
                  - {name: graphite, type: graphite, server: 127.0.0.1:2003}
                """);

        CourierConfig config = load(file, Map.of());

        assertThat(config.ledgerWindowBytes()).isEqualTo(16 * MIB);
        assertThat(config.backlogHeapBytes()).containsExactly(16 * MIB, 16 * MIB);
        assertThat(config.heapWarning(48 * MIB)).isEmpty();
        assertThat(config.heapWarning(64880640)).isEmpty();
        assertThat(config.heapWarning(48 * MIB - 1)).hasValueSatisfying(warning -> assertThat(warning)
                .startsWith("ring 16MiB + backlogs in memory 2 x 16MiB = 48MiB of sample budgets exceed the"
                        + " 47.9MiB heap (-Xmx)"));
    }

    @Test
    void keepsFourMebibytesOfEachBacklogInMemoryByDefault() throws Exception {
        Path file = write("""
                data_dir: /var/lib/courier
                sources: []
                sinks: []
                """);

        assertThat(load(file, Map.of()).ledgerWindowBytes()).isEqualTo(4 * MIB);
    }

    @Test
    void refusesALedgerWindowThatIsNotASizeOrBelowItsMinimum() throws Exception {
        Path file = write("""
                data_dir: /var/lib/courier
                ledger: {memory_window: 16M, window: 1MiB}
                sources: []
                sinks: []
                """);
        Path tiny = dir.resolve("tiny.yaml");
        Files.writeString(tiny, """
                data_dir: /var/lib/courier
                ledger:
                  memory_window: 63KiB
                sources: []
                sinks: []
                """);

        assertThatThrownBy(() -> load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2))
                .hasMessageContaining("courier.yaml:2:25: ledger.memory_window: \"16M\" (expected: a size with a"
                        + " unit such as 64MiB, 16MB, 512KiB or 100B)")
                .hasMessageContaining("ledger.window: unknown key");
        assertThatThrownBy(() -> load(tiny, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tiny.yaml:3:18: ledger.memory_window: \"63KiB\" (expected: at least 64KiB)");
    }
}
