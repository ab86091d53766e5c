package dev.concierge.courier.app.send;

import dev.concierge.courier.app.send.ZabbixSenderInputParser.Malformed;
import dev.concierge.courier.app.send.ZabbixSenderInputParser.Value;
import dev.concierge.courier.core.settings.HostPort;
import dev.concierge.courier.sinks.zabbix.client.ZabbixClient;
import dev.concierge.courier.sinks.zabbix.client.ZabbixClientConfig;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.client.ZabbixServerNodes;
import dev.concierge.courier.sinks.zabbix.client.ZabbixTlsConfig;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

/**
 * One {@code courier send} run: checks the options as {@code zabbix_sender} 6.0 does, reads the input,
 * sends it and prints what {@code zabbix_sender} prints (see {@link SendReport}).
 *
 * <p>Where it differs, on purpose:
 * <ul>
 *   <li>Requests hold up to {@code --rows-per-request} values (1000; {@code zabbix_sender}: 250), one host
 *       each, and up to {@code --connections} (4) are in flight; each item keeps one lane, so its values
 *       still arrive in order. With {@code -T} the values of a batch are sent ordered by time. With
 *       {@code --compression auto} requests are compressed when that makes them shorter, except to a
 *       destination named as this machine ({@link #onThisMachine}).</li>
 *   <li>An input file is read in batches of {@link #FIRST_BATCH_ROWS} values, then twice as many each
 *       time up to {@link #BATCH_ROWS}. A malformed line stops the run, as in {@code zabbix_sender}; nothing
 *       of the batch it is in is sent ({@code zabbix_sender} likewise drops its partial batch of 250), so an
 *       input shorter than the first batch sends nothing at all.</li>
 *   <li>With {@code -T} and without {@code -N}, each value's {@code ns} is its line number: values of
 *       one item in one second never collide on the history key, and sending a file twice does not store
 *       it twice. Without {@code -T} no clock is sent, as with {@code zabbix_sender}.</li>
 *   <li>TLS with certificates or a pre-shared key as {@code zabbix_sender} does it (see
 *       {@link SenderTlsOptions}); not
 *       supported: a revocation list and the cipher options.</li>
 *   <li>Destinations as {@code zabbix_sender} 6.0 takes them in {@code -z} and {@code ServerActive}:
 *       {@code a,b} sends everything to both, independently; {@code a;b} is an HA cluster, whose nodes are
 *       tried in order, a refused connection passing to the next (see {@code ZabbixClient}); the node that
 *       answered is asked first for the rest of the run, and a 7.0 proxy group's redirect is followed and
 *       remembered per host.</li>
 *   <li>Not supported: {@code -I}.</li>
 * </ul>
 * The caller provides the streams, so tests can run it in process.
 */
public final class ZabbixSend {
    static final String PROGRAM = "courier send";
    static final int BATCH_ROWS = 100_000;
    /**
     * The first batch's size; each next one is twice the last, up to {@link #BATCH_ROWS}. A small first batch
     * puts the first requests on the wire while the rest of the input is still being read, instead of after
     * the first 100,000 lines (BENCHMARKS.md, "courier send vs zabbix_sender").
     */
    static final int FIRST_BATCH_ROWS = 4_096;
    /** The smallest input file that gets a progress bar. */
    static final long PROGRESS_MIN_BYTES = 1 << 20;
    /** {@code zabbix_sender}'s connect timeout ({@code config_timeout}). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** {@code -r}: send when nothing arrives for 0.2 s, and at least once a second (zabbix_sender.c). */
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    static final long MAX_HOLD_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * The options, as given on the command line; strings where {@code zabbix_sender} checks the text itself.
     *
     * @param tls the {@code --tls-*} options; they override the configuration file's {@code TLS*} parameters
     */
    public record Mode(Path config, String server, String port, String host, String key, String value,
                       String inputFile, boolean withTimestamps, boolean withNs, boolean realTime, String timeout,
                       int verbosity, int rowsPerRequest, int connections, String compression,
                       SenderTlsOptions tls) {
    }

    private final InputStream stdin;
    private final PrintStream out;
    private final PrintStream err;
    private final String prefix = PROGRAM + " [" + ProcessHandle.current().pid() + "]: ";

    public ZabbixSend(InputStream stdin, PrintStream out, PrintStream err) {
        this.stdin = stdin;
        this.out = out;
        this.err = err;
    }

    /** Runs and returns the exit code: 0 all processed, 2 some failed, 1 sending failed or bad usage. */
    public int run(Mode m) {
        Integer usage = checkUsage(m);
        if (usage != null) {
            return usage;
        }
        int timeoutSeconds = m.timeout() == null ? 60 : parseUnsigned(m.timeout(), 300);
        if (timeoutSeconds < 1) {
            return usageError("Invalid timeout, valid range 1:300 seconds");
        }
        int port = ServerAddress.DEFAULT_PORT;
        if (m.port() != null) {
            port = parseUnsigned(m.port(), 65535);
            if (port < 1) {
                return usageError("option \"-p\" used with invalid port number \"" + m.port()
                        + "\", valid port numbers are 1-65535");
            }
        }
        AgentConfigFile agentConfig = AgentConfigFile.NONE;
        if (m.config() != null) {
            try {
                agentConfig = AgentConfigFile.read(m.config());
            } catch (NoSuchFileException e) {
                return usageError("cannot open config file \"" + m.config() + "\": [2] No such file or directory");
            } catch (IOException e) {
                return usageError("cannot read config file \"" + m.config() + "\": " + e.getMessage());
            }
        }
        List<ZabbixServerNodes> destinations;
        if (m.server() != null) {
            try {
                destinations = ServerAddress.destinations(m.server(), port);
            } catch (IllegalArgumentException e) {
                return usageError("error parsing the \"-z\" parameter: " + e.getMessage());
            }
        } else {
            // As zabbix_sender 6.0.14: with -c, -p applies to -z only, never to ServerActive.
            destinations = agentConfig.serverActive();
        }
        String defaultHost = m.host() != null ? m.host() : agentConfig.hostname();

        SendReport report = new SendReport(out, PROGRAM, m.verbosity(), Duration.ofSeconds(timeoutSeconds));
        if (destinations.isEmpty()) {
            report.error("'ServerActive' parameter required");
            report.fail();
            return report.finish(0, 0);
        }
        // As zabbix_sender: after the configuration file, an ERROR line on stdout and no summary.
        ZabbixTlsConfig tls;
        try {
            tls = agentConfig.tls().overriddenBy(m.tls()).toConfig();
        } catch (IllegalArgumentException e) {
            report.error(e.getMessage());
            return 1;
        }
        if (!m.compression().equals("auto") && !m.compression().equals("off")) {
            return usageError("--compression: " + m.compression() + " (expected: auto or off)");
        }
        if (m.rowsPerRequest() < 1 || m.connections() < 1) {
            return usageError("--rows-per-request and --connections: " + m.rowsPerRequest() + ", " + m.connections()
                    + " (expected: >= 1)");
        }
        List<String> fileErrors = SenderTlsOptions.fileErrors(tls);
        if (!fileErrors.isEmpty()) {
            fileErrors.forEach(report::error);
            return 1;
        }
        int threads = Math.max(1, Math.min(m.connections(), Runtime.getRuntime().availableProcessors()));
        List<SendLanes.Target> targets = new ArrayList<>(destinations.size());
        try {
            for (ZabbixServerNodes destination : destinations) {
                // zlib's fastest level: a sender's JSON repeats itself so much that level 1 still shrinks it
                // about nine times, at about three times the speed of the default level 6 (BENCHMARKS.md,
                // "courier send vs zabbix_sender"). The lanes keep at most one request each in flight, so no
                // request waits for a connection slot.
                // Not to this machine: loopback bytes cost nothing, zlib costs CPU that the sender and the
                // receiver share (BENCHMARKS.md).
                boolean compress = m.compression().equals("auto") && !onThisMachine(destination);
                ZabbixClient client = ZabbixClient.create(ZabbixClientConfig.of(destination, CONNECT_TIMEOUT,
                                Duration.ofSeconds(timeoutSeconds))
                        .withCompression(compress, Deflater.BEST_SPEED)
                        .withMaxConnections(m.connections())
                        .withThreads(threads, "zabbix-sender-client")
                        .withTls(tls));
                targets.add(new SendLanes.Target(client, report.destination(destination.toString())));
            }
        } catch (IllegalArgumentException e) {
            // The files read, but the JDK will not make a TLS context of them.
            targets.forEach(target -> target.client().close());
            report.error(e.getMessage());
            return 1;
        }
        try {
            SendLanes lanes = new SendLanes(targets, m.rowsPerRequest(), m.connections(), m.withTimestamps());
            if (m.inputFile() == null) {
                return sendOne(m, defaultHost, lanes, report);
            }
            return sendInput(m, defaultHost, lanes, report);
        } finally {
            targets.forEach(target -> target.client().close());
        }
    }

    private Integer checkUsage(Mode m) {
        if (m.verbosity() > 2) {
            return usageError("option \"-v\" or \"--verbose\" specified more than 2 times");
        }
        if (m.config() == null && m.server() == null) {
            return usageError("either '-c' or '-z' option must be specified");
        }
        boolean input = m.inputFile() != null;
        boolean single = m.key() != null || m.value() != null;
        boolean ok = input ? !single && (!m.withNs() || m.withTimestamps())
                : m.key() != null && m.value() != null && !m.withTimestamps() && !m.withNs() && !m.realTime()
                        && (m.config() != null || m.host() != null);
        if (!ok) {
            return usageError("too few or mutually exclusive options used");
        }
        return null;
    }

    private int usageError(String message) {
        err.println(prefix + message);
        err.flush();
        return 1;
    }

    /** {@code -k} / {@code -o}: one value, without a clock. */
    private int sendOne(Mode m, String defaultHost, SendLanes lanes, SendReport report) {
        if (defaultHost == null) {
            report.warning("'Hostname' parameter required");
            report.fail();
            return report.finish(0, 1);
        }
        lanes.dispatch(List.of(new Row(defaultHost, m.key(), m.value(), 0, 0))).join();
        return report.finish(1, 1);
    }

    private int sendInput(Mode m, String defaultHost, SendLanes lanes, SendReport report) {
        ZabbixSenderInputParser parser = new ZabbixSenderInputParser(defaultHost, m.withTimestamps(), m.withNs());
        boolean fromStdin = m.inputFile().equals("-");
        InputStream in;
        long size = -1;
        if (fromStdin) {
            in = stdin;
        } else {
            Path path = Path.of(m.inputFile());
            try {
                in = Files.newInputStream(path);
                size = Files.isRegularFile(path) ? Files.size(path) : -1;
            } catch (NoSuchFileException e) {
                report.error("cannot open [" + m.inputFile() + "]: [2] No such file or directory");
                report.fail();
                return report.finish(0, 0);
            } catch (IOException e) {
                report.error("cannot open [" + m.inputFile() + "]: " + e.getMessage());
                report.fail();
                return report.finish(0, 0);
            }
        }
        Counts counts = new Counts();
        try {
            if (fromStdin && m.realTime()) {
                realTime(in, parser, lanes, report, counts, m.rowsPerRequest());
            } else {
                batches(new InputLines(in), size, parser, lanes, report, counts);
            }
        } catch (IOException e) {
            report.error("cannot read [" + m.inputFile() + "]: " + e.getMessage());
            report.fail();
        } finally {
            if (!fromStdin) {
                try {
                    in.close();
                } catch (IOException e) {
                    // read to the end or failed already; nothing to add
                }
            }
        }
        lanes.dispatch(List.of()).join();
        return report.finish(counts.sent, counts.lines);
    }

    /** Lines read and values queued, as zabbix_sender counts them for its summary. */
    private static final class Counts {
        volatile long lines;
        volatile long sent;
    }

    private void batches(InputLines lines, long size, ZabbixSenderInputParser parser, SendLanes lanes,
                         SendReport report, Counts counts) throws IOException {
        ProgressBar progress = size >= PROGRESS_MIN_BYTES && ProgressBar.stderrIsTerminal()
                ? ProgressBar.start(err, size, lines::bytesRead, () -> counts.sent, report::rowsAnswered) : null;
        try {
            int batchRows = FIRST_BATCH_ROWS;
            List<Row> batch = new ArrayList<>(batchRows);
            CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
            String line;
            while (!report.failed() && (line = lines.next()) != null) {
                Row row = parse(parser, line, ++counts.lines, report);
                if (row == null) {
                    return;
                }
                batch.add(row);
                counts.sent++;
                if (batch.size() >= batchRows) {
                    CompletableFuture<Void> sent = lanes.dispatch(batch);
                    batchRows = Math.min(BATCH_ROWS, batchRows * 2);
                    batch = new ArrayList<>(batchRows);
                    // Read the next batch while this one is sent, but never more than one ahead.
                    previous.join();
                    previous = sent;
                }
            }
            if (!report.failed()) {
                lanes.dispatch(batch).join();
            }
        } finally {
            if (progress != null) {
                lanes.dispatch(List.of()).join();
                progress.close();
            }
        }
    }

    private static final Object END = new Object();

    private void realTime(InputStream in, ZabbixSenderInputParser parser, SendLanes lanes, SendReport report,
                          Counts counts, int rowsPerRequest) throws IOException {
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            InputLines lines = new InputLines(in);
            try {
                String line;
                while ((line = lines.next()) != null) {
                    queue.add(line);
                }
                queue.add(END);
            } catch (IOException e) {
                queue.add(e);
            }
        }, "courier-send-stdin");
        reader.setDaemon(true);
        reader.start();
        List<Row> pending = new ArrayList<>();
        long firstPending = 0;
        try {
            while (!report.failed()) {
                Object item = pending.isEmpty() ? queue.take() : queue.poll(QUIET_NANOS, TimeUnit.NANOSECONDS);
                if (item == null) {
                    lanes.dispatch(pending); // nothing arrived for 0.2 s
                    pending = new ArrayList<>();
                    continue;
                }
                if (item == END) {
                    break;
                }
                if (item instanceof IOException e) {
                    throw e;
                }
                Row row = parse(parser, (String) item, ++counts.lines, report);
                if (row == null) {
                    return;
                }
                if (pending.isEmpty()) {
                    firstPending = System.nanoTime();
                }
                pending.add(row);
                counts.sent++;
                if (pending.size() >= rowsPerRequest || System.nanoTime() - firstPending >= MAX_HOLD_NANOS) {
                    lanes.dispatch(pending);
                    pending = new ArrayList<>();
                }
            }
            if (!report.failed()) {
                lanes.dispatch(pending);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            report.fail();
        }
    }

    /** The row for one line, or null when the line is malformed (reported, and the run failed). */
    private static Row parse(ZabbixSenderInputParser parser, String line, long lineNumber, SendReport report) {
        ZabbixSenderInputParser.Result result = parser.parse(line, lineNumber);
        if (result instanceof Malformed bad) {
            if (bad.warning()) {
                report.warning(bad.message());
            } else {
                report.error(bad.message());
            }
            report.fail();
            return null;
        }
        Value v = (Value) result;
        if (!parser.withTimestamps()) {
            return new Row(v.host(), v.key(), v.value(), 0, 0);
        }
        // Without -N: the line number, unique within the input (see the class comment).
        int ns = v.ns() >= 0 ? v.ns() : (int) (lineNumber % 1_000_000_000L);
        return new Row(v.host(), v.key(), v.value(), v.clock(), ns);
    }

    /**
     * A send of {@code lines} generated values to an embedded trapper on 127.0.0.1, and nothing else: run by
     * {@code bin/courier} in the background with {@code -XX:ArchiveClassesAtExit}, so that the class-data
     * archive holds what a real send loads without a real send being made twice. Output goes nowhere.
     *
     * @return the send's exit code (0 when the trapper took every value)
     */
    public static int train(int lines) throws IOException {
        Path file = Files.createTempFile("courier-send-training", ".txt");
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        try (ZabbixTrapperReceiver trapper = ZabbixTrapperReceiver.create()) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < lines; i++) {
                text.append("- training.item[").append(i % 100).append("] 1700000000 ").append(i).append(' ')
                        .append(i).append('\n');
            }
            Files.writeString(file, text);
            Mode mode = new Mode(null, "127.0.0.1", Integer.toString(trapper.port()), "courier-training", null, null,
                    file.toString(), true, true, false, null, 0, 1000, 4, "auto", SenderTlsOptions.NONE);
            return new ZabbixSend(InputStream.nullInputStream(), nowhere, nowhere).run(mode);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Whether every node of {@code destination} is named as this machine: {@code localhost}, an IPv4 address in
     * 127.0.0.0/8 or {@code ::1}. Names are not resolved (no lookup before the first request).
     */
    static boolean onThisMachine(ZabbixServerNodes destination) {
        for (HostPort node : destination.nodes()) {
            String host = node.host();
            if (!host.equalsIgnoreCase("localhost") && !host.equals("::1") && !isLoopbackIpv4(host)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLoopbackIpv4(String host) {
        if (!host.startsWith("127.")) {
            return false;
        }
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }

    /** ASCII digits only, at most {@code max}; -1 otherwise (and for an empty text). */
    private static int parseUnsigned(String text, int max) {
        return text.isEmpty() ? -1 : (int) ZabbixSenderInputParser.unsigned(text, 0, text.length(), max);
    }
}
