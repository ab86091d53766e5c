package dev.concierge.courier.app.cli;

import dev.concierge.courier.app.send.SenderTlsOptions;
import dev.concierge.courier.app.send.ZabbixSend;
import dev.concierge.courier.app.send.ZabbixSend.Mode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code courier send}: a drop-in for {@code zabbix_sender} 6.0 that takes the options scripts use with
 * their meanings, reads the same input, prints the same lines and exits with the same codes, and sends a
 * large input faster: larger requests, several connections at once, zlib when it makes a request shorter.
 * {@link ZabbixSend} does the work; this class is its command line.
 */
@Command(name = "send", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1, exitCodeOnExecutionException = 1,
        version = {"courier send (Concierge Courier) 0.1.0",
                "Speaks the Zabbix sender protocol, with zabbix_sender 6.0's options, input and output."},
        description = {"Sends values to a Zabbix server or proxy, as zabbix_sender does, with larger requests, "
                + "several connections and compression.",
                "Exit status: 0 every value processed, 2 sent but some value failed, 1 sending failed."})
public final class SendCommand implements Callable<Integer> {
    /** Enough lines for a training send to reach every class a large send loads. */
    static final int TRAINING_LINES = 5_000;

    @Option(names = {"-c", "--config"}, paramLabel = "config-file",
            description = "a zabbix_agentd.conf: the first ServerActive entry, the Hostname and the TLS* "
                    + "parameters are used")
    Path config;

    @Option(names = {"-z", "--zabbix-server"}, paramLabel = "server",
            description = "the Zabbix server or proxy (host, host:port, [IPv6]:port); overrides ServerActive")
    String server;

    @Option(names = {"-p", "--port"}, paramLabel = "port",
            description = "the trapper port for -z (default: 10051)")
    String port;

    @Option(names = {"-s", "--host"}, paramLabel = "host",
            description = "the host the items belong to; overrides Hostname; what '-' means in the input")
    String host;

    @Option(names = {"-k", "--key"}, paramLabel = "key", description = "the item key")
    String key;

    @Option(names = {"-o", "--value"}, paramLabel = "value", description = "the value")
    String value;

    @Option(names = {"-i", "--input-file"}, paramLabel = "input-file",
            description = "lines of <host> <key> [<clock> [<ns>]] <value>; - reads standard input")
    String inputFile;

    @Option(names = {"-T", "--with-timestamps"}, description = "each line holds <clock> after the key")
    boolean withTimestamps;

    @Option(names = {"-N", "--with-ns"}, description = "each line holds <ns> after the clock (needs -T)")
    boolean withNs;

    @Option(names = {"-r", "--real-time"},
            description = "with -i -: send as lines arrive (after 0.2 s without input, at least once a second)")
    boolean realTime;

    @Option(names = {"-t", "--timeout"}, paramLabel = "seconds",
            description = "how long to wait for each reply, 1-300 (default: 60)")
    String timeout;

    @Option(names = {"-v", "--verbose"}, description = "warnings; -vv: every answer and every failure")
    boolean[] verbose = new boolean[0];

    @Option(names = "--rows-per-request", paramLabel = "N", defaultValue = "1000",
            description = "values per request, one host each (default: ${DEFAULT-VALUE}; zabbix_sender: 250)")
    int rowsPerRequest;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "4",
            description = "requests in flight at once (default: ${DEFAULT-VALUE}; zabbix_sender: 1)")
    int connections;

    @Option(names = "--compression", paramLabel = "MODE", defaultValue = "auto",
            description = "auto: zlib when it makes a request shorter; off (default: ${DEFAULT-VALUE})")
    String compression;

    @Option(names = "--tls-connect", paramLabel = "value",
            description = "unencrypted (default), cert or psk; overrides TLSConnect")
    String tlsConnect;

    @Option(names = "--tls-ca-file", paramLabel = "CA-file",
            description = "PEM: the CA certificates the server's must chain to; overrides TLSCAFile")
    String tlsCaFile;

    @Option(names = "--tls-server-cert-issuer", paramLabel = "cert-issuer",
            description = "the server certificate's issuer, exactly; overrides TLSServerCertIssuer")
    String tlsServerCertIssuer;

    @Option(names = "--tls-server-cert-subject", paramLabel = "cert-subject",
            description = "the server certificate's subject, exactly; overrides TLSServerCertSubject")
    String tlsServerCertSubject;

    @Option(names = "--tls-cert-file", paramLabel = "cert-file",
            description = "PEM: this sender's certificate, then its chain; overrides TLSCertFile")
    String tlsCertFile;

    @Option(names = "--tls-key-file", paramLabel = "key-file",
            description = "PEM: its private key, unencrypted; overrides TLSKeyFile")
    String tlsKeyFile;

    @Option(names = "--tls-psk-identity", paramLabel = "PSK-identity",
            description = "the PSK identity, with --tls-connect psk; overrides TLSPSKIdentity")
    String tlsPskIdentity;

    @Option(names = "--tls-psk-file", paramLabel = "PSK-file",
            description = "the pre-shared key in hex, in a file only its owner may read; overrides TLSPSKFile")
    String tlsPskFile;

    // zabbix_sender's option for what is not supported: taken, so that the refusal can say why.
    @Option(names = "--tls-crl-file", paramLabel = "CRL-file", hidden = true)
    String tlsCrlFile;

    // For bin/courier only: a send to an embedded trapper that writes the class-data archive (ZabbixSend.train).
    @Option(names = "--cds-training", hidden = true)
    boolean cdsTraining;

    @Override
    public Integer call() throws IOException {
        if (cdsTraining) {
            return ZabbixSend.train(TRAINING_LINES);
        }
        SenderTlsOptions tls = new SenderTlsOptions(tlsConnect, tlsCaFile, tlsCrlFile, tlsServerCertIssuer,
                tlsServerCertSubject, tlsCertFile, tlsKeyFile, tlsPskIdentity, tlsPskFile);
        Mode mode = new Mode(config, server, port, host, key, value, inputFile, withTimestamps, withNs, realTime,
                timeout, verbose.length, rowsPerRequest, connections, compression, tls);
        return new ZabbixSend(System.in, System.out, System.err).run(mode);
    }
}
