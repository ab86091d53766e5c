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
 * <p>Bounded by a power-of-two number of slots and by a byte budget (below 4 GiB counted exactly, above it
 * each sample's size is rounded up to a unit of budget / 2^32). The last reader to read a slot clears it,
 * so the ring holds no sample that every reader has passed. Two exceptions keep a sample until a later lap
 * overwrites it (the Disruptor never clears a slot): one published while no reader was open, and one
 * that two readers passed in drains running at the same time, each while the other's cursor was still
 * below it.
 *
 * <p>The memory-ordering conventions are those of the {@linkplain dev.concierge.courier.core.ring package}.
 */
public final class MultiProducerBroadcastRing implements SampleRing {

    // A reader's cursor while it is registering: reclaimers step aside until it is set.
    private static final long NO_CURSOR = Long.MIN_VALUE;
    // The claim word holds the bytes in use in its high half and the next sequence's low 32 bits in its
    // low half, so that one CAS both reserves the bytes and claims the slot.
    private static final long SEQUENCE_BITS = 0xFFFF_FFFFL;

    private static final VarHandle FLAGS = MethodHandles.arrayElementVarHandle(int[].class);
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
    // Bytes are counted in units of 2^shift so that the budget fits the claim word's high half: 0 for any
    // budget below 4 GiB; above that, sizes are rounded up to whole units.
    private final int shift;
    private final long unitCapacity;
    // Plain: written by the claiming producer before the slot's flag is released, read after it is acquired.
    // A reader that every other reader has passed clears the sample it read (see Reader.drainTo).
    private final Sample[] samples;
    // The slot's size in units; written and read like samples.
    private final int[] sizes;
    // The low 32 bits of the sequence last published in each slot; release store by producers, acquire
    // load by everyone else. A slot is only reused once every reader has passed it, so a reader expecting
    // sequence s finds s or s - slots there, never a value 2^32 away.
    private final int[] flags;

    // Each counter below is written by a different group of threads, so each is padded (see PaddedLong).
    // Bytes in use (units) and the next sequence to claim (low 32 bits); CAS by producers, bytes given back
    // by the winning reclaimer with getAndAdd.
    private final PaddedLong claim = new PaddedLong(0);
    // Every sequence below it has been passed by every open reader; CAS by reclaimers, only grows.
    private final PaddedLong reclaimed = new PaddedLong(0);
    private final PaddedLong refused = new PaddedLong(0);
    // Copy-on-write, swapped by CAS.
    private volatile Reader[] readers = new Reader[0];

    private MultiProducerBroadcastRing(int slots, long byteCapacity, long firstSequence) {
        if (slots <= 0 || Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("slots: " + slots + " (expected: a power of two)");
        }
        if (byteCapacity <= 0) {
            throw new IllegalArgumentException("byteCapacity: " + byteCapacity + " (expected: > 0)");
        }
        this.mask = slots - 1;
        this.byteCapacity = byteCapacity;
        this.shift = Math.max(0, 64 - Long.numberOfLeadingZeros(byteCapacity) - 32);
        this.unitCapacity = byteCapacity >>> shift;
        this.samples = new Sample[slots];
        this.sizes = new int[slots];
        this.flags = new int[slots];
        // Each slot holds the sequence one lap before its first, so none looks published too early.
        for (long sequence = firstSequence; sequence < firstSequence + slots; sequence++) {
            flags[index(sequence)] = (int) (sequence - slots);
        }
        claim.set(firstSequence & SEQUENCE_BITS);
        reclaimed.set(firstSequence);
    }

    /**
     * A ring of {@code slots} slots (a power of two) holding at most {@code byteCapacity} estimated bytes.
     *
     * @throws IllegalArgumentException when {@code slots} is not a power of two or {@code byteCapacity} is
     *     not positive
     */
    public static MultiProducerBroadcastRing create(int slots, long byteCapacity) {
        return new MultiProducerBroadcastRing(slots, byteCapacity, 0);
    }

    /** A ring whose first sequence is {@code firstSequence}, so that tests can cross 2^31 and 2^32. */
    static MultiProducerBroadcastRing startingAt(int slots, long byteCapacity, long firstSequence) {
        return new MultiProducerBroadcastRing(slots, byteCapacity, firstSequence);
    }

    @Override
    public boolean tryPublish(Sample sample) {
        Objects.requireNonNull(sample, "sample");
        long units = units(sample.estimatedBytes());
        long claimed = claim(units);
        if (claimed < 0) {
            // Space may be passed by every reader but not yet reclaimed: a reader registered while an
            // earlier slot was still being filled cannot reclaim that slot once it is (it never reads it).
            reclaim();
            claimed = claim(units);
            if (claimed < 0) {
                refused.getAndAdd(1L);
                return false;
            }
        }
        int sequence = (int) claimed;
        int index = sequence & mask;
        samples[index] = sample;
        sizes[index] = (int) units;
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

    // A sample's size in units, rounded up; more than unitCapacity when it can never fit.
    private long units(int bytes) {
        return ((long) bytes + (1L << shift) - 1) >>> shift;
    }

    /**
     * Reserves {@code units} and claims the next sequence with one CAS. Returns the sequence's low 32 bits
     * (0 to 2^32 - 1), or -1 when the slots or the bytes are exhausted.
     */
    private long claim(long units) {
        for (;;) {
            long word = claim.get();
            int sequence = (int) word;
            // int arithmetic: the claim is never more than `slots` ahead of reclaimed. reclaimed only grows,
            // so if the CAS below succeeds, the claim word was still this one when reclaimed was read.
            if (sequence - (int) reclaimed.get() > mask) {
                return -1;
            }
            long used = word >>> 32;
            if (used + units > unitCapacity) {
                return -1;
            }
            long next = ((used + units) << 32) | ((sequence + 1) & SEQUENCE_BITS);
            if (claim.compareAndSet(word, next)) {
                return sequence & SEQUENCE_BITS;
            }
        }
    }

    /**
     * Moves {@code reclaimed} up to the slowest open reader (with no reader, up to the last published
     * slot) and gives back the bytes of the slots it passes. Any thread; lock-free.
     */
    private void reclaim() {
        for (;;) {
            Reader[] current = readers;
            long from = reclaimed.get();
            long limit = lowestCursor(current, null, from + samples.length);
            if (limit == NO_CURSOR) {
                return; // newReader() reclaims once the cursor is set
            }
            long to = from;
            long units = 0;
            // Stop at the first slot not yet published: it may not be reused before its producer filled it,
            // even when every reader's cursor is past it (readers registered after its claim start past it).
            while (to < limit) {
                int index = index(to);
                if ((int) FLAGS.getAcquire(flags, index) != (int) to) {
                    break;
                }
                units += sizes[index];
                to++;
            }
            if (to == from) {
                return;
            }
            if (readers != current) {
                continue; // a reader came or went while we read the cursors; see newReader()
            }
            if (reclaimed.compareAndSet(from, to)) {
                // The high half of the claim word; the low half (the sequence) is untouched.
                claim.getAndAdd(-(units << 32));
                return;
            }
        }
    }

    /**
     * The lowest cursor of {@code current} other than {@code except}'s, at most {@code atMost};
     * {@link #NO_CURSOR} when one of them is still registering.
     */
    private static long lowestCursor(Reader[] current, Reader except, long atMost) {
        long lowest = atMost;
        for (Reader reader : current) {
            if (reader != except) {
                long cursor = reader.cursor.get();
                if (cursor == NO_CURSOR) {
                    return NO_CURSOR;
                }
                lowest = Math.min(lowest, cursor);
            }
        }
        return lowest;
    }

    /**
     * The next sequence to claim, in full. Every sequence below {@code reclaimed} has been claimed and at
     * most {@code slots} more have been since, so the claim word's low 32 bits, read after it, place it.
     */
    private long claimed() {
        long from = reclaimed.get();
        return from + (((int) claim.get() - (int) from) & SEQUENCE_BITS);
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
        // Read the claim word only now that reclaimers see this reader. A reclaimer that missed it read
        // every cursor before this load (it re-reads the list afterwards), and no cursor exceeds the claim
        // counter, so it cannot free a slot at or past the cursor set here.
        reader.cursor.set(claimed());
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
    public long published() {
        return claimed();
    }

    @Override
    public long refused() {
        return refused.get();
    }

    @Override
    public long bytesInUse() {
        return Math.min(byteCapacity, (claim.get() >>> 32) << shift);
    }

    @Override
    public long byteCapacity() {
        return byteCapacity;
    }

    @Override
    public int slots() {
        return samples.length;
    }

    private int index(long sequence) {
        return (int) sequence & mask;
    }

    @Override
    public String toString() {
        return "MultiProducerBroadcastRing[slots=" + samples.length + ", bytesInUse=" + bytesInUse()
                + ", byteCapacity=" + byteCapacity + ", readers=" + readers.length + "]";
    }

    private final class Reader implements RingReader {
        private final String name;
        // The next sequence to read. Written by the owner (volatile: see the package's Drain rule), read
        // by reclaimers and lag(); padded so its store once per drain does not take the line holding
        // waiter away from every producer.
        private final PaddedLong cursor = new PaddedLong(NO_CURSOR);
        // The owner while it may park; stored by the owner before it re-checks the claim word, loaded by
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
            long clearBelow = passedByEveryOther();
            long next = start;
            long clearedUnits = 0;
            try {
                while (next - start < max) {
                    int index = index(next);
                    if ((int) FLAGS.getAcquire(flags, index) != (int) next) {
                        break;
                    }
                    Sample sample = samples[index];
                    if (next < clearBelow) {
                        // Nobody else will read this slot and no producer can reuse it before our cursor
                        // passes it, so the ring stops holding the sample as soon as we have it.
                        samples[index] = null;
                        clearedUnits += sizes[index];
                    }
                    next++; // counted as handed over even if into throws
                    into.accept(sample);
                }
            } finally {
                if (next != start) {
                    cursor.set(next);
                    // When we were the last to read every slot we read and nothing below them waits to be
                    // reclaimed, those slots are exactly what reclaim() would free: free them without
                    // walking them again. reclaimed only grows, so the CAS fails if anyone moved it.
                    if (next > clearBelow || !reclaimed.compareAndSet(start, next)) {
                        reclaim();
                    } else {
                        claim.getAndAdd(-(clearedUnits << 32));
                    }
                }
            }
            return (int) (next - start);
        }

        /**
         * The lowest cursor of the other open readers: every slot below it has been read by all of them,
         * so this reader is the last to read it. Long.MIN_VALUE when some reader is registering or the
         * list changes meanwhile; the same re-check as reclaim() keeps a reader that registers afterwards
         * from starting below the result (see newReader()).
         */
        private long passedByEveryOther() {
            Reader[] current = readers;
            long lowest = lowestCursor(current, this, Long.MAX_VALUE); // NO_CURSOR is Long.MIN_VALUE
            return readers == current ? lowest : Long.MIN_VALUE;
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
                if (claimed() > cursor.get()) {
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
            return (int) FLAGS.getAcquire(flags, index(next)) == (int) next;
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
        public long position() {
            return cursor.get();
        }

        @Override
        public long lag() {
            long next = cursor.get();
            if (closed || next == NO_CURSOR) {
                return 0;
            }
            return Math.max(0, claimed() - next);
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
