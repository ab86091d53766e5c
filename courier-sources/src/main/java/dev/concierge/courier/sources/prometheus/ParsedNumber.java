package dev.concierge.courier.sources.prometheus;

/**
 * What {@link GoFloatParser#parse} read from one number: the double it denotes and, for a plain integer
 * literal that fits, the same number as an exact {@code long} (so counts above 2^53 stay exact).
 *
 * <p>A reusable result: the caller owns one per purpose and passes it to every parse, so reading a value
 * allocates nothing. Its content is meaningful only after a parse that returned {@code true}, and only until
 * the next parse into it. Not thread-safe: it belongs to the thread of its owner.
 */
final class ParsedNumber {
    double value;
    boolean isLong;
    long asLong;

    /** The number, correctly rounded to a double. */
    double value() {
        return value;
    }

    /** Whether the number was written as an integer of at most 18 significant digits, so {@link #asLong()} holds it. */
    boolean isLong() {
        return isLong;
    }

    /** The number exactly, when {@link #isLong()}. */
    long asLong() {
        return asLong;
    }
}
