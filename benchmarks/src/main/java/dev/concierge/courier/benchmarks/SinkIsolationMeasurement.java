package dev.concierge.courier.benchmarks;

import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.sinks.zabbix.ZabbixSink;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows whether one sink being down delays delivery to the others. A {@link Pipeline} with one source and a
 * healthy {@link ZabbixSink} sending to a {@link ZabbixTrapperReceiver} on 127.0.0.1 runs in each of these
 * setups, with production defaults (65,536-slot, 64 MiB ring; 64 MiB backlog per sink; 4 connections per
 * sink) and {@code FullJitterBackoff.of(500ms, 60s, 2)} on every sink:
 * <ul>
 *   <li>(a) the healthy sink alone: the baseline;</li>
 *   <li>(b) plus a second Zabbix sink to a server that accepts connections, reads and never answers
 *       (read timeout 2 s);</li>
 *   <li>(c) plus a second Zabbix sink to a closed port (connection refused);</li>
 *   <li>(d) plus a second healthy sink to its own receiver: a control that separates the cost of having a
 *       second sink at all from the cost of that sink being down.</li>
 * </ul>
 *
 * <p>The source emits {@code --per-tick} samples every {@code --interval-ms}, each carrying
 * {@link System#nanoTime()} read just before it is offered as its value. The healthy receiver's listener
 * reads the value back and records {@code nanoTime() - value} for every row whose emission falls inside the
 * measurement window. After the window the source goes quiet and the run waits (at most 5 s) for every
 * measured row to arrive; rows still missing then are reported, not hidden.
 *
 * <p>Between setups, the comparison is at the mercy of the machine: a stall of the whole JVM hits whichever
 * setup runs at the time. So in (b) and (c) the rows are also split within the same run: those emitted while
 * the failing sink had an attempt under way (from its {@code send} call, which builds the rows, to its
 * outcome, plus {@value #ATTEMPT_MARGIN_MS} ms for the worker to settle it) against all the others.
 *
 * <p><b>Why not JMH.</b> The load is open: samples arrive at a fixed rate whatever the sinks do, as metrics
 * do, and the dead sink's backlog grows the whole time. The latency is measured per row on the receiver's
 * thread, not around a call on the benchmark thread, and JMH has no way to take such a measurement. A
 * closed-loop {@code @Benchmark} (emit, wait for the rows) would stall the load whenever delivery stalls,
 * hiding exactly the delays this is looking for, and its throughput would only be the inverse of its
 * latency. JMH's forks are kept: every setup and round runs in a fresh JVM, and rounds alternate the order.
 *
 * <p>Run it with {@code scripts/bench-isolation.sh}; options are {@code --key value} pairs, see
 * {@link Params}.
 */
public final class SinkIsolationMeasurement {

    /** The setups, in the order the results table lists them. */
    enum Setup {
        ALONE("(a) healthy sink alone (baseline)"),
        SILENT("(b) + sink to a server that never answers"),
        REFUSED("(c) + sink to a closed port"),
        TWO_HEALTHY("(d) + second healthy sink (control)");

        final String label;

        Setup(String label) {
            this.label = label;
        }
    }

    /**
     * What one invocation measures.
     *
     * @param warmup      how long each JVM runs before its measurement window ({@code --warmup-s})
     * @param measure     the measurement window of each round ({@code --measure-s})
     * @param rounds      how many times each setup runs, each time in a fresh JVM ({@code --rounds})
     * @param interval    how often the source emits ({@code --interval-ms})
     * @param perTick     samples emitted at each interval ({@code --per-tick})
     * @param readTimeout the read timeout of the second sink in (b) ({@code --read-timeout-ms})
     * @param setups      which setups to run ({@code --setups alone,silent,refused,two_healthy})
     * @param jvmFlags    extra flags for every fork, space-separated ({@code --jvm-flags "-Xlog:gc"})
     */
    record Params(Duration warmup, Duration measure, int rounds, Duration interval, int perTick,
                  Duration readTimeout, List<Setup> setups, List<String> jvmFlags) {

        static Params parse(Map<String, String> args) {
            List<Setup> setups = new ArrayList<>();
            for (String name : args.getOrDefault("setups", "alone,silent,refused,two_healthy").split(",")) {
                setups.add(Setup.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            }
            return new Params(
                    Duration.ofSeconds(Long.parseLong(args.getOrDefault("warmup-s", "5"))),
                    Duration.ofSeconds(Long.parseLong(args.getOrDefault("measure-s", "12"))),
                    Integer.parseInt(args.getOrDefault("rounds", "2")),
                    Duration.ofMillis(Long.parseLong(args.getOrDefault("interval-ms", "10"))),
                    Integer.parseInt(args.getOrDefault("per-tick", "50")),
                    Duration.ofMillis(Long.parseLong(args.getOrDefault("read-timeout-ms", "2000"))),
                    List.copyOf(setups),
                    Arrays.stream(args.getOrDefault("jvm-flags", "").trim().split("\\s+"))
                            .filter(f -> !f.isEmpty()).toList());
        }

        List<String> toArgs() {
            return List.of("--warmup-s", Long.toString(warmup.toSeconds()),
                    "--measure-s", Long.toString(measure.toSeconds()),
                    "--rounds", Integer.toString(rounds),
                    "--interval-ms", Long.toString(interval.toMillis()),
                    "--per-tick", Integer.toString(perTick),
                    "--read-timeout-ms", Long.toString(readTimeout.toMillis()));
        }

        double offeredRowsPerSecond() {
            return perTick * 1e9 / interval.toNanos();
        }
    }

    private static final String HOST = "isolation-bench";
    private static final long RING_BYTES = 64L << 20;
    private static final int RING_SLOTS = 65_536;
    private static final long BACKLOG_BYTES = 64L << 20;
    private static final Duration ARRIVAL_GRACE = Duration.ofSeconds(5);
    static final long ATTEMPT_MARGIN_MS = 50;
    private static final List<String> CHILD_JVM_FLAGS = List.of("-Xms512m", "-Xmx512m",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.showDateTime=true");

    private SinkIsolationMeasurement() {
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
        if (args.containsKey("run")) {
            runOne(Setup.valueOf(args.get("run")), params, Path.of(args.get("out")));
            // The sinks' event loops are daemon threads, but do not let a stuck close keep the fork alive.
            System.exit(0);
        }
        runAll(params);
    }

    // ---- the parent: forks one JVM per setup and round, then pools and compares

    private static void runAll(Params params) throws Exception {
        Path dir = Files.createTempDirectory("sink-isolation");
        Map<Setup, List<RoundResult>> results = new LinkedHashMap<>();
        params.setups().forEach(s -> results.put(s, new ArrayList<>()));
        System.out.printf(Locale.ROOT, "sink isolation: %d rows every %d ms (%.0f rows/s), %d s warm-up + %d s "
                        + "measured per round, %d rounds, %s%n", params.perTick(), params.interval().toMillis(),
                params.offeredRowsPerSecond(), params.warmup().toSeconds(), params.measure().toSeconds(),
                params.rounds(), System.getProperty("java.vm.version"));
        for (int round = 1; round <= params.rounds(); round++) {
            List<Setup> order = new ArrayList<>(params.setups());
            if (round % 2 == 0) {
                Collections.reverse(order); // alternate so that drift in machine load hits all setups
            }
            for (Setup setup : order) {
                Path out = dir.resolve(setup.name().toLowerCase(Locale.ROOT) + "-" + round);
                fork(setup, params, out);
                RoundResult result = RoundResult.read(out, round);
                results.get(setup).add(result);
                System.out.printf(Locale.ROOT, "round %d %-38s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  %s%n",
                        round, setup.label, ms(result.percentile(0.50)), ms(result.percentile(0.99)),
                        ms(result.percentile(1.0)), result.summary());
            }
        }
        System.out.println();
        System.out.println(table(params, results));
    }

    private static void fork(Setup setup, Params params, Path out) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(CHILD_JVM_FLAGS);
        command.addAll(params.jvmFlags());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SinkIsolationMeasurement.class.getName());
        command.addAll(params.toArgs());
        command.addAll(List.of("--run", setup.name(), "--out", out.toString()));
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("fork for " + setup + " exited with " + exit);
        }
    }

    private static String table(Params params, Map<Setup, List<RoundResult>> results) {
        StringBuilder t = new StringBuilder();
        long[] baseline = results.containsKey(Setup.ALONE) ? pooled(results.get(Setup.ALONE)) : null;
        t.append("| Setup | rows measured | p50 ms | p99 ms | p99.9 ms | max ms | p50 vs (a) | p99 vs (a) "
                + "| max vs (a) | p99 per round, ms | delivered rows/s | JVM CPU, cores | GC ms/round | "
                + "second sink: failed attempts / samples owed at end |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<Setup, List<RoundResult>> e : results.entrySet()) {
            List<RoundResult> rounds = e.getValue();
            long[] all = pooled(rounds);
            StringBuilder perRound = new StringBuilder();
            StringBuilder second = new StringBuilder();
            double rate = 0;
            double cpu = 0;
            double gc = 0;
            long missing = 0;
            long skipped = 0;
            for (RoundResult r : rounds) {
                perRound.append(perRound.length() == 0 ? "" : " / ").append(fmt(ms(r.percentile(0.99))));
                second.append(second.length() == 0 ? "" : "; ").append(r.secondSinkNote());
                rate += r.measured() / r.windowSeconds() / rounds.size();
                cpu += r.cpuCores() / rounds.size();
                gc += r.gcMillis() / (double) rounds.size();
                missing += r.missing();
                skipped += r.ticksSkipped();
            }
            t.append("| ").append(e.getKey().label)
                    .append(" | ").append(all.length).append(missing == 0 ? "" : " (" + missing + " missing)")
                    .append(" | ").append(fmt(ms(percentile(all, 0.50))))
                    .append(" | ").append(fmt(ms(percentile(all, 0.99))))
                    .append(" | ").append(fmt(ms(percentile(all, 0.999))))
                    .append(" | ").append(fmt(ms(percentile(all, 1.0))))
                    .append(" | ").append(ratio(all, baseline, 0.50))
                    .append(" | ").append(ratio(all, baseline, 0.99))
                    .append(" | ").append(ratio(all, baseline, 1.0))
                    .append(" | ").append(perRound)
                    .append(" | ").append(String.format(Locale.ROOT, "%.0f", rate))
                    .append(skipped == 0 ? "" : " (" + skipped + " ticks skipped)")
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f", cpu))
                    .append(" | ").append(String.format(Locale.ROOT, "%.0f", gc))
                    .append(" | ").append(e.getKey() == Setup.ALONE ? "n/a" : second)
                    .append(" |\n");
        }
        t.append("\n| Setup | failing sink's attempts in window | rows emitted during an attempt | p50 / p99 / max "
                + "ms during | rows emitted outside | p50 / p99 / max ms outside | p99 during vs outside |\n");
        t.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (Setup setup : List.of(Setup.SILENT, Setup.REFUSED)) {
            List<RoundResult> rounds = results.get(setup);
            if (rounds == null) {
                continue;
            }
            long[] during = rounds.stream().flatMapToLong(r -> Arrays.stream(r.duringAttempts())).sorted().toArray();
            long[] outside = rounds.stream().flatMapToLong(r -> Arrays.stream(r.outsideAttempts())).sorted().toArray();
            t.append("| ").append(setup.label)
                    .append(" | ").append(rounds.stream().mapToLong(RoundResult::attemptsInWindow).sum())
                    .append(" | ").append(during.length)
                    .append(" | ").append(threePercentiles(during))
                    .append(" | ").append(outside.length)
                    .append(" | ").append(threePercentiles(outside))
                    .append(" | ").append(ratio(during, outside, 0.99))
                    .append(" |\n");
        }
        t.append(String.format(Locale.ROOT, "%nOffered: %.0f rows/s. Latency = emission (nanoTime as the sample is "
                + "offered) to the row reaching the healthy receiver's listener, every row of every round pooled.",
                params.offeredRowsPerSecond()));
        return t.toString();
    }

    private static String threePercentiles(long[] sorted) {
        return sorted.length == 0 ? "-" : fmt(ms(percentile(sorted, 0.50))) + " / " + fmt(ms(percentile(sorted, 0.99)))
                + " / " + fmt(ms(percentile(sorted, 1.0)));
    }

    private static long[] pooled(List<RoundResult> rounds) {
        long[] all = rounds.stream().flatMapToLong(r -> Arrays.stream(r.latencies())).toArray();
        Arrays.sort(all);
        return all;
    }

    private static String ratio(long[] sorted, long[] baseline, double q) {
        if (baseline == null || baseline.length == 0 || sorted.length == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2fx", (double) percentile(sorted, q) / percentile(baseline, q));
    }

    /** Nearest rank: the smallest value with at least {@code q} of the values at or below it. */
    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, ms < 10 ? "%.2f" : "%.1f", ms);
    }

    /** One setup's round, as the fork wrote it: sorted latencies in nanoseconds and a few counts. */
    record RoundResult(int round, long[] latencies, long[] duringAttempts, long[] outsideAttempts,
                       Properties counts) {

        static RoundResult read(Path out, int round) throws IOException {
            Properties counts = new Properties();
            try (Reader in = Files.newBufferedReader(out.resolveSibling(out.getFileName() + ".properties"))) {
                counts.load(in);
            }
            long[] latencies;
            long[] during;
            long[] outside;
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                    Files.newInputStream(out.resolveSibling(out.getFileName() + ".bin"))))) {
                int n = in.readInt();
                latencies = new long[n];
                during = new long[n];
                outside = new long[n];
                int d = 0;
                int o = 0;
                for (int i = 0; i < n; i++) {
                    latencies[i] = in.readLong();
                    if (in.readBoolean()) {
                        during[d++] = latencies[i];
                    } else {
                        outside[o++] = latencies[i];
                    }
                }
                during = Arrays.copyOf(during, d);
                outside = Arrays.copyOf(outside, o);
            }
            Arrays.sort(latencies);
            Arrays.sort(during);
            Arrays.sort(outside);
            return new RoundResult(round, latencies, during, outside, counts);
        }

        long percentile(double q) {
            return SinkIsolationMeasurement.percentile(latencies, q);
        }

        long measured() {
            return latencies.length;
        }

        long missing() {
            return Long.parseLong(counts.getProperty("emitted")) - latencies.length;
        }

        double windowSeconds() {
            return Double.parseDouble(counts.getProperty("window_s"));
        }

        double cpuCores() {
            return Double.parseDouble(counts.getProperty("cpu_cores"));
        }

        long gcMillis() {
            return Long.parseLong(counts.getProperty("gc_ms"));
        }

        String secondSinkNote() {
            return counts.getProperty("second_failures", "-") + " / " + counts.getProperty("second_pending", "-");
        }

        long attemptsInWindow() {
            return Long.parseLong(counts.getProperty("attempts_in_window"));
        }

        long ticksSkipped() {
            return Long.parseLong(counts.getProperty("ticks_skipped"));
        }

        String summary() {
            return String.format(Locale.ROOT, "rows %d, missing %d, ticks skipped %d, healthy retries %s, second "
                            + "sink failed/owed %s; window %s ms of uptime, slowest: %s", latencies.length, missing(),
                    ticksSkipped(), counts.getProperty("healthy_retries"), secondSinkNote(),
                    counts.getProperty("window_ms"), counts.getProperty("slowest"));
        }
    }

    // ---- the fork: one setup, one round

    private static void runOne(Setup setup, Params params, Path out) throws Exception {
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8,
                (long) (params.offeredRowsPerSecond() * params.measure().toSeconds() * 2) + 1024);
        LatencyRecorder recorder = new LatencyRecorder(capacity);
        ProbeSource source = new ProbeSource(params.perTick());
        FullJitterBackoff backoff = FullJitterBackoff.of(Duration.ofMillis(500), Duration.ofSeconds(60), 2);
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create(0, key -> true, recorder);
             ZabbixTrapperReceiver secondReceiver = setup == Setup.TWO_HEALTHY ? ZabbixTrapperReceiver.create() : null;
             SilentServer silent = setup == Setup.SILENT ? SilentServer.create() : null) {
            List<SinkSpec> sinks = new ArrayList<>();
            sinks.add(new SinkSpec(ZabbixSink.create(ZabbixSinkConfig.of("healthy", "127.0.0.1", receiver.port())),
                    backoff, BACKLOG_BYTES));
            ZabbixSinkConfig second = switch (setup) {
                case ALONE -> null;
                case SILENT -> ZabbixSinkConfig.of("second", "127.0.0.1", silent.port())
                        .withTimeouts(ZabbixSinkConfig.DEFAULT_CONNECT_TIMEOUT, params.readTimeout());
                case REFUSED -> ZabbixSinkConfig.of("second", "127.0.0.1", closedPort());
                case TWO_HEALTHY -> ZabbixSinkConfig.of("second", "127.0.0.1", secondReceiver.port());
            };
            AttemptTimingSink failing = null;
            if (second != null) {
                Sink sink = ZabbixSink.create(second);
                if (setup == Setup.SILENT || setup == Setup.REFUSED) {
                    sink = failing = new AttemptTimingSink(sink);
                }
                sinks.add(new SinkSpec(sink, backoff, BACKLOG_BYTES));
            }
            Pipeline pipeline = Pipeline.create(MultiProducerBroadcastRing.create(RING_SLOTS, RING_BYTES),
                    new InMemoryDeliveryLedger(Clock.systemUTC(), 10_000),
                    List.of(new ScheduledSource(source, params.interval())), sinks, Clock.systemUTC());

            long from = System.nanoTime() + params.warmup().toNanos();
            long until = from + params.measure().toNanos();
            recorder.window(from, until);
            source.window(from, until);
            pipeline.start();

            sleepUntil(from);
            long cpuFrom = processCpuNanos();
            long gcFrom = gcMillis();
            sleepUntil(until);
            long cpuUsed = processCpuNanos() - cpuFrom;
            long gcUsed = gcMillis() - gcFrom;
            source.quiet();
            long graceUntil = System.nanoTime() + ARRIVAL_GRACE.toNanos();
            while (recorder.count() < source.emitted() && System.nanoTime() - graceUntil < 0) {
                Thread.sleep(10);
            }

            Properties counts = new Properties();
            counts.setProperty("setup", setup.name());
            counts.setProperty("emitted", Long.toString(source.emitted()));
            counts.setProperty("refused_by_ring", Long.toString(source.refused()));
            counts.setProperty("window_s", Double.toString(params.measure().toNanos() / 1e9));
            counts.setProperty("cpu_cores", Double.toString((double) cpuUsed / params.measure().toNanos()));
            counts.setProperty("gc_ms", Long.toString(gcUsed));
            counts.setProperty("window_ms", uptimeMillis(from) + "-" + uptimeMillis(until));
            counts.setProperty("slowest", recorder.slowestEmittedAt(3));
            counts.setProperty("ticks_skipped", Long.toString(pipeline.sourceStats().get("probe").overlapsSkipped()));
            List<long[]> attempts = failing == null ? List.of() : failing.attempts(System.nanoTime());
            counts.setProperty("attempts_in_window", Long.toString(attempts.stream()
                    .filter(a -> a[1] - from >= 0 && a[0] - until < 0).count()));
            SinkStats healthy = pipeline.sinkStats().get("healthy");
            counts.setProperty("healthy_retries", Long.toString(healthy.retries()));
            SinkStats secondStats = pipeline.sinkStats().get("second");
            if (secondStats != null) {
                counts.setProperty("second_failures", Long.toString(secondStats.retries()));
                counts.setProperty("second_pending", Long.toString(secondStats.pending()));
                counts.setProperty("second_delivered", Long.toString(secondStats.delivered()));
            }
            pipeline.stop(Duration.ofSeconds(1));

            try (Writer w = Files.newBufferedWriter(out.resolveSibling(out.getFileName() + ".properties"))) {
                counts.store(w, null);
            }
            long[] latencies = recorder.latencies();
            long[] stamps = recorder.stamps();
            long margin = TimeUnit.MILLISECONDS.toNanos(ATTEMPT_MARGIN_MS);
            try (DataOutputStream w = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(out.resolveSibling(out.getFileName() + ".bin"))))) {
                w.writeInt(latencies.length);
                for (int i = 0; i < latencies.length; i++) {
                    long stamp = stamps[i];
                    boolean during = attempts.stream().anyMatch(a -> stamp - a[0] >= 0 && stamp - (a[1] + margin) < 0);
                    w.writeLong(latencies[i]);
                    w.writeBoolean(during);
                }
            }
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** A port on 127.0.0.1 that nothing listens on: bound, read back and closed, so connecting is refused. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static long uptimeMillis(long nanoTime) {
        return ManagementFactory.getRuntimeMXBean().getUptime() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoTime);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    /**
     * Emits {@code perTick} samples per collect, each with {@link System#nanoTime()} as its value, read just
     * before the sample is offered. Counts the samples emitted inside the measurement window.
     */
    static final class ProbeSource implements Source {
        private final String[] fields;
        private final AtomicLong emitted = new AtomicLong();
        private final AtomicLong refused = new AtomicLong();
        private volatile long from = Long.MAX_VALUE;
        private volatile long until = Long.MIN_VALUE;
        private volatile boolean quiet;

        ProbeSource(int perTick) {
            fields = new String[perTick];
            for (int i = 0; i < perTick; i++) {
                fields[i] = "row" + i;
            }
        }

        void window(long fromNanos, long untilNanos) {
            from = fromNanos;
            until = untilNanos;
        }

        void quiet() {
            quiet = true;
        }

        long emitted() {
            return emitted.get();
        }

        long refused() {
            return refused.get();
        }

        @Override
        public String name() {
            return "probe";
        }

        @Override
        public void collect(Emitter out) {
            if (quiet) {
                return;
            }
            Instant at = Instant.now();
            for (String field : fields) {
                long stamp = System.nanoTime();
                boolean offered = out.offer(new Sample("isolation.probe", Labels.empty(), MetricType.GAUGE, field,
                        SampleValue.of(stamp), at.getEpochSecond(), at.getNano(), HOST, "probe"));
                if (stamp - from >= 0 && stamp - until < 0) {
                    (offered ? emitted : refused).incrementAndGet();
                }
            }
        }
    }

    /**
     * Records, on the receiver's single event loop thread, the delay of every row emitted inside the window.
     * The count is published with a volatile write after each row, so a reader of {@link #count()} sees
     * every latency below it.
     */
    static final class LatencyRecorder implements ZabbixTrapperReceiver.RowListener {
        private final long[] latencies;
        private final long[] stamps;
        private volatile int count;
        private volatile long from = Long.MAX_VALUE;
        private volatile long until = Long.MIN_VALUE;

        LatencyRecorder(int capacity) {
            latencies = new long[capacity];
            stamps = new long[capacity];
        }

        void window(long fromNanos, long untilNanos) {
            from = fromNanos;
            until = untilNanos;
        }

        @Override
        public void received(Row row, boolean processed) {
            long now = System.nanoTime();
            long stamp = Long.parseLong(row.value());
            if (stamp - from < 0 || stamp - until >= 0) {
                return;
            }
            int n = count;
            if (n == latencies.length) {
                throw new IllegalStateException("latencies: more than " + n + " rows (expected: the offered rate)");
            }
            latencies[n] = now - stamp;
            stamps[n] = stamp;
            count = n + 1;
        }

        int count() {
            return count;
        }

        long[] latencies() {
            return Arrays.copyOf(latencies, count);
        }

        long[] stamps() {
            return Arrays.copyOf(stamps, count);
        }

        /**
         * When the slowest rows were emitted, in milliseconds of JVM uptime (the clock of the log lines), at
         * most {@code limit} of them and one per 100 ms, slowest first: to line up with the failing sink's
         * attempts and with GC logs.
         */
        String slowestEmittedAt(int limit) {
            int n = count;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Long.compare(latencies[b], latencies[a]));
            long uptimeOriginNanos = System.nanoTime()
                    - TimeUnit.MILLISECONDS.toNanos(ManagementFactory.getRuntimeMXBean().getUptime());
            List<Long> picked = new ArrayList<>();
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < n && picked.size() < limit; i++) {
                long at = stamps[order[i]];
                if (picked.stream().anyMatch(p -> Math.abs(p - at) < TimeUnit.MILLISECONDS.toNanos(100))) {
                    continue;
                }
                picked.add(at);
                out.append(out.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f ms at %d",
                        latencies[order[i]] / 1e6, TimeUnit.NANOSECONDS.toMillis(at - uptimeOriginNanos)));
            }
            return out.toString();
        }
    }

    /**
     * Passes every call to {@code sink} and notes, in {@link System#nanoTime()}, when each attempt began (the
     * {@code send} call, which builds the rows on the worker thread) and when its outcome arrived.
     */
    static final class AttemptTimingSink implements Sink {
        private final Sink sink;
        private final List<Attempt> attempts = new CopyOnWriteArrayList<>();

        // ended is written on the sink's I/O thread and read by the measuring thread.
        private record Attempt(long began, AtomicLong ended) {
        }

        AttemptTimingSink(Sink sink) {
            this.sink = sink;
        }

        /** Every attempt as {@code [began, ended]}; one still under way ends at {@code now}. */
        List<long[]> attempts(long now) {
            return attempts.stream().map(a -> new long[] {a.began(),
                    a.ended().get() == Long.MIN_VALUE ? now : a.ended().get()}).toList();
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
            Attempt attempt = new Attempt(System.nanoTime(), new AtomicLong(Long.MIN_VALUE));
            attempts.add(attempt);
            return sink.send(batch).whenComplete((outcome, error) -> attempt.ended().set(System.nanoTime()));
        }

        @Override
        public void close() {
            sink.close();
        }
    }

    /**
     * A server on 127.0.0.1 that accepts every connection, reads and discards what arrives, and never
     * answers: a Zabbix server whose trapper processes are all stuck.
     */
    static final class SilentServer implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        private SilentServer(ServerSocket server) {
            this.server = server;
            Thread acceptor = new Thread(this::accept, "silent-server-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static SilentServer create() throws IOException {
            return new SilentServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.add(socket);
                    Thread reader = new Thread(() -> discard(socket), "silent-server-read");
                    reader.setDaemon(true);
                    reader.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private static void discard(Socket socket) {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = socket.getInputStream()) {
                while (in.read(buffer) >= 0) {
                    // Read so the sender's writes complete; the reply never comes.
                }
            } catch (IOException e) {
                // closed by the sink after its read timeout, or by close()
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }
}
