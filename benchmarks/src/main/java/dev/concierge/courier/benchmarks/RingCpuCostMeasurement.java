package dev.concierge.courier.benchmarks;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import dev.concierge.courier.benchmarks.RingFanOutBenchmark.SampleEvent;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.ring.RingReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The {@code Inline} configurations of {@link RingFanOutBenchmark} (one thread publishes 4096 samples, then
 * every reader drains them) timed by the thread's CPU time instead of the wall clock: on a shared machine a
 * thread that is descheduled loses wall-clock time but no CPU time, so the cost per sample stays readable
 * when the JMH rates swing with the load. Our ring, the LMAX Disruptor and one {@link ArrayBlockingQueue} per
 * reader, set up as in {@link RingFanOutBenchmark}, take turns round by round, the order rotating each round.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.concierge.courier.benchmarks.RingCpuCostMeasurement [rounds]}. Prints, for 1 and 3 readers, the median
 * and lowest CPU nanoseconds per sample per reader over the rounds, and the Disruptor's and the queue's
 * median divided by ours (above 1: ours is cheaper).
 */
public final class RingCpuCostMeasurement {

    private static final int BATCH = 4096;
    private static final int BATCHES_PER_ROUND = 2000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Sample[] samples = new Sample[BATCH];
    private final RingFanOutBenchmark.Reader reader = new RingFanOutBenchmark.Reader();
    private final MultiProducerBroadcastRing ring;
    private final RingReader[] ringReaders;
    private final RingBuffer<SampleEvent> disruptor;
    private final EventPoller<SampleEvent>[] pollers;
    private final ArrayBlockingQueue<Sample>[] queues;

    @SuppressWarnings("unchecked")
    private RingCpuCostMeasurement(int readers) {
        for (int i = 0; i < BATCH; i++) {
            samples[i] = RingFanOutBenchmark.Producer.sample(i);
        }
        int capacity = RingFanOutBenchmark.CAPACITY;
        ring = MultiProducerBroadcastRing.create(capacity,
                2L * capacity * RingFanOutBenchmark.Producer.SAMPLE_BYTES);
        ringReaders = new RingReader[readers];
        disruptor = RingBuffer.createMultiProducer(SampleEvent::new, capacity, new BusySpinWaitStrategy());
        pollers = new EventPoller[readers];
        queues = new ArrayBlockingQueue[readers];
        for (int i = 0; i < readers; i++) {
            ringReaders[i] = ring.newReader("reader-" + i);
            pollers[i] = disruptor.newPoller();
            disruptor.addGatingSequences(pollers[i].getSequence());
            queues[i] = new ArrayBlockingQueue<>(capacity);
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        for (int readers : new int[] {1, 3}) {
            new RingCpuCostMeasurement(readers).run(rounds);
        }
    }

    private void run(int rounds) throws Exception {
        String[] names = {"ours", "disruptor", "arrayBlockingQueue"};
        double[][] nanos = new double[names.length][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int turn = 0; turn < names.length; turn++) {
                int which = (round + turn) % names.length;
                long start = THREADS.getCurrentThreadCpuTime();
                long delivered = switch (which) {
                    case 0 -> ours();
                    case 1 -> disruptor();
                    default -> queues();
                };
                long perReader = delivered / ringReaders.length;
                nanos[which][round] = (THREADS.getCurrentThreadCpuTime() - start) / (double) perReader;
            }
        }
        double oursMedian = median(nanos[0]);
        for (int i = 0; i < names.length; i++) {
            System.out.printf(Locale.ROOT, "%d reader(s) %-18s CPU ns per sample per reader: median %6.2f,"
                    + " lowest %6.2f; median / ours %.2f%n", ringReaders.length, names[i], median(nanos[i]),
                    Arrays.stream(nanos[i]).min().orElseThrow(), median(nanos[i]) / oursMedian);
        }
    }

    private long ours() {
        long delivered = 0;
        for (int b = 0; b < BATCHES_PER_ROUND; b++) {
            for (Sample sample : samples) {
                ring.tryPublish(sample);
            }
            for (RingReader ringReader : ringReaders) {
                delivered += ringReader.drainTo(reader, BATCH);
            }
        }
        return delivered;
    }

    private long disruptor() throws Exception {
        long delivered = 0;
        for (int b = 0; b < BATCHES_PER_ROUND; b++) {
            for (Sample sample : samples) {
                disruptor.tryPublishEvent(SampleEvent.TRANSLATOR, sample);
            }
            for (EventPoller<SampleEvent> poller : pollers) {
                delivered += reader.poll(poller, BATCH);
            }
        }
        return delivered;
    }

    private long queues() {
        long delivered = 0;
        for (int b = 0; b < BATCHES_PER_ROUND; b++) {
            for (Sample sample : samples) {
                for (ArrayBlockingQueue<Sample> queue : queues) {
                    queue.offer(sample);
                }
            }
            for (ArrayBlockingQueue<Sample> queue : queues) {
                delivered += reader.drain(queue, BATCH);
            }
        }
        return delivered;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
