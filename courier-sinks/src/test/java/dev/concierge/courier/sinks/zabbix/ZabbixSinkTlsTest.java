package dev.concierge.courier.sinks.zabbix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer.ValueType;
import dev.concierge.courier.sinks.zabbix.client.TestCertificates;
import dev.concierge.courier.sinks.zabbix.client.ZabbixKeys;
import dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink against a real Zabbix 6.0 server set up for certificate connections, with certificates made
 * by openssl for this run. One private server for the class; {@code zabbix_sender} with the same files
 * cross-checks the setup and the way issuer and subject strings are printed.
 */
class ZabbixSinkTlsTest {

    private static final Duration STORED_WITHIN = Duration.ofSeconds(30);
    /** What the sink renders for the samples below (ZabbixKeys). */
    private static final String KEY = "gauge[tls]";
    /** Zabbix's host.tls_accept bit for certificate connections. */
    private static final int TLS_ACCEPT_CERT = 4;

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static RealZabbixServer zabbix;
    /** Accepts only certificates from the test CA with the client's subject. */
    private static final String HOST = "courier-tls-host";

    /** Recent seconds, one per value: Zabbix keeps no values older than the item's history period. */
    private static final AtomicInteger CLOCK = new AtomicInteger((int) (System.currentTimeMillis() / 1000) - 600);

    @BeforeAll
    static void startZabbixWithTls() throws Exception {
        certs = TestCertificates.create(dir);
        zabbix = RealZabbixServer.startWithTls(certs.caCert(), certs.serverCert(), certs.serverKey());
        String hostId = zabbix.createHost(HOST);
        zabbix.call("host.update", Map.of("hostid", hostId, "tls_accept", TLS_ACCEPT_CERT, "tls_connect", 1,
                "tls_issuer", TestCertificates.CA_SUBJECT, "tls_subject", TestCertificates.CLIENT_SUBJECT));
        zabbix.createTrapperItem(hostId, KEY, ValueType.UNSIGNED);
        zabbix.reloadConfigCache();
        assertThat(ZabbixKeys.render(sample(0))).isEqualTo(KEY);
    }

    private static Sample sample(long value) {
        return new Sample("tls", Labels.empty(), MetricType.GAUGE, null, new SampleValue.Integer(value),
                CLOCK.incrementAndGet(), 0, HOST, "test");
    }

    @AfterAll
    static void stopZabbix() {
        if (zabbix != null) {
            zabbix.close();
        }
    }

    private static ZabbixTlsConfig clientTls() {
        // The PKCS#1 form of the key, as older openssl and many Zabbix guides write it.
        return ZabbixTlsConfig.cert(certs.caCert(), certs.clientCert(), certs.clientPkcs1Key());
    }

    private static DeliveryOutcome send(ZabbixTlsConfig tls, long value) throws Exception {
        ZabbixSinkConfig config = ZabbixSinkConfig.of("zabbix-tls", "127.0.0.1", zabbix.trapperPort())
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15)).withTls(tls);
        Sample sample = sample(value);
        try (ZabbixSink sink = ZabbixSink.create(config)) {
            return sink.send(new Batch(1, List.of(sample))).toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void deliversWithClientCertificateCheckingServerIssuerAndSubject() throws Exception {
        ZabbixTlsConfig tls = clientTls().withServerCertIssuer(TestCertificates.CA_SUBJECT)
                .withServerCertSubject(TestCertificates.SERVER_SUBJECT);

        // The server's certificate is for zabbix.courier.test, not 127.0.0.1: no host name check, as in Zabbix.
        DeliveryOutcome outcome = send(tls, 101);

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Delivered.class,
                d -> assertThat(d.detail()).startsWith("processed: 1; failed: 0; total: 1"));
        await().atMost(STORED_WITHIN).untilAsserted(() -> assertThat(zabbix.historyValues(HOST, KEY)).contains("101"));
    }

    @Test
    void zabbixSenderWithTheSameFilesAndNamesDelivers() throws Exception {
        Path input = dir.resolve("sender-input.txt");
        Files.writeString(input, HOST + " \"" + KEY + "\" " + CLOCK.incrementAndGet() + " 0 202\n", StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of("/usr/bin/zabbix_sender", "-z", "127.0.0.1",
                "-p", Integer.toString(zabbix.trapperPort()), "-T", "-N", "-i", input.toString(),
                "--tls-connect", "cert", "--tls-ca-file", certs.caCert().toString(),
                "--tls-cert-file", certs.clientCert().toString(), "--tls-key-file", certs.clientKey().toString(),
                "--tls-server-cert-issuer", TestCertificates.CA_SUBJECT,
                "--tls-server-cert-subject", TestCertificates.SERVER_SUBJECT));
        Path output = dir.resolve("sender-output.txt");
        Process sender = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();

        assertThat(sender.waitFor(60, TimeUnit.SECONDS)).as("zabbix_sender exited").isTrue();
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(sender.exitValue()).as(printed).isZero();
        assertThat(printed).contains("processed: 1; failed: 0; total: 1");
        await().atMost(STORED_WITHIN).untilAsserted(() -> assertThat(zabbix.historyValues(HOST, KEY)).contains("202"));
    }

    @Test
    void unencryptedRowsForACertificateOnlyHostAreFailedRows() throws Exception {
        DeliveryOutcome outcome = send(ZabbixTlsConfig.UNENCRYPTED, 303);

        // Zabbix counts a connection type the host does not accept as failed (PROTOCOLS.md §1.6).
        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.PartiallyRejected.class, p -> {
            assertThat(p.accepted()).isZero();
            assertThat(p.rejected()).isEqualTo(1);
            assertThat(p.detail()).startsWith("processed: 0; failed: 1; total: 1");
        });
    }

    @Test
    void serverCertificateFromAnotherCaIsRetryWithTheTlsReason() throws Exception {
        ZabbixTlsConfig trustsOtherCa = ZabbixTlsConfig.cert(certs.otherCaCert(), certs.clientCert(),
                certs.clientKey());

        DeliveryOutcome outcome = send(trustsOtherCa, 404);

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Retry.class, r ->
                assertThat(r.detail()).contains("TLS handshake: PKIX path building failed"));
    }

    @Test
    void serverSubjectMismatchIsRetryNamingBothSubjects() throws Exception {
        ZabbixTlsConfig tls = clientTls().withServerCertSubject("CN=zabbix.example.org,O=Example");

        DeliveryOutcome outcome = send(tls, 505);

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Retry.class, r ->
                assertThat(r.detail()).contains("TLS handshake: server certificate subject: "
                        + "peer: \"" + TestCertificates.SERVER_SUBJECT + "\", required: \"CN=zabbix.example.org,O=Example\""));
        assertThat(zabbix.historyValues(HOST, KEY)).doesNotContain("505");
    }
}
