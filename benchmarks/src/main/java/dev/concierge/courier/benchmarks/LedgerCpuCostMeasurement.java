package dev.concierge.courier.benchmarks;

import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.ledger.SinkBacklog;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What the durable file ledger costs a sink's thread per sample, by the thread's CPU time and the bytes it
 * allocates: one scrape of {@code series} node exporter series (parsed once beforehand) appended in intake
 * chunks of 4,096, as the sink worker hands them over, then taken in batches of 16,000 (a Zabbix sink's 4,000
 * rows x 4 connections) and settled, round after round, in one {@link FileDeliveryLedger} in a temporary
 * directory. Two windows: {@code window} 16 MiB (the sidecar profile's: a scrape fits, nothing is read back)
 * and {@code readback} 1 MiB (most of every scrape is read back from its segment before it is sent, as when a
 * sink has fallen behind).
 *
 * <p>Timed by the thread's CPU time, not the wall clock, so that a machine shared with other work still gives
 * comparable figures (the time a descheduled thread waits is not counted; fsyncs run on this thread and are
 * counted as the kernel reports them). Not JMH: a round is a whole scrape through the ledger, with its syncs.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.concierge.courier.benchmarks.LedgerCpuCostMeasurement 20</pre>
 */
public final class LedgerCpuCostMeasurement {
    private static final int CHUNK = 4096;
    private static final int BATCH = 16_000;

    private LedgerCpuCostMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int series = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Sample[] scrape = EndToEndThroughput.parse(series).toArray(Sample[]::new);
        System.out.printf(Locale.ROOT, "ledger cost: %d samples per round, %d rounds after 5 warm-up, %s, load %.2f%n",
                scrape.length, rounds, System.getProperty("java.vm.version"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (String mode : List.of("window", "readback")) {
            long windowBytes = mode.equals("window") ? 16L << 20 : 1L << 20;
            double[] ns = new double[rounds];
            double[] bytes = new double[rounds];
            Path dir = Files.createTempDirectory("ledger-cost");
            DeliveryLedger ledger = FileDeliveryLedger.open(dir, Clock.systemUTC(),
                    FileDeliveryLedger.Options.defaults().withMemoryWindowBytes(windowBytes));
            try {
                SinkBacklog backlog = ledger.openBacklog("zabbix", 64L << 20);
                for (int round = -5; round < rounds; round++) {
                    long cpu = cpuNanos();
                    long allocated = allocatedBytes();
                    oneScrape(backlog, scrape);
                    if (round >= 0) {
                        ns[round] = (double) (cpuNanos() - cpu) / scrape.length;
                        bytes[round] = (double) (allocatedBytes() - allocated) / scrape.length;
                    }
                }
                backlog.close(record -> { });
            } finally {
                ledger.close();
                deleteRecursively(dir);
            }
            Arrays.sort(ns);
            Arrays.sort(bytes);
            System.out.printf(Locale.ROOT, "%-8s CPU ns per sample: median %.1f (%.1f to %.1f); bytes allocated per "
                    + "sample: median %.1f (%.1f to %.1f)%n", mode, ns[rounds / 2], ns[0], ns[rounds - 1],
                    bytes[rounds / 2], bytes[0], bytes[rounds - 1]);
        }
    }

    private static void oneScrape(SinkBacklog backlog, Sample[] scrape) {
        Sample[] chunk = new Sample[CHUNK];
        for (int from = 0; from < scrape.length; from += CHUNK) {
            int count = Math.min(CHUNK, scrape.length - from);
            System.arraycopy(scrape, from, chunk, 0, count);
            backlog.appendAll(chunk, count, record -> { });
        }
        Batch batch;
        while ((batch = backlog.takeBatch(BATCH)) != null) {
            backlog.settle(batch);
        }
    }

    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static void deleteRecursively(Path dir) throws Exception {
        try (var paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
