package dev.concierge.courier.app.cli;

import dev.concierge.courier.app.send.SenderTlsOptions;
import dev.concierge.courier.app.send.ZabbixSend;
import dev.concierge.courier.app.send.ZabbixSend.Mode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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
    static final int DEFAULT_ROWS_PER_REQUEST = 1000;
    static final int DEFAULT_CONNECTIONS = 4;
    static final String DEFAULT_COMPRESSION = "auto";

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

    @Option(names = "--rows-per-request", paramLabel = "N", defaultValue = "" + DEFAULT_ROWS_PER_REQUEST,
            description = "values per request, one host each (default: ${DEFAULT-VALUE}; zabbix_sender: 250)")
    int rowsPerRequest;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "" + DEFAULT_CONNECTIONS,
            description = "requests in flight at once (default: ${DEFAULT-VALUE}; zabbix_sender: 1)")
    int connections;

    @Option(names = "--compression", paramLabel = "MODE", defaultValue = DEFAULT_COMPRESSION,
            description = "auto: zlib when it makes a request shorter, not to this machine; off (default: ${DEFAULT-VALUE})")
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
        return new ZabbixSend(System.in, System.out, System.err).run(mode());
    }

    /**
     * Runs {@code courier send} from a plain command line ({@link #parsePlain}) without picocli, or returns
     * null when picocli must read it.
     */
    public static Integer runPlain(String... args) {
        if (args.length == 0 || !args[0].equals("send")) {
            return null;
        }
        SendCommand command = parsePlain(args, 1);
        if (command == null) {
            return null;
        }
        try {
            return command.call();
        } catch (Exception e) {
            // As picocli's execute() with exitCodeOnExecutionException = 1.
            e.printStackTrace();
            return 1;
        }
    }

    /** The options as {@link ZabbixSend} takes them. */
    Mode mode() {
        SenderTlsOptions tls = new SenderTlsOptions(tlsConnect, tlsCaFile, tlsCrlFile, tlsServerCertIssuer,
                tlsServerCertSubject, tlsCertFile, tlsKeyFile, tlsPskIdentity, tlsPskFile);
        return new Mode(config, server, port, host, key, value, inputFile, withTimestamps, withNs, realTime,
                timeout, verbose.length, rowsPerRequest, connections, compression, tls);
    }

    /**
     * {@code args} (after {@code send}) read without picocli, or null when they hold anything but the plain
     * forms scripts use: {@code -z host}, {@code --zabbix-server host}, {@code --zabbix-server=host},
     * clusters of the flags ({@code -TN}, {@code -vv}). Everything else (help, version, a value that starts
     * with {@code -} other than {@code -i -}, an attached short value, an option given twice, {@code @file},
     * {@code --}, a word that is no option, a number picocli would refuse) returns null, and picocli reads
     * the line as before, with its messages and exit codes. Where this returns a command, picocli would have
     * made the same one ({@code SendCommandLineTest} holds the two together).
     *
     * <p>Why: picocli builds the model of every subcommand from annotations by reflection, and its classes
     * cannot go into the class-data archive (their class files are too old), which made it the largest part
     * of a single-value send's start (BENCHMARKS.md, "courier send vs zabbix_sender").
     */
    static SendCommand parsePlain(String[] args, int from) {
        SendCommand command = new SendCommand();
        command.rowsPerRequest = DEFAULT_ROWS_PER_REQUEST;
        command.connections = DEFAULT_CONNECTIONS;
        command.compression = DEFAULT_COMPRESSION;
        Set<String> seen = new HashSet<>();
        int verbosity = 0;
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (arg.length() > 2 && arg.charAt(0) == '-' && arg.charAt(1) != '-') {
                // A cluster of flags, -TN or -vv; an attached value (-zhost) is left to picocli.
                for (int c = 1; c < arg.length(); c++) {
                    char flag = arg.charAt(c);
                    if (flag == 'v') {
                        verbosity++;
                    } else if (!command.setFlag(flag, seen)) {
                        return null;
                    }
                }
                continue;
            }
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 2) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
                if (value.isEmpty() || value.startsWith("@")) {
                    return null;
                }
            }
            String option = LONG_NAMES.getOrDefault(name, name);
            if (option.equals("-v")) {
                if (value != null) {
                    return null;
                }
                verbosity++;
                continue;
            }
            if (option.length() == 2 && "TNr".indexOf(option.charAt(1)) >= 0) {
                if (value != null || !command.setFlag(option.charAt(1), seen)) {
                    return null;
                }
                continue;
            }
            if (!VALUED.contains(option) || !seen.add(option)) {
                return null;
            }
            if (value == null) {
                if (i + 1 == args.length) {
                    return null;
                }
                value = args[++i];
                boolean stdin = option.equals("-i") && value.equals("-");
                if ((!stdin && value.startsWith("-")) || value.startsWith("@")) {
                    return null;
                }
            }
            if (!command.set(option, value)) {
                return null;
            }
        }
        command.verbose = new boolean[verbosity];
        return command;
    }

    private static final Map<String, String> LONG_NAMES = Map.ofEntries(
            Map.entry("--config", "-c"), Map.entry("--zabbix-server", "-z"),
            Map.entry("--port", "-p"), Map.entry("--host", "-s"),
            Map.entry("--key", "-k"), Map.entry("--value", "-o"),
            Map.entry("--input-file", "-i"), Map.entry("--with-timestamps", "-T"),
            Map.entry("--with-ns", "-N"), Map.entry("--real-time", "-r"),
            Map.entry("--timeout", "-t"), Map.entry("--verbose", "-v"));
    private static final Set<String> VALUED = Set.of("-c", "-z", "-p", "-s", "-k", "-o", "-i",
            "-t", "--rows-per-request", "--connections", "--compression", "--tls-connect", "--tls-ca-file",
            "--tls-server-cert-issuer", "--tls-server-cert-subject", "--tls-cert-file", "--tls-key-file",
            "--tls-psk-identity", "--tls-psk-file");

    private boolean setFlag(char flag, Set<String> seen) {
        if (!seen.add("-" + flag)) {
            return false; // picocli refuses a flag given twice
        }
        switch (flag) {
            case 'T' -> withTimestamps = true;
            case 'N' -> withNs = true;
            case 'r' -> realTime = true;
            default -> {
                return false;
            }
        }
        return true;
    }

    private boolean set(String option, String text) {
        switch (option) {
            case "-c" -> config = Path.of(text);
            case "-z" -> server = text;
            case "-p" -> port = text;
            case "-s" -> host = text;
            case "-k" -> key = text;
            case "-o" -> value = text;
            case "-i" -> inputFile = text;
            case "-t" -> timeout = text;
            case "--rows-per-request" -> rowsPerRequest = plainInt(text);
            case "--connections" -> connections = plainInt(text);
            case "--compression" -> compression = text;
            case "--tls-connect" -> tlsConnect = text;
            case "--tls-ca-file" -> tlsCaFile = text;
            case "--tls-server-cert-issuer" -> tlsServerCertIssuer = text;
            case "--tls-server-cert-subject" -> tlsServerCertSubject = text;
            case "--tls-cert-file" -> tlsCertFile = text;
            case "--tls-key-file" -> tlsKeyFile = text;
            case "--tls-psk-identity" -> tlsPskIdentity = text;
            case "--tls-psk-file" -> tlsPskFile = text;
            default -> {
                return false;
            }
        }
        return rowsPerRequest >= 0 && connections >= 0;
    }

    /** Up to 9 ASCII digits; -1 for anything else, which picocli is left to refuse. */
    private static int plainInt(String text) {
        if (text.isEmpty() || text.length() > 9) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(text);
    }
}
