package dev.concierge.courier.sources.prometheus;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * Reads the timestamp of a sample line (or of an exemplar) in the unit of its format, exactly to the
 * nanosecond: 0.0.4 writes an int64 count of milliseconds, possibly negative; OpenMetrics writes seconds as
 * a number in Go float syntax, finite.
 *
 * <p>A reusable result, like {@link ParsedNumber}: a read fills {@link #second()} and {@link #nanos()},
 * which are meaningful only after a read that returned {@code true} and until the next one. An integer
 * timestamp allocates nothing; fractional seconds go through a {@link BigDecimal} so that no nanosecond is
 * lost to a double. Not thread-safe: one per purpose, on its owner's thread.
 */
final class SampleTimestamp {
    private final ParsedNumber number = new ParsedNumber();
    private long second;
    private int nanos;

    /** Seconds since the epoch, rounded down (so the nanoseconds are never negative). */
    long second() {
        return second;
    }

    /** Nanoseconds within {@link #second()}, in {@code [0, 999_999_999]}. */
    int nanos() {
        return nanos;
    }

    /** 0.0.4: reads {@code b[start, end)} as an int64 count of milliseconds; false when it is not one. */
    boolean readMillis(byte[] b, int start, int end) {
        if (!GoFloatParser.parse(b, start, end, number) || !number.isLong()) {
            return false;
        }
        second = Math.floorDiv(number.asLong(), 1000L);
        nanos = (int) Math.floorMod(number.asLong(), 1000L) * 1_000_000;
        return true;
    }

    /**
     * OpenMetrics: reads {@code b[start, end)} as seconds, a finite number in Go float syntax, converted
     * without a double so nanoseconds stay exact (digits below the nanosecond round the instant down, towards
     * the past); false when it is not one or when its seconds do not fit a long.
     */
    boolean readSeconds(byte[] b, int start, int end) {
        if (!GoFloatParser.parse(b, start, end, number) || !Double.isFinite(number.value())) {
            return false;
        }
        if (number.isLong()) {
            second = number.asLong();
            nanos = 0;
            return true;
        }
        try {
            BigDecimal seconds = new BigDecimal(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
            BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
            long wholeSecond = whole.longValueExact();
            int fraction = seconds.subtract(whole).movePointRight(9).setScale(0, RoundingMode.DOWN).intValueExact();
            second = wholeSecond;
            nanos = fraction;
            return true;
        } catch (ArithmeticException | NumberFormatException e) {
            return false;
        }
    }
}
