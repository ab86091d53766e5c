package dev.concierge.courier.core.ring;

import dev.concierge.courier.core.model.Sample;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A {@link SampleRing} for many producer threads and many readers, every reader seeing every sample.
 * Publishing and draining are lock-free and allocate nothing; registering and closing a reader allocate
 * a new reader list.
 *
 * <p>Bounded by a power-of-two number of slots and by a byte budget. A reclaimed slot keeps a reference
 * to its last sample until a later lap overwrites it, as in the Disruptor, so the heap held can exceed the
 * byte budget by at most one sample per slot.
 *
 * <p>The memory-ordering conventions are those of the {@linkplain dev.concierge.courier.core.ring package}.
 */
public final class MultiProducerBroadcastRing implements SampleRing {

    // A reader's cursor while it is registering: reclaimers step aside until it is set.
    private static final long NO_CURSOR = Long.MIN_VALUE;

    private static final VarHandle FLAGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle READERS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            READERS = lookup.findVarHandle(MultiProducerBroadcastRing.class, "readers", Reader[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int mask;
    private final long byteCapacity;
    // Plain: written by the claiming producer before the slot's flag is released, read after it is acquired.
    private final Sample[] samples;
    private final int[] sizes;
    // The sequence last published in each slot; release store by producers, acquire load by everyone else.
    private final long[] flags;

    // Each counter below is written by a different group of threads, so each is padded (see PaddedLong).
    // The next sequence to claim; CAS by producers.
    private final PaddedLong claimed = new PaddedLong(0);
    // Every sequence below it has been passed by every open reader; CAS by reclaimers, only grows.
    private final PaddedLong reclaimed = new PaddedLong(0);
    // Reserved by producers with a CAS, given back by the winning reclaimer with getAndAdd.
    private final PaddedLong bytesInUse = new PaddedLong(0);
    private final PaddedLong refused = new PaddedLong(0);
    // Copy-on-write, swapped by CAS.
    private volatile Reader[] readers = new Reader[0];

    private MultiProducerBroadcastRing(int slots, long byteCapacity) {
        if (slots <= 0 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots: " + slots + " (expected: a power of two)");
        }
        if (byteCapacity <= 0) {
            throw new IllegalArgumentException("byteCapacity: " + byteCapacity + " (expected: > 0)");
        }
        this.mask = slots - 1;
        this.byteCapacity = byteCapacity;
        this.samples = new Sample[slots];
        this.sizes = new int[slots];
        this.flags = new long[slots];
        // No sequence is negative, so no slot looks published before its first lap.
        Arrays.fill(flags, -1L);
    }

    /**
     * A ring of {@code slots} slots (a power of two) holding at most {@code byteCapacity} estimated bytes.
     *
     * @throws IllegalArgumentException when {@code slots} is not a power of two or {@code byteCapacity} is
     *     not positive
     */
    public static MultiProducerBroadcastRing create(int slots, long byteCapacity) {
        return new MultiProducerBroadcastRing(slots, byteCapacity);
    }

    @Override
    public boolean tryPublish(Sample sample) {
        Objects.requireNonNull(sample, "sample");
        int bytes = sample.estimatedBytes();
        long sequence = reserveAndClaim(bytes);
        if (sequence < 0) {
            // Space may be passed by every reader but not yet reclaimed: a reader registered while an
            // earlier slot was still being filled cannot reclaim that slot once it is (it never reads it).
            reclaim();
            sequence = reserveAndClaim(bytes);
            if (sequence < 0) {
                refused.getAndAdd(1L);
                return false;
            }
        }
        int index = index(sequence);
        samples[index] = sample;
        sizes[index] = bytes;
        FLAGS.setRelease(flags, index, sequence);

        Reader[] current = readers;
        if (current.length == 0) {
            // Nobody will drain this slot, so give it back now. The fence orders the flag store before the
            // flag loads in reclaim(): of two producers publishing neighbouring slots at once, at least one
            // sees both published.
            VarHandle.fullFence();
            reclaim();
        } else {
            for (Reader reader : current) {
                reader.unparkIfWaiting();
            }
        }
        return true;
    }

    // Reserves bytes, then claims a sequence; the bytes go back if no slot is free. -1 when full.
    private long reserveAndClaim(int bytes) {
        if (claimed.get() - reclaimed.get() > mask) {
            return -1; // full by slots: refuse without writing to lines the readers and other producers share
        }
        long used;
        do {
            used = bytesInUse.get();
            if (used > byteCapacity - bytes) {
                return -1;
            }
        } while (!bytesInUse.compareAndSet(used, used + bytes));

        long sequence;
        do {
            sequence = claimed.get();
            if (sequence - reclaimed.get() > mask) {
                bytesInUse.getAndAdd(-bytes);
                return -1;
            }
        } while (!claimed.compareAndSet(sequence, sequence + 1));
        return sequence;
    }

    /**
     * Moves {@code reclaimed} up to the slowest open reader (with no reader, up to the last published
     * slot) and gives back the bytes of the slots it passes. Any thread; lock-free.
     */
    private void reclaim() {
        for (;;) {
            Reader[] current = readers;
            long from = reclaimed.get();
            long limit = from + samples.length;
            for (Reader reader : current) {
                long cursor = reader.cursor.get();
                if (cursor == NO_CURSOR) {
                    return; // newReader() reclaims once the cursor is set
                }
                limit = Math.min(limit, cursor);
            }
            long to = from;
            long bytes = 0;
            // Stop at the first slot not yet published: it may not be reused before its producer filled it,
            // even when every reader's cursor is past it (readers registered after its claim start past it).
            while (to < limit && (long) FLAGS.getAcquire(flags, index(to)) == to) {
                bytes += sizes[index(to)];
                to++;
            }
            if (to == from) {
                return;
            }
            if (readers != current) {
                continue; // a reader came or went while we read the cursors; see newReader()
            }
            if (reclaimed.compareAndSet(from, to)) {
                bytesInUse.getAndAdd(-bytes);
                return;
            }
        }
    }

    @Override
    public RingReader newReader(String name) {
        Objects.requireNonNull(name, "name");
        Reader reader = new Reader(name);
        Reader[] current;
        Reader[] next;
        do {
            current = readers;
            next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = reader;
        } while (!READERS.compareAndSet(this, current, next));
        // Read the claim counter only now that reclaimers see this reader. A reclaimer that missed it read
        // every cursor before this load (it re-reads the list afterwards), and no cursor exceeds the claim
        // counter, so it cannot free a slot at or past the cursor set here.
        reader.cursor.set(claimed.get());
        reclaim(); // reclaimers that met the unset cursor stepped aside
        return reader;
    }

    private void remove(Reader reader) {
        Reader[] current;
        Reader[] next;
        do {
            current = readers;
            int at = Arrays.asList(current).indexOf(reader);
            if (at < 0) {
                return;
            }
            next = new Reader[current.length - 1];
            System.arraycopy(current, 0, next, 0, at);
            System.arraycopy(current, at + 1, next, at, next.length - at);
        } while (!READERS.compareAndSet(this, current, next));
        reclaim();
    }

    @Override
    public long refused() {
        return refused.get();
    }

    @Override
    public long bytesInUse() {
        return bytesInUse.get();
    }

    @Override
    public long byteCapacity() {
        return byteCapacity;
    }

    /** The number of slots given at construction. */
    public int slots() {
        return samples.length;
    }

    private int index(long sequence) {
        return (int) sequence & mask;
    }

    @Override
    public String toString() {
        return "MultiProducerBroadcastRing[slots=" + samples.length + ", bytesInUse=" + bytesInUse
                + ", byteCapacity=" + byteCapacity + ", readers=" + readers.length + "]";
    }

    private final class Reader implements RingReader {
        private final String name;
        // The next sequence to read. Written by the owner (volatile: see the package's Drain rule), read
        // by reclaimers and lag(); padded so its store once per drain does not take the line holding
        // waiter away from every producer.
        private final PaddedLong cursor = new PaddedLong(NO_CURSOR);
        // The owner while it may park; stored by the owner before it re-checks the claim counter, loaded by
        // every producer after publishing.
        private volatile Thread waiter;
        private volatile boolean wakeRequested;
        private volatile boolean closed;

        Reader(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int drainTo(Consumer<Sample> into, int max) {
            Objects.requireNonNull(into, "into");
            if (max < 0) {
                throw new IllegalArgumentException("max: " + max + " (expected: >= 0)");
            }
            if (closed) {
                return 0;
            }
            long start = cursor.get();
            long next = start;
            try {
                while (next - start < max) {
                    int index = index(next);
                    if ((long) FLAGS.getAcquire(flags, index) != next) {
                        break;
                    }
                    Sample sample = samples[index];
                    next++; // counted as handed over even if into throws
                    into.accept(sample);
                }
            } finally {
                if (next != start) {
                    cursor.set(next);
                    reclaim();
                }
            }
            return (int) (next - start);
        }

        @Override
        public boolean awaitAvailable(long timeout, TimeUnit unit) throws InterruptedException {
            Objects.requireNonNull(unit, "unit");
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            for (;;) {
                if (closed) {
                    return false;
                }
                if (available()) {
                    wakeRequested = false;
                    return true;
                }
                if (wakeRequested) {
                    wakeRequested = false;
                    return available();
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                waiter = Thread.currentThread();
                if (claimed.get() > cursor.get()) {
                    // A producer claimed our next slot and is filling it: nothing to park for, but on a
                    // busy machine it may have been descheduled, so let it run.
                    Thread.yield();
                } else if (!wakeRequested) {
                    // Any producer that claims after our waiter store unparks us once it has published.
                    LockSupport.parkNanos(this, remaining);
                }
                waiter = null;
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        }

        private boolean available() {
            long next = cursor.get();
            return (long) FLAGS.getAcquire(flags, index(next)) == next;
        }

        // Called by producers after every publish: one volatile load when nobody is parked.
        void unparkIfWaiting() {
            Thread thread = waiter;
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void wakeUp() {
            wakeRequested = true;
            unparkIfWaiting();
        }

        @Override
        public long lag() {
            long next = cursor.get();
            if (closed || next == NO_CURSOR) {
                return 0;
            }
            return Math.max(0, claimed.get() - next);
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            remove(this);
        }

        @Override
        public String toString() {
            return "RingReader[" + name + ", lag=" + lag() + (closed ? ", closed]" : "]");
        }
    }
}
