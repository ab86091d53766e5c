package dev.concierge.courier.benchmarks;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
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
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The courier's shape: producer threads publish {@link Sample}s, and every reader, each on a thread of its
 * own, must receive every sample. Two configurations, each a JMH group: {@code *1p1r} (one producer, one
 * reader) and {@code *4p3r} (four producers, three readers). {@code *Inline1r} and {@code *Inline3r} do
 * the same work on one thread (publish {@code batch} samples, then let each reader drain them): with no
 * thread waiting for another and no line moving between cores, they show the cost per sample of each
 * structure's code path, which a shared machine blurs least. Every structure has {@value #CAPACITY} slots,
 * the production ring's default, and every reader takes up to {@code batch} samples per call, as the sink
 * workers do.
 *
 * <ul>
 *   <li><b>ours</b>: one {@link MultiProducerBroadcastRing}, one {@link RingReader} per reader thread. Its
 *       byte budget is set never to bind, but the reservation and give-back are paid on every sample.</li>
 *   <li><b>LMAX Disruptor</b>: one multi-producer {@link RingBuffer} ({@code tryPublishEvent}), one
 *       {@link EventPoller} per reader thread, each with its own {@link Sequence} gating the producers: the
 *       Disruptor's own broadcast. The wait strategy is {@link BusySpinWaitStrategy}, whose publish-side
 *       signal does nothing; pollers never wait in it, so this is the Disruptor's cheapest publish.</li>
 *   <li><b>{@link ArrayBlockingQueue}</b> (the baseline) and <b>JCTools {@link MpscArrayQueue}</b>: a queue
 *       hands each element to one consumer and cannot broadcast, so there is one queue per reader and every
 *       producer offers each sample to all of them (an offer refused by one queue is lost to that reader
 *       only).</li>
 * </ul>
 *
 * <p>Producers never block: a refused offer is dropped and the next call offers the next sample. The
 * group's primary score counts calls of every thread, empty and refused ones included; read the
 * {@code delivered} counter instead: samples received per second, summed over the group's readers (divide
 * by 3 for {@code *4p3r} to get the rate each reader sees).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class RingFanOutBenchmark {

    static final int CAPACITY = 65_536;

    /** The most samples one drain call hands over; the sink workers take up to 4096. */
    @Param({"4096"})
    int batch;

    // ---- our ring

    @Benchmark
    @Group("ring1p1r")
    @GroupThreads(1)
    public boolean ring1p1rProduce(OurRing q, Producer p) {
        return q.ring.tryPublish(p.next());
    }

    @Benchmark
    @Group("ring1p1r")
    @GroupThreads(1)
    public long ring1p1rRead(OurRing q, Reader r, Delivered d) {
        d.delivered += q.reader(r).drainTo(r, batch);
        return r.checksum;
    }

    @Benchmark
    @Group("ring4p3r")
    @GroupThreads(4)
    public boolean ring4p3rProduce(OurRing q, Producer p) {
        return q.ring.tryPublish(p.next());
    }

    @Benchmark
    @Group("ring4p3r")
    @GroupThreads(3)
    public long ring4p3rRead(OurRing q, Reader r, Delivered d) {
        d.delivered += q.reader(r).drainTo(r, batch);
        return r.checksum;
    }

    // ---- LMAX Disruptor, multi-producer, one poller per reader

    @Benchmark
    @Group("disruptor1p1r")
    @GroupThreads(1)
    public boolean disruptor1p1rProduce(Disruptor q, Producer p) {
        return q.ringBuffer.tryPublishEvent(SampleEvent.TRANSLATOR, p.next());
    }

    @Benchmark
    @Group("disruptor1p1r")
    @GroupThreads(1)
    public long disruptor1p1rRead(Disruptor q, Reader r, Delivered d) throws Exception {
        d.delivered += r.poll(q.poller(r), batch);
        return r.checksum;
    }

    @Benchmark
    @Group("disruptor4p3r")
    @GroupThreads(4)
    public boolean disruptor4p3rProduce(Disruptor q, Producer p) {
        return q.ringBuffer.tryPublishEvent(SampleEvent.TRANSLATOR, p.next());
    }

    @Benchmark
    @Group("disruptor4p3r")
    @GroupThreads(3)
    public long disruptor4p3rRead(Disruptor q, Reader r, Delivered d) throws Exception {
        d.delivered += r.poll(q.poller(r), batch);
        return r.checksum;
    }

    // ---- java.util.concurrent.ArrayBlockingQueue, one per reader

    @Benchmark
    @Group("arrayBlockingQueue1p1r")
    @GroupThreads(1)
    public int arrayBlockingQueue1p1rProduce(ArrayBlocking q, Producer p) {
        return q.offerToAll(p.next());
    }

    @Benchmark
    @Group("arrayBlockingQueue1p1r")
    @GroupThreads(1)
    public long arrayBlockingQueue1p1rRead(ArrayBlocking q, Reader r, Delivered d) {
        d.delivered += r.drain(q.queue(r), batch);
        return r.checksum;
    }

    @Benchmark
    @Group("arrayBlockingQueue4p3r")
    @GroupThreads(4)
    public int arrayBlockingQueue4p3rProduce(ArrayBlocking q, Producer p) {
        return q.offerToAll(p.next());
    }

    @Benchmark
    @Group("arrayBlockingQueue4p3r")
    @GroupThreads(3)
    public long arrayBlockingQueue4p3rRead(ArrayBlocking q, Reader r, Delivered d) {
        d.delivered += r.drain(q.queue(r), batch);
        return r.checksum;
    }

    // ---- JCTools MpscArrayQueue, one per reader

    @Benchmark
    @Group("mpscArrayQueue1p1r")
    @GroupThreads(1)
    public int mpscArrayQueue1p1rProduce(Mpsc q, Producer p) {
        return q.offerToAll(p.next());
    }

    @Benchmark
    @Group("mpscArrayQueue1p1r")
    @GroupThreads(1)
    public long mpscArrayQueue1p1rRead(Mpsc q, Reader r, Delivered d) {
        d.delivered += q.queue(r).drain(r, batch);
        return r.checksum;
    }

    @Benchmark
    @Group("mpscArrayQueue4p3r")
    @GroupThreads(4)
    public int mpscArrayQueue4p3rProduce(Mpsc q, Producer p) {
        return q.offerToAll(p.next());
    }

    @Benchmark
    @Group("mpscArrayQueue4p3r")
    @GroupThreads(3)
    public long mpscArrayQueue4p3rRead(Mpsc q, Reader r, Delivered d) {
        d.delivered += q.queue(r).drain(r, batch);
        return r.checksum;
    }

    // ---- one thread does everything: publishes a batch, then each reader drains it. No other thread
    // competes for a core or a cache line, so this measures what each structure costs per sample.

    @Benchmark
    @Group("ringInline1r")
    @GroupThreads(1)
    public void ringInline1rRun(OurRing q, Producer p, Reader r, Delivered d) {
        for (int i = 0; i < batch; i++) {
            q.ring.tryPublish(p.next());
        }
        for (RingReader reader : q.readers) {
            d.delivered += reader.drainTo(r, batch);
        }
    }

    @Benchmark
    @Group("ringInline3r")
    @GroupThreads(1)
    public void ringInline3rRun(OurRing q, Producer p, Reader r, Delivered d) {
        ringInline1rRun(q, p, r, d);
    }

    @Benchmark
    @Group("disruptorInline1r")
    @GroupThreads(1)
    public void disruptorInline1rRun(Disruptor q, Producer p, Reader r, Delivered d) throws Exception {
        for (int i = 0; i < batch; i++) {
            q.ringBuffer.tryPublishEvent(SampleEvent.TRANSLATOR, p.next());
        }
        for (EventPoller<SampleEvent> poller : q.pollers) {
            d.delivered += r.poll(poller, batch);
        }
    }

    @Benchmark
    @Group("disruptorInline3r")
    @GroupThreads(1)
    public void disruptorInline3rRun(Disruptor q, Producer p, Reader r, Delivered d) throws Exception {
        disruptorInline1rRun(q, p, r, d);
    }

    @Benchmark
    @Group("arrayBlockingQueueInline1r")
    @GroupThreads(1)
    public void arrayBlockingQueueInline1rRun(ArrayBlocking q, Producer p, Reader r, Delivered d) {
        for (int i = 0; i < batch; i++) {
            q.offerToAll(p.next());
        }
        for (ArrayBlockingQueue<Sample> queue : q.queues) {
            d.delivered += r.drain(queue, batch);
        }
    }

    @Benchmark
    @Group("arrayBlockingQueueInline3r")
    @GroupThreads(1)
    public void arrayBlockingQueueInline3rRun(ArrayBlocking q, Producer p, Reader r, Delivered d) {
        arrayBlockingQueueInline1rRun(q, p, r, d);
    }

    @Benchmark
    @Group("mpscArrayQueueInline1r")
    @GroupThreads(1)
    public void mpscArrayQueueInline1rRun(Mpsc q, Producer p, Reader r, Delivered d) {
        for (int i = 0; i < batch; i++) {
            q.offerToAll(p.next());
        }
        for (MpscArrayQueue<Sample> queue : q.queues) {
            d.delivered += queue.drain(r, batch);
        }
    }

    @Benchmark
    @Group("mpscArrayQueueInline3r")
    @GroupThreads(1)
    public void mpscArrayQueueInline3rRun(Mpsc q, Producer p, Reader r, Delivered d) {
        mpscArrayQueueInline1rRun(q, p, r, d);
    }

    /**
     * A group's structure with one seat per reader thread, set up for as many readers as the group has
     * before any thread runs; each reader thread takes the next free seat the first time it reads.
     */
    abstract static class Seats {
        private final AtomicInteger taken = new AtomicInteger();

        // Every benchmark's name ends in its number of readers: ring4p3r, ringInline3r.
        static int readersOf(BenchmarkParams params) {
            String name = params.getBenchmark();
            return Character.digit(name.charAt(name.length() - 2), 10);
        }

        int seatOf(Reader r) {
            if (r.seat < 0) {
                r.seat = taken.getAndIncrement();
            }
            return r.seat;
        }
    }

    @State(Scope.Group)
    public static class OurRing extends Seats {
        MultiProducerBroadcastRing ring;
        RingReader[] readers;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            ring = MultiProducerBroadcastRing.create(CAPACITY, 2L * CAPACITY * Producer.SAMPLE_BYTES);
            readers = new RingReader[readersOf(params)];
            for (int i = 0; i < readers.length; i++) {
                readers[i] = ring.newReader("reader-" + i);
            }
        }

        RingReader reader(Reader r) {
            return readers[seatOf(r)];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            for (RingReader reader : readers) {
                reader.close();
            }
        }
    }

    @State(Scope.Group)
    public static class Disruptor extends Seats {
        RingBuffer<SampleEvent> ringBuffer;
        EventPoller<SampleEvent>[] pollers;

        @Setup(Level.Trial)
        @SuppressWarnings("unchecked")
        public void setUp(BenchmarkParams params) {
            ringBuffer = RingBuffer.createMultiProducer(SampleEvent::new, CAPACITY, new BusySpinWaitStrategy());
            pollers = new EventPoller[readersOf(params)];
            for (int i = 0; i < pollers.length; i++) {
                pollers[i] = ringBuffer.newPoller();
                ringBuffer.addGatingSequences(pollers[i].getSequence());
            }
        }

        EventPoller<SampleEvent> poller(Reader r) {
            return pollers[seatOf(r)];
        }
    }

    @State(Scope.Group)
    public static class ArrayBlocking extends Seats {
        ArrayBlockingQueue<Sample>[] queues;

        @Setup(Level.Trial)
        @SuppressWarnings("unchecked")
        public void setUp(BenchmarkParams params) {
            queues = new ArrayBlockingQueue[readersOf(params)];
            for (int i = 0; i < queues.length; i++) {
                queues[i] = new ArrayBlockingQueue<>(CAPACITY);
            }
        }

        int offerToAll(Sample sample) {
            int accepted = 0;
            for (ArrayBlockingQueue<Sample> queue : queues) {
                if (queue.offer(sample)) {
                    accepted++;
                }
            }
            return accepted;
        }

        ArrayBlockingQueue<Sample> queue(Reader r) {
            return queues[seatOf(r)];
        }
    }

    @State(Scope.Group)
    public static class Mpsc extends Seats {
        MpscArrayQueue<Sample>[] queues;

        @Setup(Level.Trial)
        @SuppressWarnings("unchecked")
        public void setUp(BenchmarkParams params) {
            queues = new MpscArrayQueue[readersOf(params)];
            for (int i = 0; i < queues.length; i++) {
                queues[i] = new MpscArrayQueue<>(CAPACITY);
            }
        }

        int offerToAll(Sample sample) {
            int accepted = 0;
            for (MpscArrayQueue<Sample> queue : queues) {
                if (queue.offer(sample)) {
                    accepted++;
                }
            }
            return accepted;
        }

        MpscArrayQueue<Sample> queue(Reader r) {
            return queues[seatOf(r)];
        }
    }

    /** The Disruptor's preallocated slot. */
    static final class SampleEvent {
        static final EventTranslatorOneArg<SampleEvent, Sample> TRANSLATOR = (event, sequence, sample) ->
                event.sample = sample;

        Sample sample;
    }

    /** Cycles through distinct samples, so the readers do not read one object over and over. */
    @State(Scope.Thread)
    public static class Producer {
        static final int SAMPLE_BYTES = sample(0).estimatedBytes();
        private static final int DISTINCT = 4096;

        final Sample[] samples = new Sample[DISTINCT];
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < samples.length; i++) {
                samples[i] = sample(i);
            }
        }

        Sample next() {
            Sample sample = samples[next];
            next = (next + 1) & (DISTINCT - 1);
            return sample;
        }

        static Sample sample(long value) {
            return Sample.of("app.requests", MetricType.TIMER, "p99", SampleValue.of(value),
                    Instant.ofEpochSecond(1_717_171_717L, value), "app-01.example", "app");
        }
    }

    /** One reader thread: reads every sample it is handed. */
    @State(Scope.Thread)
    public static class Reader
            implements Consumer<Sample>, MessagePassingQueue.Consumer<Sample>, EventPoller.Handler<SampleEvent> {
        int seat = -1;
        long checksum;
        // What the Disruptor's poller may still hand over in this call.
        int remaining;
        // ArrayBlockingQueue.drainTo fills a collection; reused, never reallocated.
        final List<Sample> drained = new ArrayList<>(CAPACITY);

        @Override
        public void accept(Sample sample) {
            checksum += sample.nanos();
        }

        @Override
        public boolean onEvent(SampleEvent event, long sequence, boolean endOfBatch) {
            accept(event.sample);
            return --remaining > 0;
        }

        int poll(EventPoller<SampleEvent> poller, int max) throws Exception {
            remaining = max;
            poller.poll(this);
            return max - remaining;
        }

        int drain(ArrayBlockingQueue<Sample> queue, int max) {
            int n = queue.drainTo(drained, max);
            for (int i = 0; i < n; i++) {
                accept(drained.get(i));
            }
            drained.clear();
            return n;
        }
    }

    /** Samples the reader threads received, reported per second next to the group's score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Delivered {
        public long delivered;

        @Setup(Level.Iteration)
        public void reset() {
            delivered = 0;
        }
    }
}
