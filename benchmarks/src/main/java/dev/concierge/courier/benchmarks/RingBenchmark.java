package dev.concierge.courier.benchmarks;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.ring.RingReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Hands {@link Sample}s from producer threads to one consumer thread through our
 * {@link MultiProducerBroadcastRing} and, in the same run, through the baselines: {@link ArrayBlockingQueue},
 * JCTools {@link MpscArrayQueue} and a multi-producer LMAX Disruptor {@link RingBuffer} read with an
 * {@link EventPoller}. Every structure has {@value #CAPACITY} slots; our ring's byte budget is set high
 * enough never to bind, but its bookkeeping is paid on every sample.
 *
 * <p>Producers offer without blocking and spin on a full structure; the consumer drains up to
 * {@code batch} samples per call with each structure's own batch API. The group's primary score counts
 * calls, full and empty ones included, so read the {@code handedOver} counter: samples the consumer
 * received per second. Groups {@code *1p} run one producer, {@code *2p} two; there is always one consumer.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RingBenchmark {

    static final int CAPACITY = 1024;

    /** The most samples one drain call hands over. */
    @Param({"1", "64"})
    int batch;

    // ---- our ring

    @Benchmark
    @Group("ring1p")
    @GroupThreads(1)
    public boolean ring1pProduce(OurRing q, Producer p) {
        return q.ring.tryPublish(p.next());
    }

    @Benchmark
    @Group("ring1p")
    @GroupThreads(1)
    public long ring1pConsume(OurRing q, Received r, Handed h) {
        h.handedOver += q.reader.drainTo(r, batch);
        return r.checksum;
    }

    @Benchmark
    @Group("ring2p")
    @GroupThreads(2)
    public boolean ring2pProduce(OurRing q, Producer p) {
        return q.ring.tryPublish(p.next());
    }

    @Benchmark
    @Group("ring2p")
    @GroupThreads(1)
    public long ring2pConsume(OurRing q, Received r, Handed h) {
        h.handedOver += q.reader.drainTo(r, batch);
        return r.checksum;
    }

    // ---- java.util.concurrent.ArrayBlockingQueue

    @Benchmark
    @Group("arrayBlockingQueue1p")
    @GroupThreads(1)
    public boolean arrayBlockingQueue1pProduce(ArrayBlocking q, Producer p) {
        return q.queue.offer(p.next());
    }

    @Benchmark
    @Group("arrayBlockingQueue1p")
    @GroupThreads(1)
    public long arrayBlockingQueue1pConsume(ArrayBlocking q, Received r, Handed h) {
        h.handedOver += q.drainTo(r, batch);
        return r.checksum;
    }

    @Benchmark
    @Group("arrayBlockingQueue2p")
    @GroupThreads(2)
    public boolean arrayBlockingQueue2pProduce(ArrayBlocking q, Producer p) {
        return q.queue.offer(p.next());
    }

    @Benchmark
    @Group("arrayBlockingQueue2p")
    @GroupThreads(1)
    public long arrayBlockingQueue2pConsume(ArrayBlocking q, Received r, Handed h) {
        h.handedOver += q.drainTo(r, batch);
        return r.checksum;
    }

    // ---- JCTools MpscArrayQueue

    @Benchmark
    @Group("mpscArrayQueue1p")
    @GroupThreads(1)
    public boolean mpscArrayQueue1pProduce(Mpsc q, Producer p) {
        return q.queue.offer(p.next());
    }

    @Benchmark
    @Group("mpscArrayQueue1p")
    @GroupThreads(1)
    public long mpscArrayQueue1pConsume(Mpsc q, Received r, Handed h) {
        h.handedOver += q.queue.drain(r, batch);
        return r.checksum;
    }

    @Benchmark
    @Group("mpscArrayQueue2p")
    @GroupThreads(2)
    public boolean mpscArrayQueue2pProduce(Mpsc q, Producer p) {
        return q.queue.offer(p.next());
    }

    @Benchmark
    @Group("mpscArrayQueue2p")
    @GroupThreads(1)
    public long mpscArrayQueue2pConsume(Mpsc q, Received r, Handed h) {
        h.handedOver += q.queue.drain(r, batch);
        return r.checksum;
    }

    // ---- LMAX Disruptor, multi-producer

    @Benchmark
    @Group("disruptor1p")
    @GroupThreads(1)
    public boolean disruptor1pProduce(Disruptor q, Producer p) {
        return q.ringBuffer.tryPublishEvent(SampleEvent.TRANSLATOR, p.next());
    }

    @Benchmark
    @Group("disruptor1p")
    @GroupThreads(1)
    public long disruptor1pConsume(Disruptor q, Received r, Handed h) throws Exception {
        r.remaining = batch;
        q.poller.poll(r);
        h.handedOver += batch - r.remaining;
        return r.checksum;
    }

    @Benchmark
    @Group("disruptor2p")
    @GroupThreads(2)
    public boolean disruptor2pProduce(Disruptor q, Producer p) {
        return q.ringBuffer.tryPublishEvent(SampleEvent.TRANSLATOR, p.next());
    }

    @Benchmark
    @Group("disruptor2p")
    @GroupThreads(1)
    public long disruptor2pConsume(Disruptor q, Received r, Handed h) throws Exception {
        r.remaining = batch;
        q.poller.poll(r);
        h.handedOver += batch - r.remaining;
        return r.checksum;
    }

    /** Our ring with one reader. */
    @State(Scope.Group)
    public static class OurRing {
        MultiProducerBroadcastRing ring;
        RingReader reader;

        @Setup(Level.Trial)
        public void setUp() {
            ring = MultiProducerBroadcastRing.create(CAPACITY, 2L * CAPACITY * Producer.SAMPLE_BYTES);
            reader = ring.newReader("consumer");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            reader.close();
        }
    }

    @State(Scope.Group)
    public static class ArrayBlocking {
        ArrayBlockingQueue<Sample> queue;
        // Touched by the consumer thread only.
        final List<Sample> drained = new ArrayList<>(CAPACITY);

        @Setup(Level.Trial)
        public void setUp() {
            queue = new ArrayBlockingQueue<>(CAPACITY);
        }

        int drainTo(Received r, int max) {
            int n = queue.drainTo(drained, max);
            for (int i = 0; i < n; i++) {
                r.accept(drained.get(i));
            }
            drained.clear();
            return n;
        }
    }

    @State(Scope.Group)
    public static class Mpsc {
        MpscArrayQueue<Sample> queue;

        @Setup(Level.Trial)
        public void setUp() {
            queue = new MpscArrayQueue<>(CAPACITY);
        }
    }

    @State(Scope.Group)
    public static class Disruptor {
        RingBuffer<SampleEvent> ringBuffer;
        EventPoller<SampleEvent> poller;

        @Setup(Level.Trial)
        public void setUp() {
            ringBuffer = RingBuffer.createMultiProducer(SampleEvent::new, CAPACITY);
            poller = ringBuffer.newPoller();
            ringBuffer.addGatingSequences(poller.getSequence());
        }
    }

    /** The Disruptor's preallocated slot. */
    static final class SampleEvent {
        static final EventTranslatorOneArg<SampleEvent, Sample> TRANSLATOR = (event, sequence, sample) ->
                event.sample = sample;

        Sample sample;
    }

    /** Cycles through distinct samples, so the consumer does not read one object over and over. */
    @State(Scope.Thread)
    public static class Producer {
        static final int SAMPLE_BYTES = sample(0).estimatedBytes();

        final Sample[] samples = new Sample[CAPACITY];
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < samples.length; i++) {
                samples[i] = sample(i);
            }
        }

        Sample next() {
            Sample sample = samples[next];
            next = (next + 1) & (CAPACITY - 1);
            return sample;
        }

        static Sample sample(long value) {
            return Sample.of("app.requests", MetricType.TIMER, "p99", SampleValue.of(value),
                    Instant.ofEpochSecond(1_717_171_717L, value), "app-01.example", "app");
        }
    }

    /** The consumer: reads every sample it is handed. */
    @State(Scope.Thread)
    public static class Received
            implements Consumer<Sample>, MessagePassingQueue.Consumer<Sample>, EventPoller.Handler<SampleEvent> {
        long checksum;
        // What the Disruptor's poller may still hand over in this call.
        int remaining;

        @Override
        public void accept(Sample sample) {
            checksum += sample.nanos();
        }

        @Override
        public boolean onEvent(SampleEvent event, long sequence, boolean endOfBatch) {
            accept(event.sample);
            return --remaining > 0;
        }
    }

    /** What the consumer was handed, reported per second next to the group's score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Handed {
        public long handedOver;

        @Setup(Level.Iteration)
        public void reset() {
            handedOver = 0;
        }
    }
}
