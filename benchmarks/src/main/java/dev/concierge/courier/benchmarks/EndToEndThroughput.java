package dev.concierge.courier.benchmarks;

import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.core.pipeline.SourceStats;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.sinks.file.ZabbixSenderLineWriter;
import dev.concierge.courier.sinks.zabbix.ZabbixSink;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import dev.concierge.courier.sources.fetch.DocumentFetcher;
import dev.concierge.courier.sources.fetch.FetchedDocument;
import dev.concierge.courier.sources.prometheus.PrometheusConfig;
import dev.concierge.courier.sources.prometheus.PrometheusFormat;
import dev.concierge.courier.sources.prometheus.PrometheusScrapeSource;
import dev.concierge.courier.sources.prometheus.PrometheusTextParser;
import io.github.hengyunabc.zabbix.sender.DataObject;
import io.github.hengyunabc.zabbix.sender.SenderResult;
import io.github.hengyunabc.zabbix.sender.ZabbixSender;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Sustained samples per second from a Prometheus scrape to a Zabbix trapper on 127.0.0.1, through the whole
 * courier, beside the two usual ways of feeding Zabbix from Java and from a shell, all sent to the same
 * receiver in one run:
 * <ul>
 *   <li><b>courier</b>: a real {@link Pipeline} in a JVM of its own capped at {@code --heap} (64 MiB by
 *       default): a {@link PrometheusScrapeSource} whose fetcher hands back the same exposition of
 *       {@code --series} series every collect (no HTTP; the parser runs every time), collected every
 *       {@code --interval-ms}: every 1 ms by default, so that it offers as fast as the pipeline takes (a tick
 *       that finds the previous collect running is skipped, samples the full ring refuses are counted); or
 *       paced, e.g. 20,000 series every 20 ms to offer 1,000,000 samples/s and see whether the pipeline
 *       sustains that load (all delivered, none lost); the ring, and
 *       {@code --sinks} {@link ZabbixSink}s of {@code --rows-per-frame} rows and {@code --connections}
 *       connections each. Throughput is what the sinks' stats count as delivered;</li>
 *   <li><b>zabbix-sender-java</b> ({@code io.github.hengyunabc:zabbix-sender}): {@code --connections}
 *       threads in a JVM with the same heap cap, each calling {@code send(List<DataObject>)} with
 *       {@code --rows-per-frame} rows of the same exposition, parsed once beforehand, over and over. It runs
 *       with the library and fastjson on its class path, which the courier's JVM never has;</li>
 *   <li><b>zabbix_sender</b> (the C binary): {@code --connections} processes at a time, each
 *       {@code zabbix_sender -T -N -i} of a file holding the same exposition's rows (written once beforehand,
 *       250 values per connection, its fixed batch), started again as soon as one ends; counted by the
 *       receiver.</li>
 * </ul>
 * The baselines skip what the courier does on top of sending: parsing every scrape, the ring, the backlog and
 * the delivery accounting. The receiver ({@code --receiver counting}, a {@link CountingTrapper}) runs in this
 * JVM; {@code --receiver embedded} uses {@link ZabbixTrapperReceiver}, which parses and keeps every row, to
 * see whether it would be the bottleneck.
 *
 * <p><b>Scaling.</b> With {@code --scaling 10,100,1000} the courier alone runs once per number of series and
 * per entry of {@code --sinks-list}, and each run has a second phase: after the saturated window the source is
 * replaced by one collected every {@code --latency-interval-ms}, and for each collect in
 * {@code --latency-s} the time from its scrape instant until the last of its rows was answered by the
 * receiver, in every sink, is recorded. The results go to {@code --csv}.
 *
 * <p><b>Why not JMH.</b> The load is a running pipeline with its own threads, and the throughput is counted
 * at the sinks over a window, not around a call on a benchmark thread; the forks are kept (every setup runs in
 * a fresh JVM). Options are {@code --key value} pairs; see {@link Params}.
 */
public final class EndToEndThroughput {

    /**
     * What one invocation measures.
     *
     * @param series            series in the exposition ({@code --series})
     * @param warmup            run before the window ({@code --warmup-s})
     * @param measure           the window ({@code --measure-s})
     * @param sinks             Zabbix sinks fed by the one source ({@code --sinks})
     * @param rowsPerFrame      rows per request and per zabbix-sender-java call ({@code --rows-per-frame})
     * @param connections       connections per sink, zabbix-sender-java threads and zabbix_sender processes
     *                          ({@code --connections})
     * @param interval          how often the source is collected ({@code --interval-ms})
     * @param heap              {@code -Xmx} of the courier's and zabbix-sender-java's JVMs ({@code --heap})
     * @param ringSlots         ring slots ({@code --ring-slots})
     * @param ringBytes         ring byte budget ({@code --ring-mib})
     * @param backlogBytes      backlog byte budget per sink ({@code --backlog-mib}; 16 MiB, two scrapes of 20,000
     *                          series by the samples' estimate, so that one scrape arriving while the previous
     *                          one is still being sent is not cut)
     * @param receiver          {@code counting} or {@code embedded} ({@code --receiver})
     * @param receiverThreads   the counting receiver's event loop threads ({@code --receiver-threads})
     * @param runs              which senders to run ({@code --runs courier,courier-paced,java,zabbix_sender}):
     *                          {@code courier} with the source collected every {@code interval},
     *                          {@code courier-paced} every {@code pacedInterval}
     * @param pacedInterval     the collect interval of the {@code courier-paced} run ({@code --paced-interval-ms},
     *                          16 ms: 20,000 series offered 1,250,000 samples/s)
     * @param latencyInterval   the scaling runs' second phase: collect interval ({@code --latency-interval-ms})
     * @param latency           the scaling runs' second phase: length ({@code --latency-s}); 0 = none
     * @param ledger            {@code file}: the durable ledger {@code courier run} uses (every accepted sample
     *                          written to its sink's segment files, a 4 MiB window of them in memory), in a
     *                          fresh directory; {@code memory}: everything in memory, nothing written
     *                          ({@code --ledger})
     * @param ledgerWindowBytes the file ledger's window of waiting samples kept in memory per sink
     *                          ({@code --ledger-window-mib}; 16 MiB, two scrapes of 20,000 series by the samples'
     *                          estimate, as README recommends for {@code COURIER_PROFILE=sidecar}; the
     *                          ledger's own default is 4 MiB)
     * @param jvmFlags          extra flags for every forked JVM, space-separated ({@code --jvm-flags}); by default
     *                          {@code -XX:+UseSerialGC}, the collector of {@code COURIER_PROFILE=sidecar}, which
     *                          flags given replace
     * @param outage            the {@code recovery} run: how long the trapper is down each time ({@code --outage-s})
     * @param recoveries        the {@code recovery} run: how many outages ({@code --recoveries})
     */
    record Params(int series, Duration warmup, Duration measure, int sinks, int rowsPerFrame, int connections,
                  Duration interval, String heap, int ringSlots, long ringBytes, long backlogBytes, String receiver,
                  int receiverThreads, List<String> runs, Duration pacedInterval, Duration latencyInterval,
                  Duration latency, String ledger, long ledgerWindowBytes, List<String> jvmFlags, Duration outage,
                  int recoveries) {

        static Params parse(Map<String, String> args) {
            return new Params(
                    Integer.parseInt(args.getOrDefault("series", "20000")),
                    Duration.ofSeconds(Long.parseLong(args.getOrDefault("warmup-s", "6"))),
                    Duration.ofSeconds(Long.parseLong(args.getOrDefault("measure-s", "20"))),
                    Integer.parseInt(args.getOrDefault("sinks", "1")),
                    Integer.parseInt(args.getOrDefault("rows-per-frame", "4000")),
                    Integer.parseInt(args.getOrDefault("connections", "4")),
                    Duration.ofMillis(Long.parseLong(args.getOrDefault("interval-ms", "1"))),
                    args.getOrDefault("heap", "64m"),
                    Integer.parseInt(args.getOrDefault("ring-slots", "65536")),
                    Long.parseLong(args.getOrDefault("ring-mib", "16")) << 20,
                    Long.parseLong(args.getOrDefault("backlog-mib", "16")) << 20,
                    args.getOrDefault("receiver", "counting"),
                    Integer.parseInt(args.getOrDefault("receiver-threads", "1")),
                    List.of(args.getOrDefault("runs", "courier,courier-paced,java,zabbix_sender").split(",")),
                    Duration.ofMillis(Long.parseLong(args.getOrDefault("paced-interval-ms", "16"))),
                    Duration.ofMillis(Long.parseLong(args.getOrDefault("latency-interval-ms", "1000"))),
                    Duration.ofSeconds(Long.parseLong(args.getOrDefault("latency-s", "0"))),
                    args.getOrDefault("ledger", "file"),
                    Long.parseLong(args.getOrDefault("ledger-window-mib", "16")) << 20,
                    Arrays.stream(args.getOrDefault("jvm-flags", "-XX:+UseSerialGC").trim().split("\\s+"))
                            .filter(f -> !f.isEmpty()).toList(),
                    Duration.ofSeconds(Long.parseLong(args.getOrDefault("outage-s", "10"))),
                    Integer.parseInt(args.getOrDefault("recoveries", "5")));
        }

        Params withSeriesAndSinks(int series, int sinks) {
            return new Params(series, warmup, measure, sinks, rowsPerFrame, connections, interval, heap, ringSlots,
                    ringBytes, backlogBytes, receiver, receiverThreads, runs, pacedInterval, latencyInterval, latency,
                    ledger, ledgerWindowBytes, jvmFlags, outage, recoveries);
        }

        Params withInterval(Duration interval) {
            return new Params(series, warmup, measure, sinks, rowsPerFrame, connections, interval, heap, ringSlots,
                    ringBytes, backlogBytes, receiver, receiverThreads, runs, pacedInterval, latencyInterval, latency,
                    ledger, ledgerWindowBytes, jvmFlags, outage, recoveries);
        }

        /** Samples per second the source offers when each collect of the interval runs. */
        double offeredPerSecond(Duration interval) {
            return series * 1e9 / interval.toNanos();
        }

        List<String> toArgs() {
            return List.of("--series", Integer.toString(series), "--warmup-s", Long.toString(warmup.toSeconds()),
                    "--measure-s", Long.toString(measure.toSeconds()), "--sinks", Integer.toString(sinks),
                    "--rows-per-frame", Integer.toString(rowsPerFrame),
                    "--connections", Integer.toString(connections), "--interval-ms", Long.toString(interval.toMillis()),
                    "--ring-slots", Integer.toString(ringSlots), "--ring-mib", Long.toString(ringBytes >> 20),
                    "--backlog-mib", Long.toString(backlogBytes >> 20),
                    "--latency-interval-ms", Long.toString(latencyInterval.toMillis()),
                    "--latency-s", Long.toString(latency.toSeconds()), "--ledger", ledger,
                    "--ledger-window-mib", Long.toString(ledgerWindowBytes >> 20),
                    "--outage-s", Long.toString(outage.toSeconds()), "--recoveries", Integer.toString(recoveries));
        }
    }

    static final String HOST = "e2e-bench";
    private static final String SOURCE = "scrape";
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);

    private EndToEndThroughput() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i < argv.length; i += 2) {
            if (!argv[i].startsWith("--") || i + 1 == argv.length) {
                throw new IllegalArgumentException("argument: " + argv[i] + " (expected: --key value pairs)");
            }
            args.put(argv[i].substring(2), argv[i + 1]);
        }
        Params params = Params.parse(args);
        if (args.containsKey("child")) {
            int port = Integer.parseInt(args.get("port"));
            Path out = Path.of(args.get("out"));
            switch (args.get("child")) {
                case "courier" -> runCourier(params, port, out);
                case "java" -> runZabbixSenderJava(params, port, out);
                case "recovery" -> runRecovery(params, out);
                default -> throw new IllegalArgumentException("child: " + args.get("child")
                        + " (expected: courier, java or recovery)");
            }
            System.exit(0); // event loops and sender threads are daemons, but a stuck close must not keep it alive
        }
        if (args.containsKey("scaling")) {
            runScaling(params, Arrays.stream(args.get("scaling").split(",")).mapToInt(Integer::parseInt).toArray(),
                    Arrays.stream(args.getOrDefault("sinks-list", "1,3").split(",")).mapToInt(Integer::parseInt)
                            .toArray(), Path.of(args.getOrDefault("csv", "scaling.csv")));
        } else {
            runComparison(params);
        }
    }

    // ---- the parent: the receiver, the forks, the zabbix_sender processes, the table

    /** A receiver in this JVM and how to read its row count. */
    private record Receiver(int port, LongSupplier rows, AutoCloseable handle) implements AutoCloseable {
        static Receiver start(Params params) {
            if (params.receiver().equals("embedded")) {
                LongAdder rows = new LongAdder();
                ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create(0, key -> true,
                        (row, processed) -> rows.increment());
                return new Receiver(receiver.port(), rows::sum, receiver);
            }
            CountingTrapper trapper = CountingTrapper.create(params.receiverThreads());
            return new Receiver(trapper.port(), trapper::rows, trapper);
        }

        @Override
        public void close() throws Exception {
            handle.close();
        }
    }

    private static void runComparison(Params params) throws Exception {
        Path dir = Files.createTempDirectory("e2e-throughput");
        System.out.printf(Locale.ROOT, "end to end: %d series per scrape, %d sink(s) of %d rows per frame and %d "
                        + "connections, %d s warm-up + %d s measured, heap %s, JVM flags %s, ledger %s, receiver %s, "
                        + "%s, load average %.2f%n",
                params.series(), params.sinks(), params.rowsPerFrame(), params.connections(),
                params.warmup().toSeconds(), params.measure().toSeconds(), params.heap(),
                String.join(" ", params.jvmFlags()), params.ledger().equals("file")
                        ? "file (" + (params.ledgerWindowBytes() >> 20) + " MiB in memory per sink)" : params.ledger(),
                params.receiver(),
                System.getProperty("java.vm.version"), loadAverage());
        Map<String, Properties> results = new LinkedHashMap<>();
        for (String run : params.runs()) {
            // A receiver per run, so that the embedded one's kept rows do not pile up across runs.
            try (Receiver receiver = Receiver.start(params)) {
                long cpuBefore = processCpuNanos();
                long started = System.nanoTime();
                long rowsBefore = receiver.rows().getAsLong();
                Properties result = switch (run) {
                    case "courier" -> fork("courier", params, receiver.port(), dir);
                    case "courier-paced" -> fork("courier", params.withInterval(params.pacedInterval()),
                            receiver.port(), dir);
                    case "java" -> fork("java", params, receiver.port(), dir);
                    case "zabbix_sender" -> runZabbixSender(params, receiver, dir);
                    case "recovery" -> fork("recovery", params, receiver.port(), dir);
                    default -> throw new IllegalArgumentException("runs: " + run
                            + " (expected: courier, courier-paced, java, zabbix_sender, recovery)");
                };
                double seconds = (System.nanoTime() - started) / 1e9;
                result.setProperty("receiver_cpu_cores", fmt2((processCpuNanos() - cpuBefore) / 1e9 / seconds));
                result.setProperty("receiver_rows", Long.toString(receiver.rows().getAsLong() - rowsBefore));
                result.setProperty("load_average", fmt2(loadAverage()));
                results.put(run, result);
                System.out.printf(Locale.ROOT, "%-14s %,12.0f samples/s  %s%n", run,
                        Double.parseDouble(result.getProperty("samples_per_s")), result);
            }
        }
        System.out.println();
        System.out.println(comparisonTable(params, results));
    }

    private static String comparisonTable(Params params, Map<String, Properties> results) {
        double java = rate(results.get("java"));
        double c = rate(results.get("zabbix_sender"));
        StringBuilder t = new StringBuilder();
        t.append("| Sender | samples/s delivered | vs zabbix-sender-java | vs zabbix_sender | offered by the source | "
                + "lost (refused or dropped) | sender JVM CPU, cores | receiver CPU, cores | GC ms in window | "
                + "load average |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, Properties> e : results.entrySet()) {
            Properties p = e.getValue();
            double r = rate(p);
            String label = switch (e.getKey()) {
                case "courier" -> "courier, source collected every " + params.interval().toMillis() + " ms ("
                        + params.sinks() + " Zabbix sink" + (params.sinks() == 1 ? "" : "s") + ", "
                        + params.rowsPerFrame() + " rows x " + params.connections() + " connections)";
                case "courier-paced" -> String.format(Locale.ROOT, "courier, source paced every %d ms, at most "
                                + "%,.0f samples/s", params.pacedInterval().toMillis(),
                        params.offeredPerSecond(params.pacedInterval()));
                case "recovery" -> "courier, trapper's return to first delivery: " + p.getProperty("recovery_ms")
                        + " ms";
                case "java" -> "zabbix-sender-java 0.0.5 (" + params.connections() + " threads, "
                        + params.rowsPerFrame() + " rows per send)";
                default -> "zabbix_sender 6.0 (" + params.connections() + " processes, 250 rows per connection)";
            };
            t.append("| ").append(label)
                    .append(" | ").append(String.format(Locale.ROOT, "%,.0f", r))
                    .append(" | ").append(Double.isNaN(java) ? "n/a" : String.format(Locale.ROOT, "%.2fx", r / java))
                    .append(" | ").append(Double.isNaN(c) ? "n/a" : String.format(Locale.ROOT, "%.2fx", r / c))
                    .append(" | ").append(perSecond(p, "offered_per_s"))
                    .append(" | ").append(perSecond(p, "lost_per_s"))
                    .append(" | ").append(p.getProperty("cpu_cores", "n/a"))
                    .append(" | ").append(p.getProperty("receiver_cpu_cores"))
                    .append(" | ").append(p.getProperty("gc_ms", "n/a"))
                    .append(" | ").append(p.getProperty("load_average"))
                    .append(" |\n");
        }
        return t.toString();
    }

    private static String perSecond(Properties p, String property) {
        String value = p.getProperty(property);
        return value == null ? "n/a" : String.format(Locale.ROOT, "%,.0f/s", Double.parseDouble(value));
    }

    private static double rate(Properties p) {
        return p == null ? Double.NaN : Double.parseDouble(p.getProperty("samples_per_s"));
    }

    private static void runScaling(Params params, int[] seriesList, int[] sinksList, Path csv) throws Exception {
        Path dir = Files.createTempDirectory("e2e-scaling");
        System.out.printf(Locale.ROOT, "scaling: series %s, sinks %s, %d s warm-up + %d s saturated + %d s at one "
                        + "collect every %d ms, heap %s, JVM flags %s, %s, load average %.2f%n",
                Arrays.toString(seriesList),
                Arrays.toString(sinksList), params.warmup().toSeconds(), params.measure().toSeconds(),
                params.latency().toSeconds(), params.latencyInterval().toMillis(), params.heap(),
                String.join(" ", params.jvmFlags()),
                System.getProperty("java.vm.version"), loadAverage());
        List<String> lines = new ArrayList<>();
        lines.add("series,sinks,samples_per_s,rows_per_s,refused_per_s,cpu_cores,gc_ms,scrapes_measured,"
                + "scrape_p50_ms,scrape_max_ms,load_average,scrape_p99_ms,dropped,ledger");
        for (int sinks : sinksList) {
            for (int series : seriesList) {
                Params p = params.withSeriesAndSinks(series, sinks);
                Properties r;
                try (Receiver receiver = Receiver.start(p)) {
                    r = fork("courier", p, receiver.port(), dir);
                }
                String line = String.join(",", Integer.toString(series), Integer.toString(sinks),
                        r.getProperty("samples_per_s"), r.getProperty("rows_per_s"), r.getProperty("refused_per_s"),
                        r.getProperty("cpu_cores"), r.getProperty("gc_ms"), r.getProperty("scrapes_measured"),
                        r.getProperty("scrape_p50_ms"), r.getProperty("scrape_max_ms"), fmt2(loadAverage()),
                        r.getProperty("scrape_p99_ms"), r.getProperty("dropped"), p.ledger());
                lines.add(line);
                System.out.println(line);
                Files.write(csv, lines, StandardCharsets.UTF_8);
            }
        }
    }

    /** Runs {@code kind} in a fresh JVM and reads back what it wrote. */
    private static Properties fork(String kind, Params params, int port, Path dir) throws Exception {
        Path out = dir.resolve(kind + "-" + params.series() + "-" + params.sinks() + ".properties");
        String jar = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx" + params.heap());
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        // One WARN per skipped tick would flood: a 1 ms interval skips almost every tick by design.
        command.add("-Dorg.slf4j.simpleLogger.log.dev.concierge.courier.core.pipeline.SourceScheduler=error");
        command.addAll(params.jvmFlags());
        command.add("-cp");
        command.add(kind.equals("java") ? jar + File.pathSeparator + zabbixSenderJavaClassPath(jar) : jar);
        command.add(EndToEndThroughput.class.getName());
        command.addAll(params.toArgs());
        command.addAll(List.of("--child", kind, "--port", Integer.toString(port), "--out", out.toString()));
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("fork " + kind + " exited with " + exit);
        }
        Properties result = new Properties();
        try (Reader r = Files.newBufferedReader(out)) {
            result.load(r);
        }
        return result;
    }

    /** The jars beside benchmarks.jar in {@code zabbix-sender-java/}, which the build copies there. */
    private static String zabbixSenderJavaClassPath(String benchmarksJar) throws IOException {
        Path lib = Path.of(benchmarksJar).toAbsolutePath().getParent().resolve("zabbix-sender-java");
        try (var files = Files.list(lib)) {
            return String.join(File.pathSeparator, files.map(Path::toString).sorted().toList());
        }
    }

    /** {@code --connections} zabbix_sender processes at a time over the warm-up and the window. */
    private static Properties runZabbixSender(Params params, Receiver receiver, Path dir) throws Exception {
        Path input = dir.resolve("zabbix_sender-" + params.series() + ".txt");
        ZabbixSenderLineWriter writer = new ZabbixSenderLineWriter(HOST);
        StringBuilder text = new StringBuilder();
        int lines = 0;
        for (Sample sample : parse(params.series())) {
            lines += writer.append(text, sample) == ZabbixSenderLineWriter.Line.WRITTEN ? 1 : 0;
        }
        Files.writeString(input, text);
        List<String> command = List.of("zabbix_sender", "-z", "127.0.0.1", "-p", Integer.toString(receiver.port()),
                "-T", "-N", "-i", input.toString());
        long from = System.nanoTime() + params.warmup().toNanos();
        long until = from + params.measure().toNanos();
        AtomicLong runs = new AtomicLong();
        AtomicLong failedRuns = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < params.connections(); i++) {
            Thread worker = new Thread(() -> {
                while (System.nanoTime() - until < 0) {
                    try {
                        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                        (process.waitFor() == 0 ? runs : failedRuns).incrementAndGet();
                    } catch (IOException e) {
                        failedRuns.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "zabbix_sender-" + i);
            worker.start();
            workers.add(worker);
        }
        sleepUntil(from);
        long rowsFrom = receiver.rows().getAsLong();
        sleepUntil(until);
        long rows = receiver.rows().getAsLong() - rowsFrom;
        for (Thread worker : workers) {
            worker.join();
        }
        Properties result = new Properties();
        result.setProperty("samples_per_s", fmt2(rows / seconds(params.measure())));
        result.setProperty("file_lines", Integer.toString(lines));
        result.setProperty("processes_run", Long.toString(runs.get()));
        result.setProperty("processes_failed", Long.toString(failedRuns.get()));
        return result;
    }

    // ---- child: the courier

    private static DeliveryLedger ledger(Params params, Path dir) {
        return switch (params.ledger()) {
            case "file" -> FileDeliveryLedger.open(dir, Clock.systemUTC(),
                    FileDeliveryLedger.Options.defaults().withMemoryWindowBytes(params.ledgerWindowBytes()));
            case "memory" -> new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
            default -> throw new IllegalArgumentException("ledger: " + params.ledger() + " (expected: file or memory)");
        };
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void runCourier(Params params, int port, Path out) throws Exception {
        Path ledgerDir = Files.createTempDirectory("e2e-ledger");
        byte[] payload = ScrapePayloads.prometheus(params.series());
        ScrapeTimer timer = new ScrapeTimer();
        List<SinkSpec> sinks = new ArrayList<>();
        for (int i = 0; i < params.sinks(); i++) {
            ZabbixSinkConfig config = ZabbixSinkConfig.of("zabbix-" + i, "127.0.0.1", port)
                    .withMaxRowsPerFrame(params.rowsPerFrame()).withMaxInFlight(params.connections());
            Sink sink = ZabbixSink.create(config);
            sinks.add(new SinkSpec(params.latency().isZero() ? sink : new TimedSink(sink, timer),
                    FullJitterBackoff.of(Duration.ofMillis(100), Duration.ofSeconds(5), 2), params.backlogBytes()));
        }
        Pipeline pipeline = Pipeline.create(MultiProducerBroadcastRing.create(params.ringSlots(), params.ringBytes()),
                ledger(params, ledgerDir),
                List.of(scheduled(payload, params.interval())), sinks, Clock.systemUTC());
        pipeline.start();

        Thread.sleep(params.warmup().toMillis());
        Snapshot before = Snapshot.take(pipeline);
        Thread.sleep(params.measure().toMillis());
        Snapshot after = Snapshot.take(pipeline);

        double window = (after.nanos - before.nanos) / 1e9;
        Properties result = new Properties();
        long delivered = after.delivered - before.delivered;
        result.setProperty("samples_per_s", fmt2(delivered / window / params.sinks()));
        result.setProperty("rows_per_s", fmt2(delivered / window));
        result.setProperty("refused_per_s", fmt2((after.refused - before.refused) / window));
        result.setProperty("accepted_per_s", fmt2((after.accepted - before.accepted) / window));
        // What the source parsed and offered to the ring: with a paced --interval-ms, the load asked of the
        // pipeline; it sustains that load when it delivers it all and loses nothing.
        long offered = after.accepted - before.accepted + after.refused - before.refused;
        result.setProperty("offered_per_s", fmt2(offered / window));
        result.setProperty("lost_per_s", fmt2((after.refused - before.refused + after.dropped - before.dropped)
                / window));
        result.setProperty("collects", Long.toString(after.runs - before.runs));
        result.setProperty("cpu_cores", fmt2((after.cpuNanos - before.cpuNanos) / 1e9 / window));
        result.setProperty("gc_ms", Long.toString(after.gcMillis - before.gcMillis));
        result.setProperty("gc_count", Long.toString(after.gcCount - before.gcCount));
        result.setProperty("retries", Long.toString(after.retries - before.retries));
        // Per row delivered, the work spent on samples the ring refused or a backlog dropped included.
        result.setProperty("cpu_us_per_row", fmt2((after.cpuNanos - before.cpuNanos) / 1e3 / Math.max(1, delivered)));
        result.setProperty("alloc_bytes_per_row", fmt2((double) (after.allocated - before.allocated)
                / Math.max(1, delivered)));
        result.setProperty("dropped", Long.toString(after.dropped - before.dropped));

        if (!params.latency().isZero()) {
            // Second phase: the same exposition at a steady interval, each scrape timed to its last answer.
            pipeline.removeSource(SOURCE, Duration.ofSeconds(5));
            long drainUntil = System.nanoTime() + DRAIN_LIMIT.toNanos();
            while (pipeline.sinkStats().values().stream().anyMatch(s -> s.pending() > 0)
                    && System.nanoTime() - drainUntil < 0) {
                Thread.sleep(10);
            }
            timer.start(params.series() * (long) params.sinks());
            pipeline.addSource(scheduled(payload, params.latencyInterval()));
            Thread.sleep(params.latency().toMillis());
            pipeline.removeSource(SOURCE, Duration.ofSeconds(5));
            timer.stop();
            Thread.sleep(Math.min(5000, params.latencyInterval().toMillis())); // the last scrape's answers
            long[] complete = timer.completed();
            result.setProperty("scrapes_measured", Integer.toString(complete.length));
            result.setProperty("scrapes_incomplete", Integer.toString(timer.incomplete()));
            result.setProperty("scrape_p50_ms", complete.length == 0 ? "NaN" : fmt2(complete[complete.length / 2] / 1e6));
            result.setProperty("scrape_p99_ms", complete.length == 0 ? "NaN"
                    : fmt2(complete[Math.min(complete.length - 1, (int) Math.ceil(complete.length * 0.99) - 1)] / 1e6));
            result.setProperty("scrape_max_ms", complete.length == 0 ? "NaN" : fmt2(complete[complete.length - 1] / 1e6));
        }
        pipeline.stop(Duration.ofSeconds(2));
        deleteRecursively(ledgerDir);
        try (Writer w = Files.newBufferedWriter(out)) {
            result.store(w, null);
        }
    }

    /**
     * The time from a destination's return to the first delivery, with the backoff of {@code courier run}'s
     * defaults (500 ms doubling to 60 s, full jitter): a Zabbix sink whose trapper is down for
     * {@code --outage-s} (the sink fails and backs off), then a trapper starts on its port, and the time until it
     * has answered the first row is taken, {@code --recoveries} times. The source collects {@code --series}
     * every {@code --latency-interval-ms}.
     */
    private static void runRecovery(Params params, Path out) throws Exception {
        Path ledgerDir = Files.createTempDirectory("e2e-ledger");
        byte[] payload = ScrapePayloads.prometheus(params.series());
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        ZabbixSinkConfig config = ZabbixSinkConfig.of("zabbix-0", "127.0.0.1", port)
                .withMaxRowsPerFrame(params.rowsPerFrame()).withMaxInFlight(params.connections());
        Pipeline pipeline = Pipeline.create(MultiProducerBroadcastRing.create(params.ringSlots(), params.ringBytes()),
                ledger(params, ledgerDir), List.of(scheduled(payload, params.latencyInterval())),
                List.of(new SinkSpec(ZabbixSink.create(config),
                        FullJitterBackoff.of(Duration.ofMillis(500), Duration.ofSeconds(60), 2), params.backlogBytes())),
                Clock.systemUTC());
        pipeline.start();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < params.recoveries(); i++) {
            Thread.sleep(params.outage().toMillis());
            long failuresBefore = pipeline.sinkStats().get("zabbix-0").retries();
            long up = System.nanoTime();
            try (CountingTrapper trapper = CountingTrapper.create(1, port)) {
                while (trapper.rows() == 0 && System.nanoTime() - up < TimeUnit.SECONDS.toNanos(120)) {
                    Thread.sleep(1);
                }
                millis.add(trapper.rows() == 0 ? -1 : (System.nanoTime() - up) / 1_000_000);
                System.out.printf(Locale.ROOT, "recovery %d: first row answered %d ms after the trapper came back "
                        + "(%d failed attempts during the outage)%n", i + 1, millis.get(millis.size() - 1),
                        failuresBefore);
                Thread.sleep(2000); // delivers the backlog before the next outage
            }
        }
        pipeline.stop(Duration.ofSeconds(2));
        deleteRecursively(ledgerDir);
        Properties result = new Properties();
        result.setProperty("samples_per_s", "NaN");
        List<Long> sorted = millis.stream().sorted().toList();
        result.setProperty("recovery_ms", sorted.toString());
        result.setProperty("recovery_median_ms", Long.toString(sorted.get(sorted.size() / 2)));
        try (Writer w = Files.newBufferedWriter(out)) {
            result.store(w, null);
        }
    }

    private static ScheduledSource scheduled(byte[] payload, Duration interval) {
        PrometheusConfig config = PrometheusConfig.of(SOURCE, URI.create("http://127.0.0.1/metrics"))
                .withTimeout(interval).withInterval(interval).withHost(HOST);
        return new ScheduledSource(new PrometheusScrapeSource(config, new PayloadFetcher(payload), Clock.systemUTC()),
                interval);
    }

    /** What the window is measured between. */
    private record Snapshot(long nanos, long delivered, long accepted, long refused, long runs, long retries,
                            long dropped, long cpuNanos, long gcMillis, long gcCount, long allocated) {
        static Snapshot take(Pipeline pipeline) {
            long delivered = 0;
            long retries = 0;
            long dropped = 0;
            for (SinkStats s : pipeline.sinkStats().values()) {
                delivered += s.delivered();
                retries += s.retries();
                dropped += s.dropped();
            }
            SourceStats source = pipeline.sourceStats().get(SOURCE);
            long gcMillis = 0;
            long gcCount = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                gcMillis += Math.max(0, gc.getCollectionTime());
                gcCount += Math.max(0, gc.getCollectionCount());
            }
            return new Snapshot(System.nanoTime(), delivered, source.accepted(), source.refused(), source.runs(),
                    retries, dropped, processCpuNanos(), gcMillis, gcCount, allocatedBytes());
        }
    }

    /** Hands back the same exposition every time, as a scrape of an unchanging exporter would. */
    private record PayloadFetcher(byte[] payload) implements DocumentFetcher {
        @Override
        public String location() {
            return "memory:" + payload.length + "-bytes";
        }

        @Override
        public long maxBytes() {
            return payload.length;
        }

        @Override
        public byte[] fetch() {
            return payload;
        }

        @Override
        public FetchedDocument fetchDocument() {
            return new FetchedDocument(payload, "text/plain; version=0.0.4; charset=utf-8");
        }
    }

    /**
     * For every scrape instant, how many of its rows were answered and when the last answer came. Samples of one
     * collect share its instant (the exposition carries no timestamps).
     */
    static final class ScrapeTimer {
        private final Map<Long, long[]> scrapes = new ConcurrentHashMap<>(); // instant -> {rows, last epoch ns}
        private final AtomicBoolean on = new AtomicBoolean();
        private volatile long expectedRows;

        void start(long rowsPerScrape) {
            expectedRows = rowsPerScrape;
            on.set(true);
        }

        void stop() {
            on.set(false);
        }

        void answered(long scrapeEpochNanos, int rows, long atEpochNanos) {
            if (!on.get() && !scrapes.containsKey(scrapeEpochNanos)) {
                return;
            }
            scrapes.compute(scrapeEpochNanos, (k, v) -> {
                long[] s = v == null ? new long[2] : v;
                s[0] += rows;
                s[1] = Math.max(s[1], atEpochNanos);
                return s;
            });
        }

        /** Scrape-to-last-answer times of the complete scrapes, sorted, in nanoseconds. */
        long[] completed() {
            return scrapes.entrySet().stream().filter(e -> e.getValue()[0] == expectedRows)
                    .mapToLong(e -> e.getValue()[1] - e.getKey()).sorted().toArray();
        }

        int incomplete() {
            return (int) scrapes.values().stream().filter(s -> s[0] != expectedRows).count();
        }
    }

    /** Passes every call to {@code sink} and tells the timer, per scrape instant, which rows were answered. */
    private static final class TimedSink implements Sink {
        private final Sink sink;
        private final ScrapeTimer timer;

        TimedSink(Sink sink, ScrapeTimer timer) {
            this.sink = sink;
            this.timer = timer;
        }

        @Override
        public String name() {
            return sink.name();
        }

        @Override
        public int maxBatchSize() {
            return sink.maxBatchSize();
        }

        @Override
        public int maxInFlight() {
            return sink.maxInFlight();
        }

        @Override
        public CompletionStage<DeliveryOutcome> send(Batch batch) {
            return sink.send(batch).whenComplete((outcome, error) -> {
                if (!(outcome instanceof DeliveryOutcome.Delivered)) {
                    return;
                }
                Instant now = Instant.now();
                long at = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                long current = Long.MIN_VALUE;
                int rows = 0;
                for (Sample sample : batch.samples()) {
                    long instant = sample.epochSecond() * 1_000_000_000L + sample.nanos();
                    if (instant != current) {
                        if (rows > 0) {
                            timer.answered(current, rows, at);
                        }
                        current = instant;
                        rows = 0;
                    }
                    rows++;
                }
                if (rows > 0) {
                    timer.answered(current, rows, at);
                }
            });
        }

        @Override
        public void close() {
            sink.close();
        }
    }

    // ---- child: zabbix-sender-java

    private static void runZabbixSenderJava(Params params, int port, Path out) throws Exception {
        List<DataObject> all = new ArrayList<>();
        for (Sample sample : parse(params.series())) {
            Row row = Row.of(sample, HOST);
            all.add(new DataObject(row.clock(), row.host(), row.key(), row.value()));
        }
        List<List<DataObject>> chunks = new ArrayList<>();
        for (int from = 0; from < all.size(); from += params.rowsPerFrame()) {
            chunks.add(all.subList(from, Math.min(all.size(), from + params.rowsPerFrame())));
        }
        long from = System.nanoTime() + params.warmup().toNanos();
        long until = from + params.measure().toNanos();
        AtomicInteger next = new AtomicInteger();
        LongAdder processed = new LongAdder();
        LongAdder failures = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < params.connections(); i++) {
            Thread thread = new Thread(() -> {
                ZabbixSender sender = new ZabbixSender("127.0.0.1", port);
                while (System.nanoTime() - until < 0) {
                    List<DataObject> chunk = chunks.get(Math.floorMod(next.getAndIncrement(), chunks.size()));
                    try {
                        SenderResult result = sender.send(chunk);
                        long now = System.nanoTime();
                        if (now - from >= 0 && now - until < 0) {
                            processed.add(result.getProcessed());
                        }
                    } catch (IOException | RuntimeException e) {
                        failures.increment();
                    }
                }
            }, "zabbix-sender-java-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        sleepUntil(from);
        long cpuFrom = processCpuNanos();
        long gcFrom = gcMillis();
        sleepUntil(until);
        long cpu = processCpuNanos() - cpuFrom;
        long gc = gcMillis() - gcFrom;
        for (Thread thread : threads) {
            thread.join(5000);
        }
        Properties result = new Properties();
        result.setProperty("samples_per_s", fmt2(processed.sum() / seconds(params.measure())));
        result.setProperty("cpu_cores", fmt2(cpu / 1e9 / seconds(params.measure())));
        result.setProperty("gc_ms", Long.toString(gc));
        result.setProperty("failures", Long.toString(failures.sum()));
        try (Writer w = Files.newBufferedWriter(out)) {
            result.store(w, null);
        }
    }

    // ---- shared

    /** The exposition's samples as the courier's source offers them: non-finite values left out. */
    static List<Sample> parse(int series) {
        List<Sample> samples = new ArrayList<>();
        for (Sample s : new PrometheusTextParser().parse(ScrapePayloads.prometheus(series),
                PrometheusFormat.TEXT_0_0_4, Instant.now(), HOST, SOURCE).samples()) {
            if (!(s.value() instanceof SampleValue.Decimal d) || d.isFinite()) {
                samples.add(s);
            }
        }
        return samples;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Bytes allocated on the heap by every live thread so far. */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
