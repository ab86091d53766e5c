package dev.concierge.courier.core.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A long that has its cache lines to itself, for a counter one group of threads writes while others read
 * it or write their own: written next to another hot field, every store would also take that field's line
 * away from its readers (false sharing). 112 bytes on each side, as in the Disruptor's {@code Sequence}, so
 * that CPUs that fetch lines in pairs see no neighbour either. The JVM lays out a superclass's fields
 * before its subclass's, which keeps the padding on both sides of {@code value}.
 *
 * <p>Each use says at its declaration which memory-ordering rule of the package it follows.
 */
final class PaddedLong extends PaddedLongRight {

    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(PaddedLongValue.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    PaddedLong(long initial) {
        value = initial;
    }

    /** Volatile load. */
    long get() {
        return value;
    }

    /** Volatile store. */
    void set(long next) {
        value = next;
    }

    boolean compareAndSet(long expected, long next) {
        return VALUE.compareAndSet(this, expected, next);
    }

    long getAndAdd(long delta) {
        return (long) VALUE.getAndAdd(this, delta);
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}

// The Disruptor's Sequence.java keeps its padding classes beside it the same way.
abstract class PaddedLongLeft {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13;
}

abstract class PaddedLongValue extends PaddedLongLeft {
    volatile long value;
}

abstract class PaddedLongRight extends PaddedLongValue {
    long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p30, p31, p32, p33;
}
