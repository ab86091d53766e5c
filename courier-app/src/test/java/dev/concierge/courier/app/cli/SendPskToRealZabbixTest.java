package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.cli.SenderRuns.Run;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier send --tls-connect psk} and the real {@code zabbix_sender} side by side on the same key,
 * against a real Zabbix 6.0 server whose hosts accept PSK only: the command-line options, the agent
 * configuration file's {@code TLSPSK*} parameters, and a wrong key.
 */
class SendPskToRealZabbixTest {
    private static final Duration HISTORY_WAIT = Duration.ofSeconds(60);
    private static final int TLS_ACCEPT_PSK = 2;
    private static final String IDENTITY = "courier send psk";
    private static final String PSK = "0f1e2d3c4b5a69788796a5b4c3d2e1f0112233445566778899aabbccddeeff00";

    @TempDir
    static Path dir;

    private static RealZabbixServer zabbix;
    private static String port;
    private static Path keyFile;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(SenderRuns.zabbixSenderInstalled(), "zabbix_sender is not installed");
        zabbix = RealZabbixServer.shared();
        port = Integer.toString(zabbix.trapperPort());
        keyFile = key("right.psk", PSK);
    }

    @AfterAll
    static void release() {
        if (zabbix != null) {
            zabbix.close();
        }
    }

    private static Path key(String name, String hex) throws Exception {
        Path file = Files.writeString(dir.resolve(name), hex + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String pskOnlyHost(String role) {
        String host = "courier-send-psk-" + role + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String hostId = zabbix.createHost(host);
        zabbix.call("host.update", Map.of("hostid", hostId, "tls_accept", TLS_ACCEPT_PSK, "tls_connect", 2,
                "tls_psk_identity", IDENTITY, "tls_psk", PSK));
        zabbix.createTrapperItem(hostId, "app.uint", ValueType.UNSIGNED);
        return host;
    }

    private static String[] args(String host, Path key, String value) {
        return new String[] {"-z", "127.0.0.1", "-p", port, "-s", host, "-k", "app.uint", "-o", value,
            "--tls-connect", "psk", "--tls-psk-identity", IDENTITY, "--tls-psk-file", key.toString()};
    }

    @Test
    void bothSendersDeliverWithTheSameKeyFromTheCommandLineAndTheAgentFile() throws Exception {
        String theirs = pskOnlyHost("ref");
        String ours = pskOnlyHost("ours");
        zabbix.reloadConfigCache();

        Run reference = SenderRuns.zabbixSender(args(theirs, keyFile, "41"));
        Run run = SenderRuns.courierSend(args(ours, keyFile, "41"));
        assertThat(reference.exitCode()).as(reference.out()).isZero();
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.summary()).isEqualTo(reference.summary()).isEqualTo("sent: 1; skipped: 0; total: 1");

        Path config = Files.writeString(dir.resolve("zabbix_agentd.conf"), "ServerActive=127.0.0.1:" + port + "\n"
                + "TLSConnect=psk\nTLSPSKIdentity=" + IDENTITY + "\nTLSPSKFile=" + keyFile + "\n");
        Run referenceConf = SenderRuns.zabbixSender("-c", config.toString(), "-s", theirs, "-k", "app.uint", "-o", "42");
        Run runConf = SenderRuns.courierSend("-c", config.toString(), "-s", ours, "-k", "app.uint", "-o", "42");
        assertThat(referenceConf.exitCode()).as(referenceConf.out()).isZero();
        assertThat(runConf.exitCode()).as(runConf.out()).isZero();

        await().atMost(HISTORY_WAIT).until(() -> zabbix.historyValues(ours, "app.uint").size() == 2
                && zabbix.historyValues(theirs, "app.uint").size() == 2);
        assertThat(zabbix.historyValues(ours, "app.uint")).isEqualTo(zabbix.historyValues(theirs, "app.uint"))
                .containsExactly("41", "42");
    }

    @Test
    void aWrongKeyFailsBothWithExitCodeOne() throws Exception {
        String host = pskOnlyHost("wrong");
        zabbix.reloadConfigCache();
        Path wrong = key("wrong.psk", PSK.replace('f', 'e'));

        Run reference = SenderRuns.zabbixSender(args(host, wrong, "1"));
        Run run = SenderRuns.courierSend(args(host, wrong, "1"));
        assertThat(run.exitCode()).isEqualTo(reference.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEqualTo(reference.out())
                .isEqualTo("Sending failed. Use option -vv for more detailed output.\n");

        String[] verbose = args(host, wrong, "1");
        String[] withVv = java.util.Arrays.copyOf(verbose, verbose.length + 1);
        withVv[verbose.length] = "-vv";
        assertThat(SenderRuns.courierSend(withVv).out()).contains("TLS handshake: ")
                .contains("the PSK identity or key is not the one the Zabbix host has").doesNotContain(PSK)
                .doesNotContain(PSK.replace('f', 'e'));
    }
}
