package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** {@link SendCommand#parsePlain} against picocli: the same command where it reads a line, none where it may not. */
class SendCommandLineTest {

    @Test
    void readsThePlainLinesScriptsUseAsPicocliDoes() {
        List<String[]> lines = List.of(
                args("-z", "127.0.0.1", "-s", "web 1", "-k", "key[a,b]", "-o", "42"),
                args("-z", "127.0.0.1", "-p", "10051", "-s", "h", "-T", "-N", "-i", "/tmp/values.txt"),
                args("-z", "127.0.0.1", "-s", "h", "-TN", "-i", "-"),
                args("-c", "/etc/zabbix/zabbix_agentd.conf", "-k", "k", "-o", "", "-vv"),
                args("--zabbix-server=zbx:10051", "--host", "h", "--key=k", "--value", "v=w", "--verbose", "-v"),
                args("-z", "a,b;c", "-i", "in.txt", "-r", "-t", "5", "--rows-per-request", "250",
                        "--connections=1", "--compression", "off"),
                args("-z", "z", "-s", "h", "-k", "k", "-o", "1", "--tls-connect", "psk", "--tls-psk-identity", "id",
                        "--tls-psk-file", "/k.psk", "--tls-ca-file", "ca.pem", "--tls-cert-file", "c.pem",
                        "--tls-key-file", "k.pem", "--tls-server-cert-issuer", "CN=a", "--tls-server-cert-subject",
                        "CN=b"),
                args("--with-timestamps", "--with-ns", "--real-time", "--input-file", "f", "--config", "c",
                        "--port", "1", "--timeout", "300"),
                args("-Tv", "-z", "z", "-i", "f"),
                args("-z", "z", "-i", "f", "--rows-per-request", "010", "--connections", "0")); // decimal, as picocli
        for (String[] line : lines) {
            SendCommand plain = SendCommand.parsePlain(line, 0);
            assertThat(plain).as(String.join(" ", line)).isNotNull();
            assertThat(plain.mode()).as(String.join(" ", line)).isEqualTo(picocli(line).mode());
        }
    }

    @Test
    void leavesEveryOtherLineToPicocli() {
        List<String[]> lines = List.of(
                args("-h"), args("--help"), args("-V"), args("--version"),
                args("-zlocalhost", "-k", "k", "-o", "1"),      // attached value
                args("-z=localhost", "-k", "k", "-o", "1"),
                args("-z", "a", "-z", "b", "-k", "k", "-o", "1"), // twice
                args("-z", "a", "-T", "-T", "-i", "f"),
                args("-z", "a", "-k", "k", "-o", "-1"),          // a value like an option
                args("-z", "a", "-k", "k", "-o"),                // no value
                args("-z", "a", "-k", "k", "-o", "@values"),
                args("@options"),
                args("-z", "a", "--", "-k"),
                args("-z", "a", "word"),
                args("-z", "a", "-x"),
                args("-z", "a", "-Tx", "-i", "f"),
                args("-z", "a", "--rows-per-request", "1e3", "-i", "f"),
                args("-z", "a", "--connections", "+4", "-i", "f"),
                args("--zabbix-server=", "-i", "f"),
                args("--verbose=true", "-z", "a", "-i", "f"),
                args("--cds-training"),
                args("--tls-crl-file", "crl.pem", "-z", "a", "-i", "f"));
        for (String[] line : lines) {
            assertThat(SendCommand.parsePlain(line, 0)).as(String.join(" ", line)).isNull();
        }
    }

    @Test
    void runsOnlyTheSendSubcommandWithoutPicocli() {
        assertThat(SendCommand.runPlain("run", "-z", "a")).isNull();
        assertThat(SendCommand.runPlain()).isNull();
        assertThat(SendCommand.runPlain("send", "--help")).isNull();
    }

    private static SendCommand picocli(String[] line) {
        SendCommand command = new SendCommand();
        try {
            new CommandLine(command).parseArgs(line);
        } catch (ParameterException e) {
            throw new AssertionError("picocli refused " + String.join(" ", line) + ": " + e.getMessage(), e);
        }
        return command;
    }

    private static String[] args(String... args) {
        return new ArrayList<>(List.of(args)).toArray(String[]::new);
    }
}
