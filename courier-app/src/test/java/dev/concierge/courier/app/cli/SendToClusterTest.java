package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.app.cli.SenderRuns.Run;
import dev.concierge.courier.sinks.zabbix.client.ScriptedTrapper;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier send} and the real {@code zabbix_sender} 6.0 side by side on destination lists: {@code a;b}
 * is one HA cluster whose nodes are tried in order (a standby refuses the connection), {@code a,b} two
 * independent destinations that each get every value. Same response lines, same summary, same exit code.
 * Both run against the same trappers, one after the other; a "standby" is a port nobody listens on.
 */
class SendToClusterTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsTheRealSender() {
        Assumptions.assumeTrue(SenderRuns.zabbixSenderInstalled(), "zabbix_sender is not installed");
    }

    /** One host, so both send one request per destination (courier send never mixes hosts in a request). */
    private Path file() throws IOException {
        return Files.writeString(dir.resolve("values.txt"), "web-01 app.a 1\nweb-01 app.b 2\nweb-01 app.c 3\n");
    }

    private static String at(int port) {
        return "127.0.0.1:" + port;
    }

    private static Run[] both(String... args) throws Exception {
        return new Run[] {SenderRuns.zabbixSender(args), SenderRuns.courierSend(args)};
    }

    @Test
    void aClusterWhoseFirstNodeIsAStandbyIsServedByTheNextNode() throws Exception {
        int standby = freePort();
        try (ZabbixTrapperReceiver active = ZabbixTrapperReceiver.create()) {
            Run[] runs = both("-z", at(standby) + ";" + at(active.port()), "-i", file().toString());

            for (Run run : runs) {
                assertThat(run.exitCode()).as(run.out()).isZero();
                assertThat(run.summary()).isEqualTo("sent: 3; skipped: 0; total: 3");
                assertThat(run.servers()).containsOnly(at(active.port()));
                assertThat(run.processed()).isEqualTo(3);
            }
            assertThat(active.rows()).hasSize(6);
        }
    }

    @Test
    void aClusterOfStandbysOnlyFailsBoth() throws Exception {
        Run[] runs = both("-z", at(freePort()) + ";" + at(freePort()), "-s", "web-01", "-k", "app.a", "-o", "1");

        assertThat(runs[1].exitCode()).isEqualTo(runs[0].exitCode()).isEqualTo(1);
        assertThat(runs[1].out()).isEqualTo(runs[0].out())
                .isEqualTo("Sending failed. Use option -vv for more detailed output.\n");
    }

    @Test
    void twoDestinationsEachGetEveryValueAndBothAnsweringIsExitCodeZero() throws Exception {
        try (ZabbixTrapperReceiver one = ZabbixTrapperReceiver.create();
             ZabbixTrapperReceiver two = ZabbixTrapperReceiver.create()) {
            Run[] runs = both("-z", at(one.port()) + "," + at(two.port()), "-i", file().toString());

            assertThat(runs[1].exitCode()).as(runs[1].out()).isEqualTo(runs[0].exitCode()).isZero();
            assertThat(runs[1].summary()).isEqualTo(runs[0].summary()).isEqualTo("sent: 3; skipped: 0; total: 3");
            assertThat(runs[1].servers()).containsExactlyInAnyOrderElementsOf(runs[0].servers())
                    .containsExactlyInAnyOrder(at(one.port()), at(two.port()));
            assertThat(one.rows()).hasSize(6);
            assertThat(two.rows()).hasSize(6);
        }
    }

    @Test
    void oneDeadDestinationOfTwoIsExitCodeTwoWithTheCountsPrinted() throws Exception {
        int dead = freePort();
        try (ZabbixTrapperReceiver live = ZabbixTrapperReceiver.create()) {
            for (String destinations : List.of(at(live.port()) + "," + at(dead), at(dead) + "," + at(live.port()))) {
                Run[] runs = both("-z", destinations, "-i", file().toString());

                assertThat(runs[1].exitCode()).as(runs[1].out()).isEqualTo(runs[0].exitCode()).isEqualTo(2);
                assertThat(withoutSeconds(runs[1].out())).isEqualTo(withoutSeconds(runs[0].out()));
                assertThat(runs[1].summary()).isEqualTo("sent: 3; skipped: 0; total: 3");
            }
        }
    }

    @Test
    void aDestinationThatRefusesTheRequestOrFailsValuesIsExitCodeTwo() throws Exception {
        try (ZabbixTrapperReceiver live = ZabbixTrapperReceiver.create();
             ZabbixTrapperReceiver failing = ZabbixTrapperReceiver.create(0, key -> false, (row, processed) -> { });
             ScriptedTrapper refusing = new ScriptedTrapper(json -> ScriptedTrapper.frame(
                     "{\"response\":\"failed\",\"info\":\"host is not allowed\"}"))) {
            for (int other : new int[] {failing.port(), refusing.port()}) {
                Run[] runs = both("-z", at(live.port()) + "," + at(other), "-i", file().toString());

                assertThat(runs[1].exitCode()).as(runs[1].out()).isEqualTo(runs[0].exitCode()).isEqualTo(2);
                assertThat(runs[1].summary()).isEqualTo(runs[0].summary()).isEqualTo("sent: 3; skipped: 0; total: 3");
                assertThat(runs[1].servers()).containsExactlyInAnyOrderElementsOf(runs[0].servers());
                assertThat(runs[1].failed()).isEqualTo(runs[0].failed());
            }
        }
    }

    @Test
    void everyDestinationDeadIsSendingFailed() throws Exception {
        Run[] runs = both("-z", at(freePort()) + "," + at(freePort()), "-i", file().toString());

        assertThat(runs[1].exitCode()).isEqualTo(runs[0].exitCode()).isEqualTo(1);
        assertThat(runs[1].out()).isEqualTo(runs[0].out())
                .isEqualTo("Sending failed. Use option -vv for more detailed output.\n");
    }

    @Test
    void anAddressNamedTwiceIsRefusedByBoth() throws Exception {
        Run[] runs = both("-z", "127.0.0.1:10051;127.0.0.1:10052,127.0.0.1:10051", "-i", file().toString());

        assertThat(runs[1].exitCode()).isEqualTo(runs[0].exitCode()).isEqualTo(1);
        assertThat(runs[1].out()).isEqualTo(runs[0].out()).isEmpty();
        CommandOutput output = CommandOutput.run("send", "-z", "127.0.0.1:10051,127.0.0.1:10051", "-i", "x");
        assertThat(output.err()).contains("error parsing the \"-z\" parameter: address \"127.0.0.1:10051\" "
                + "specified more than once");
    }

    @Test
    void serverActiveInTheAgentConfigurationTakesTheSameLists() throws Exception {
        int standby = freePort();
        try (ZabbixTrapperReceiver active = ZabbixTrapperReceiver.create();
             ZabbixTrapperReceiver other = ZabbixTrapperReceiver.create()) {
            Path config = Files.writeString(dir.resolve("zabbix_agentd.conf"), "ServerActive=" + at(standby) + ";"
                    + at(active.port()) + "," + at(other.port()) + "\nHostname=web-01\n");
            Run[] runs = both("-c", config.toString(), "-k", "app.a", "-o", "5");

            assertThat(runs[1].exitCode()).as(runs[1].out()).isEqualTo(runs[0].exitCode()).isZero();
            assertThat(runs[1].servers()).containsExactlyInAnyOrderElementsOf(runs[0].servers())
                    .containsExactlyInAnyOrder(at(active.port()), at(other.port()));
            assertThat(active.rows()).hasSize(2);
            assertThat(other.rows()).hasSize(2);
        }
    }

    private static String withoutSeconds(String out) {
        return out.replaceAll("seconds spent: [0-9.]+", "seconds spent: S");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
