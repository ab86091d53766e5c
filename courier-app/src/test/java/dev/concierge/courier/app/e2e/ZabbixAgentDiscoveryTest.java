package dev.concierge.courier.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.CourierMain;
import dev.concierge.courier.app.discovery.DiscoverySnapshot;
import dev.concierge.courier.sources.dropwizard.DropwizardDiscovery;
import dev.concierge.courier.sources.dropwizard.DropwizardMetricNames;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier discover --from} as a real Zabbix agent runs it: a private {@code zabbix_agentd} (package
 * zabbix-agent) with {@code UserParameter}s that start a new JVM per call, asked by the real
 * {@code zabbix_get} (package zabbix-server-pgsql). The agent kills a UserParameter at its {@code Timeout=3}
 * and then answers {@code ZBX_NOTSUPPORTED: Timeout while executing a shell script.}, so an exact answer
 * proves the cold start fits the budget. Both come from {@code scripts/install-test-deps.sh}.
 */
class ZabbixAgentDiscoveryTest {
    private static final Path AGENTD = Path.of("/usr/sbin/zabbix_agentd");
    private static final Path ZABBIX_GET = Path.of("/usr/bin/zabbix_get");
    private static final String DOCUMENT = """
            {"version":"4.0.0","gauges":{"jvm.heap":{"value":1}},"counters":{"jobs":{"count":3}},"histograms":{},
             "meters":{},"timers":{"app.requests":{"count":1},"db.query":{"count":2}}}
            """;

    @TempDir
    Path dir;
    private int port;
    private Path pidFile;

    @BeforeEach
    void startAgent() throws Exception {
        assertThat(AGENTD).as("zabbix_agentd; scripts/install-test-deps.sh installs zabbix-agent").isExecutable();
        assertThat(ZABBIX_GET).as("zabbix_get; scripts/install-test-deps.sh installs zabbix-server-pgsql")
                .isExecutable();
        Path snapshot = DiscoverySnapshot.fileFor(dir.resolve(DiscoverySnapshot.DIRECTORY), "app");
        DiscoverySnapshot.of("app", "dropwizard", Instant.now(), Duration.ofMinutes(1), DropwizardDiscovery.rows(
                DropwizardMetricNames.read(DOCUMENT.getBytes(StandardCharsets.UTF_8), "test"))).writeAtomically(snapshot);

        // The test class path is long; an argument file keeps the UserParameter line short.
        Path argfile = Files.writeString(dir.resolve("courier.args"),
                "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java")
                + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto @" + argfile + " " + CourierMain.class.getName();
        port = freePort();
        pidFile = dir.resolve("zabbix_agentd.pid");
        Path conf = Files.writeString(dir.resolve("zabbix_agentd.conf"), String.join("\n",
                "ListenIP=127.0.0.1",
                "ListenPort=" + port,
                "Server=127.0.0.1",
                "StartAgents=1",
                "PidFile=" + pidFile,
                "LogFile=" + dir.resolve("zabbix_agentd.log"),
                "AllowRoot=1",
                "Timeout=3",
                "UserParameter=courier.discovery[*]," + java + " discover --from " + snapshot + " --kind $1",
                "UserParameter=courier.discovery.source[*]," + java + " discover --data-dir " + dir
                        + " --source $1 --kind $2",
                ""));
        Process start = new ProcessBuilder(AGENTD.toString(), "-c", conf.toString()).redirectErrorStream(true).start();
        assertThat(start.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(start.exitValue()).as(new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile) && accepts(port));
    }

    @AfterEach
    void stopAgent() throws IOException {
        if (pidFile == null || !Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle.of(pid).ifPresent(agent -> {
            agent.destroy();
            await().atMost(Duration.ofSeconds(30)).until(() -> !agent.isAlive());
        });
    }

    @Test
    void answersAUserParameterWithTheExactLldJsonWithinTheAgentTimeout() throws Exception {
        assertThat(zabbixGet("courier.discovery[timers]"))
                .isEqualTo("[{\"{#TIMER}\":\"app.requests\"},{\"{#TIMER}\":\"db.query\"}]");
        assertThat(zabbixGet("courier.discovery.source[app,gauges]")).isEqualTo("[{\"{#GAUGE}\":\"jvm.heap\"}]");
    }

    @Test
    void answersAMissingSnapshotWithTheReasonInsteadOfAListOrATimeout() throws Exception {
        // zabbix_agentd 6.0 ignores a UserParameter's exit code and returns what it printed, stderr included.
        // The reason is not JSON, so the server's LLD rule turns unsupported with it and keeps its entities.
        assertThat(zabbixGet("courier.discovery.source[nobody,timers]")).isEqualTo("courier discover: "
                + DiscoverySnapshot.fileFor(dir.resolve(DiscoverySnapshot.DIRECTORY), "nobody")
                + ": no snapshot (courier run writes it after the source's first successful collect)");
    }

    private String zabbixGet(String key) throws Exception {
        Process get = new ProcessBuilder(List.of(ZABBIX_GET.toString(), "-s", "127.0.0.1", "-p",
                Integer.toString(port), "-k", key)).redirectErrorStream(true).start();
        byte[] out = get.getInputStream().readAllBytes();
        assertThat(get.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String answer = new String(out, StandardCharsets.UTF_8).strip();
        assertThat(get.exitValue()).as(answer).isZero();
        return answer;
    }

    /** A port in the range zabbix_agentd accepts (1024-32767), free on 127.0.0.1 when asked. */
    private static int freePort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(20_000, 32_768);
            try (ServerSocket probe = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException taken) {
                // Try another one.
            }
        }
        throw new IOException("no free port in 20000..32767 on 127.0.0.1");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
