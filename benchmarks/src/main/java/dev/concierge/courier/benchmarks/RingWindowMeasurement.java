package dev.concierge.courier.benchmarks;

import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
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
import dev.concierge.courier.core.pipeline.SourceStats;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.sinks.zabbix.ZabbixSink;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the ring window: samples the ring has accepted (the source's {@code offer} returned true) that are
 * not yet in a sink's backlog, where a {@code kill -9} would lose them. The backlog is the durable one of
 * {@code courier run} ({@link FileDeliveryLedger} in a temporary directory: a sample is in it once written to
 * the operating system), and the sink is a {@link ZabbixSink} to a {@link ZabbixTrapperReceiver} on 127.0.0.1,
 * so the sink's thread also encodes and sends while it takes samples in.
 *
 * <p>For each scrape size, {@code --scrapes} collects run one after the other. During each, this thread polls
 * (every 10 microseconds) the pipeline's counters ({@link SourceStats#accepted()} less {@link SinkStats#received()}) and records the
 * most samples it saw in the window, and how long after the collect returned the last of its samples reached
 * the backlog. The readings are of counters written by other threads, so the peak is a lower bound of the true
 * one; the time after the collect is exact to the polling.
 *
 * <p>{@code -DringWindow.memoryLedger=true} puts the backlogs in memory instead, to tell the backlog's writes
 * from the rest of the way (waking the sink's thread, draining the ring).
 *
 * <p>Run it with {@code java -cp benchmarks/target/benchmarks.jar
 * dev.concierge.courier.benchmarks.RingWindowMeasurement [--scrapes 30] [--sizes 1000,10000,34000]}.
 */
public final class RingWindowMeasurement {

    private static final class Scrapes implements Source {
        final List<Sample> samples;
        // Collects started and ended so far; each collect's end time by its number.
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger ended = new AtomicInteger();
        final long[] endNanos;

        Scrapes(int size, int collects) {
            samples = new ArrayList<>(size);
            endNanos = new long[collects];
            Instant at = Instant.now();
            for (int i = 0; i < size; i++) {
                samples.add(new Sample("app.requests.endpoint" + i, Labels.empty(), MetricType.COUNTER, "count",
                        SampleValue.of(i), at.getEpochSecond(), at.getNano(), "app-01", "app"));
            }
        }

        @Override
        public String name() {
            return "app";
        }

        @Override
        public void collect(Emitter out) {
            int run = started.getAndIncrement();
            if (run >= endNanos.length) {
                return;
            }
            samples.forEach(out::offer);
            endNanos[run] = System.nanoTime();
            ended.incrementAndGet();
        }
    }

    public static void main(String[] argv) throws Exception {
        int scrapes = 30;
        int[] sizes = {1_000, 10_000, 34_000};
        for (int i = 0; i + 1 < argv.length; i += 2) {
            switch (argv[i]) {
                case "--scrapes" -> scrapes = Integer.parseInt(argv[i + 1]);
                case "--sizes" -> sizes = Arrays.stream(argv[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                default -> throw new IllegalArgumentException("argument: " + argv[i] + " (expected: --scrapes, --sizes)");
            }
        }
        System.out.printf(Locale.ROOT, "ring window: %d scrapes per size, file ledger, zabbix sink to a loopback "
                + "trapper, %s%n", scrapes, System.getProperty("java.vm.version"));
        System.out.printf(Locale.ROOT, "%10s %14s %14s %18s %18s%n", "scrape", "peak p50", "peak max",
                "after collect p50", "after collect max");
        for (int size : sizes) {
            measure(size, scrapes);
        }
    }

    private static void measure(int size, int scrapes) throws Exception {
        Path dir = Files.createTempDirectory("ring-window");
        int warmup = 2;
        Scrapes source = new Scrapes(size, scrapes + warmup);
        long[] peaks = new long[scrapes];
        long[] afterNanos = new long[scrapes];
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            DeliveryLedger ledger = Boolean.getBoolean("ringWindow.memoryLedger")
                    ? new InMemoryDeliveryLedger(Clock.systemUTC(), 1000) : FileDeliveryLedger.open(dir, Clock.systemUTC());
            Pipeline pipeline = Pipeline.create(MultiProducerBroadcastRing.create(65_536, 64L << 20), ledger,
                    List.of(new ScheduledSource(source, Duration.ofMillis(500))),
                    List.of(new SinkSpec(ZabbixSink.create(ZabbixSinkConfig.of("zabbix", "127.0.0.1", receiver.port())),
                            FullJitterBackoff.of(Duration.ofMillis(500), Duration.ofSeconds(60), 2), 1L << 30)),
                    Clock.systemUTC());
            pipeline.start();
            SourceStats accepted = pipeline.sourceStats().get("app");
            SinkStats sink = pipeline.sinkStats().get("zabbix");
            for (int run = 0; run < scrapes + warmup; run++) {
                while (source.started.get() <= run) {
                    LockSupport.parkNanos(100_000);
                }
                long peak = 0;
                long expected = (long) (run + 1) * size;
                long received;
                // Received first: a sample is accepted before it is received, so the difference never reads low.
                while ((received = sink.received()) < expected || source.ended.get() <= run) {
                    peak = Math.max(peak, accepted.accepted() - received);
                    LockSupport.parkNanos(10_000);
                }
                long after = System.nanoTime() - source.endNanos[run];
                if (run >= warmup) {
                    peaks[run - warmup] = peak;
                    afterNanos[run - warmup] = after;
                }
            }
            pipeline.stop(Duration.ofSeconds(5));
        }
        Arrays.sort(peaks);
        Arrays.sort(afterNanos);
        System.out.printf(Locale.ROOT, "%10d %14d %14d %15.3f ms %15.3f ms%n", size, peaks[scrapes / 2],
                peaks[scrapes - 1], afterNanos[scrapes / 2] / 1e6, afterNanos[scrapes - 1] / 1e6);
    }
}
