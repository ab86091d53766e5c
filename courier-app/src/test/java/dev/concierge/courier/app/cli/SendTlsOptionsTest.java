package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.concierge.courier.app.cli.SenderRuns.Run;
import dev.concierge.courier.sinks.zabbix.client.TestCertificates;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier send}'s TLS options and {@code TLS*} configuration parameters next to the real
 * {@code zabbix_sender}'s, for everything that is decided before a connection: the same problem reported
 * with the same words, or, for what {@code courier send} refuses, exit code 1 and the reason. The server is a
 * closed port, so a run that gets past the checks ends in {@code Sending failed.} for both.
 */
class SendTlsOptionsTest {

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static String deadPort;

    @BeforeAll
    static void makeCertificates() throws Exception {
        Assumptions.assumeTrue(SenderRuns.zabbixSenderInstalled(), "zabbix_sender is not installed");
        certs = TestCertificates.create(dir);
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = Integer.toString(socket.getLocalPort());
        }
    }

    private static String[] oneValue(String... tls) {
        List<String> all = new ArrayList<>(List.of("-z", "127.0.0.1", "-p", deadPort, "-s", "h", "-k", "k", "-o", "1"));
        all.addAll(List.of(tls));
        return all.toArray(String[]::new);
    }

    private static String[] fromConfig(String config, String... tls) throws Exception {
        Path file = Files.createTempFile(dir, "agentd-", ".conf");
        Files.writeString(file, "ServerActive=127.0.0.1:" + deadPort + "\nHostname=h\n" + config);
        List<String> all = new ArrayList<>(List.of("-c", file.toString(), "-k", "k", "-o", "1"));
        all.addAll(List.of(tls));
        return all.toArray(String[]::new);
    }

    /** Both exit 1 with one ERROR line that starts alike; the reason after {@code prefix} is each one's own. */
    private static void bothStopAt(String[] args, String prefix) throws Exception {
        Run reference = SenderRuns.zabbixSender(args);
        Run run = SenderRuns.courierSend(args);

        assertThat(run.exitCode()).as(run.out()).isEqualTo(reference.exitCode()).isEqualTo(1);
        assertThat(reference.logLines()).as(reference.out()).singleElement(STRING).startsWith(prefix);
        assertThat(run.logLines()).as(run.out()).singleElement(STRING).startsWith(prefix);
        assertThat(run.out().lines().count()).as(run.out()).isEqualTo(1);
    }

    /** Both exit 1 and print the same lines but for program name and pid. */
    private static void bothSay(String[] args, String expected) throws Exception {
        Run reference = SenderRuns.zabbixSender(args);
        Run run = SenderRuns.courierSend(args);

        assertThat(run.exitCode()).as(run.out()).isEqualTo(reference.exitCode()).isEqualTo(1);
        assertThat(run.logLines()).as(String.join(" ", args)).isEqualTo(reference.logLines())
                .containsExactly("ERROR: " + expected);
        assertThat(run.out().lines().count()).as(run.out()).isEqualTo(1);
    }

    @Test
    void reportsInvalidCombinationsAsZabbixSenderDoes() throws Exception {
        bothSay(oneValue("--tls-connect", "certificate"),
                "invalid value of \"TLSConnect\" or \"--tls-connect\" parameter");
        bothSay(oneValue("--tls-connect", ""),
                "configuration parameter \"TLSConnect\" or \"--tls-connect\" is defined but empty");
        bothSay(oneValue("--tls-connect", "cert"), "parameter \"TLSConnect\" or \"--tls-connect\" value requires "
                + "\"TLSCertFile\" or \"--tls-cert-file\", but neither of them is defined");
        bothSay(oneValue("--tls-connect", "cert", "--tls-ca-file", "ca.crt"), "parameter \"TLSCAFile\" or "
                + "\"--tls-ca-file\" is defined, but neither \"TLSCertFile\" nor \"--tls-cert-file\" is defined");
        bothSay(oneValue("--tls-connect", "cert", "--tls-ca-file", "ca.crt", "--tls-cert-file", "c.crt"),
                "parameter \"TLSCertFile\" or \"--tls-cert-file\" is defined, but neither \"TLSKeyFile\" nor "
                        + "\"--tls-key-file\" is defined");
        bothSay(oneValue("--tls-connect", "cert", "--tls-cert-file", "c.crt", "--tls-key-file", "c.key"),
                "parameter \"TLSCertFile\" or \"--tls-cert-file\" is defined, but neither \"TLSCAFile\" nor "
                        + "\"--tls-ca-file\" is defined");
        bothSay(oneValue("--tls-ca-file", "ca.crt", "--tls-cert-file", "c.crt", "--tls-key-file", "c.key"),
                "parameter \"TLSCertFile\" or \"--tls-cert-file\" is defined, but neither \"TLSConnect\" nor "
                        + "\"--tls-connect\" is defined");
        bothSay(oneValue("--tls-connect", "unencrypted", "--tls-server-cert-subject", "CN=x"),
                "parameter \"TLSServerCertSubject\" or \"--tls-server-cert-subject\" is defined, but neither "
                        + "\"TLSCertFile\" nor \"--tls-cert-file\" is defined");
    }

    @Test
    void readsTheTlsParametersOfTheConfigurationFileTheLastOfEachCounting() throws Exception {
        bothSay(fromConfig("TLSConnect=psk\nTLSConnect=cert\n"), "parameter \"TLSConnect\" or \"--tls-connect\" "
                + "value requires \"TLSCertFile\" or \"--tls-cert-file\", but neither of them is defined");
        bothSay(fromConfig("TLSConnect=\n"),
                "configuration parameter \"TLSConnect\" or \"--tls-connect\" is defined but empty");
        // The CA file and key file from the command line, the certificate file from the configuration file.
        bothStopAt(fromConfig("TLSConnect=cert\nTLSCAFile=/nonexistent/ca.crt\nTLSCertFile=c.crt\nTLSKeyFile=c.key\n",
                        "--tls-ca-file", certs.caCert().toString(), "--tls-key-file", "missing.key"),
                "ERROR: cannot load certificate or private key from file \"c.crt\" or \"missing.key\": ");
    }

    @Test
    void theCommandLineOverridesTheConfigurationFile() throws Exception {
        String[] args = fromConfig("TLSConnect=cert\nTLSCAFile=/nonexistent/ca.crt\nTLSCertFile=/nonexistent/c.crt\n"
                + "TLSKeyFile=/nonexistent/c.key\n", "--tls-connect", "unencrypted");
        Run reference = SenderRuns.zabbixSender(args);
        Run run = SenderRuns.courierSend(args);

        // Unencrypted: the files are not read, and the closed port is what fails.
        assertThat(run.exitCode()).isEqualTo(reference.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo(reference.out())
                .isEqualTo("Sending failed. Use option -vv for more detailed output.\n");
    }

    @Test
    void unusableFilesStopBothBeforeSending() throws Exception {
        Path missing = dir.resolve("no-such-ca.crt");
        String[] noCa = oneValue("--tls-connect", "cert", "--tls-ca-file", missing.toString(),
                "--tls-cert-file", certs.clientCert().toString(), "--tls-key-file", certs.clientKey().toString());
        String[] wrongKey = oneValue("--tls-connect", "cert", "--tls-ca-file", certs.caCert().toString(),
                "--tls-cert-file", certs.clientCert().toString(), "--tls-key-file", certs.serverKey().toString());

        bothStopAt(noCa, "ERROR: cannot parse CA certificate(s) in file \"" + missing + "\": ");
        bothStopAt(wrongKey, "ERROR: cannot load certificate or private key from file \"" + certs.clientCert()
                + "\" or \"" + certs.serverKey() + "\": ");
        assertThat(SenderRuns.courierSend(noCa).logLines()).containsExactly("ERROR: cannot parse CA certificate(s) "
                + "in file \"" + missing + "\": expected a readable PEM file of CA certificates: no such file");
    }

    @Test
    void refusesAnIncompletePskAsZabbixSenderDoesAndRevocationListsSayingWhy() throws Exception {
        bothSay(oneValue("--tls-connect", "psk"), "parameter \"TLSConnect\" or \"--tls-connect\" value requires "
                + "\"TLSPSKFile\" or \"--tls-psk-file\", but neither of them is defined");
        bothSay(oneValue("--tls-connect", "psk", "--tls-psk-file", "key.psk"), "parameter \"TLSPSKFile\" or "
                + "\"--tls-psk-file\" is defined, but neither \"TLSPSKIdentity\" nor \"--tls-psk-identity\" is defined");
        Path missing = dir.resolve("missing.psk");
        bothSay(oneValue("--tls-connect", "psk", "--tls-psk-identity", "id", "--tls-psk-file", missing.toString()),
                "cannot open file \"" + missing + "\": [2] No such file or directory");
        Run crl = SenderRuns.courierSend(oneValue("--tls-connect", "cert", "--tls-ca-file", certs.caCert().toString(),
                "--tls-crl-file", "revoked.crl", "--tls-cert-file", certs.clientCert().toString(),
                "--tls-key-file", certs.clientKey().toString()));
        assertThat(crl.exitCode()).isEqualTo(1);
        assertThat(crl.logLines()).containsExactly("ERROR: parameter \"TLSCRLFile\" or \"--tls-crl-file\" is not "
                + "supported: certificate revocation lists are not checked; leave it out or use zabbix_sender");
    }
}
