package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.cli.SenderRuns.Run;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer.ValueType;
import dev.concierge.courier.sinks.zabbix.client.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier send} and the real {@code zabbix_sender} over TLS with certificates, against a real Zabbix
 * 6.0 server set up for them, with a CA and certificates made by openssl for this run. Each sends with the
 * same files to its own host, which accepts only certificate connections from the client certificate's
 * issuer and subject.
 */
class SendTlsToRealZabbixTest {
    // The history syncer writes within a second or two; a busy 2-core machine needs more.
    private static final Duration HISTORY_WAIT = Duration.ofSeconds(60);
    /** Zabbix's host.tls_accept bit for certificate connections. */
    private static final int TLS_ACCEPT_CERT = 4;
    private static final Map<String, ValueType> ITEMS = Map.of("app.uint", ValueType.UNSIGNED,
            "app.text", ValueType.TEXT);

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static RealZabbixServer zabbix;
    private static String port;

    @BeforeAll
    static void startZabbixWithTls() throws Exception {
        Assumptions.assumeTrue(SenderRuns.zabbixSenderInstalled(), "zabbix_sender is not installed");
        certs = TestCertificates.create(dir);
        zabbix = RealZabbixServer.startWithTls(certs.caCert(), certs.serverCert(), certs.serverKey());
        port = Integer.toString(zabbix.trapperPort());
    }

    @AfterAll
    static void stopZabbix() {
        if (zabbix != null) {
            zabbix.close();
        }
    }

    /** A host that takes only certificate connections from the test client's certificate. */
    private static String certificateOnlyHost(String role) {
        String host = "courier-send-tls-" + role + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String hostId = zabbix.createHost(host);
        zabbix.call("host.update", Map.of("hostid", hostId, "tls_accept", TLS_ACCEPT_CERT, "tls_connect", 1,
                "tls_issuer", TestCertificates.CA_SUBJECT, "tls_subject", TestCertificates.CLIENT_SUBJECT));
        ITEMS.forEach((key, type) -> zabbix.createTrapperItem(hostId, key, type));
        return host;
    }

    private static String[] args(String host, Path caFile, String... rest) {
        List<String> all = new ArrayList<>(List.of("-z", "127.0.0.1", "-p", port, "-s", host,
                "--tls-connect", "cert", "--tls-ca-file", caFile.toString(),
                "--tls-cert-file", certs.clientCert().toString(), "--tls-key-file", certs.clientKey().toString()));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    @Test
    void bothSendersDeliverTheSameValuesCheckingTheServersIssuerAndSubject() throws Exception {
        String theirs = certificateOnlyHost("ref");
        String ours = certificateOnlyHost("ours");
        zabbix.reloadConfigCache();
        long start = Instant.now().getEpochSecond() - 600;
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            text.append("- app.uint ").append(start + i).append(' ').append(i).append(' ').append(i * 3).append('\n');
            text.append("- app.text ").append(start + i).append(' ').append(i).append(" \"tls ").append(i)
                    .append("\"\n");
        }
        Path file = Files.writeString(dir.resolve("values.txt"), text);
        String[] pins = {"--tls-server-cert-issuer", TestCertificates.CA_SUBJECT,
            "--tls-server-cert-subject", TestCertificates.SERVER_SUBJECT, "-T", "-N", "-i", file.toString()};

        Run reference = SenderRuns.zabbixSender(args(theirs, certs.caCert(), pins));
        Run run = SenderRuns.courierSend(args(ours, certs.caCert(), pins));

        assertThat(reference.exitCode()).as(reference.out()).isZero();
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.summary()).isEqualTo(reference.summary()).isEqualTo("sent: 80; skipped: 0; total: 80");
        assertThat(run.processed()).isEqualTo(reference.processed()).isEqualTo(80);
        for (String key : ITEMS.keySet()) {
            await(key).atMost(HISTORY_WAIT).until(() -> zabbix.historyValues(theirs, key).size() == 40
                    && zabbix.historyValues(ours, key).size() == 40);
            assertThat(zabbix.historyValues(ours, key)).as(key).isEqualTo(zabbix.historyValues(theirs, key));
        }
    }

    @Test
    void theAgentConfigurationFileSuppliesTheTlsParameters() throws Exception {
        String theirs = certificateOnlyHost("ref-conf");
        String ours = certificateOnlyHost("ours-conf");
        zabbix.reloadConfigCache();
        // The PKCS#1 form of the key, as older openssl and many Zabbix guides write it.
        Path config = Files.writeString(dir.resolve("zabbix_agentd.conf"), "ServerActive=127.0.0.1:" + port + "\n"
                + "TLSConnect=cert\nTLSCAFile=" + certs.caCert() + "\nTLSCertFile=" + certs.clientCert() + "\n"
                + "TLSKeyFile=" + certs.clientPkcs1Key() + "\nTLSServerCertSubject=" + TestCertificates.SERVER_SUBJECT
                + "\n");

        Run reference = SenderRuns.zabbixSender("-c", config.toString(), "-s", theirs, "-k", "app.uint", "-o", "42");
        Run run = SenderRuns.courierSend("-c", config.toString(), "-s", ours, "-k", "app.uint", "-o", "42");

        assertThat(reference.exitCode()).as(reference.out()).isZero();
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.summary()).isEqualTo(reference.summary()).isEqualTo("sent: 1; skipped: 0; total: 1");
        await().atMost(HISTORY_WAIT).until(() -> zabbix.historyValues(ours, "app.uint").equals(List.of("42"))
                && zabbix.historyValues(theirs, "app.uint").equals(List.of("42")));
    }

    @Test
    void aServerCertificateFromAnotherCaFailsBoth() throws Exception {
        String theirs = certificateOnlyHost("ref-ca");
        String ours = certificateOnlyHost("ours-ca");
        zabbix.reloadConfigCache();

        Run reference = SenderRuns.zabbixSender(args(theirs, certs.otherCaCert(), "-k", "app.uint", "-o", "7"));
        Run run = SenderRuns.courierSend(args(ours, certs.otherCaCert(), "-k", "app.uint", "-o", "7"));
        Run verbose = SenderRuns.courierSend(args(ours, certs.otherCaCert(), "-vv", "-k", "app.uint", "-o", "7"));
        Run referenceVerbose = SenderRuns.zabbixSender(args(theirs, certs.otherCaCert(), "-vv", "-k", "app.uint",
                "-o", "7"));

        assertThat(run.exitCode()).isEqualTo(reference.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo(reference.out())
                .isEqualTo("Sending failed. Use option -vv for more detailed output.\n");
        // The same words as zabbix_sender's -vv, with the JDK's reason where it has GnuTLS's.
        assertThat(referenceVerbose.out()).contains("TCP successful, cannot establish TLS to [[127.0.0.1]:" + port
                + "]: invalid peer certificate");
        assertThat(verbose.logLines()).anySatisfy(line -> assertThat(line).startsWith("DEBUG: TCP successful, "
                + "cannot establish TLS to [127.0.0.1:" + port + "]: TLS handshake: PKIX path "
                + "building failed"));
        assertThat(zabbix.historyValues(ours, "app.uint")).isEmpty();
    }

    @Test
    void unencryptedValuesForACertificateOnlyHostAreFailedValuesForBoth() throws Exception {
        String theirs = certificateOnlyHost("ref-plain");
        String ours = certificateOnlyHost("ours-plain");
        zabbix.reloadConfigCache();

        Run reference = SenderRuns.zabbixSender("-z", "127.0.0.1", "-p", port, "-s", theirs, "-k", "app.uint",
                "-o", "9");
        Run run = SenderRuns.courierSend("-z", "127.0.0.1", "-p", port, "-s", ours, "-k", "app.uint", "-o", "9");

        // Zabbix answers a connection type the host does not accept by counting its values as failed.
        assertThat(run.exitCode()).isEqualTo(reference.exitCode()).isEqualTo(2);
        assertThat(run.summary()).isEqualTo(reference.summary()).isEqualTo("sent: 1; skipped: 0; total: 1");
        assertThat(run.failed()).isEqualTo(reference.failed()).isEqualTo(1);
    }
}
