package dev.concierge.courier.core.ledger;

/**
 * What a file backlog has settled, by sequence number: the cursor below which every sequence is settled,
 * the settled ranges beyond it ({@link SettledRanges}), and the cursor last made durable in the
 * {@link CursorFile}. Ranges are added as samples settle, are evicted or are found lost; the cursor moves
 * over them only at {@link #advance}, so that a run of additions pays for one move.
 *
 * <p>Not thread-safe: used under its backlog's lock only.
 */
final class SettledCursor {
    private final SettledRanges ranges = new SettledRanges();
    private long cursor;
    private long durable;

    /** Starts from the cursor read back at open, moving over whatever was added before. */
    void startAt(long durableCursor) {
        durable = durableCursor;
        cursor = ranges.advance(durableCursor);
    }

    /** Adds the settled sequences {@code [from, to)}; the cursor moves over them at the next {@link #advance}. */
    void add(long from, long to) {
        ranges.add(from, to);
    }

    /** Moves the cursor over every range that starts at it. */
    void advance() {
        cursor = ranges.advance(cursor);
    }

    /** How many sequences in {@code [from, to)} are not settled: still owed, or lost without a record yet. */
    long unsettledIn(long from, long to) {
        long low = Math.max(from, cursor);
        if (to <= low) {
            return 0;
        }
        return (to - low) - ranges.coveredIn(low, to);
    }

    /** Every sequence below this one is settled. */
    long cursor() {
        return cursor;
    }

    /** The cursor as the cursor file holds it. */
    long durable() {
        return durable;
    }

    /** Whether the cursor has moved since it was last made durable. */
    boolean aheadOfDurable() {
        return cursor != durable;
    }

    /** Records that the cursor file now holds {@code written}. */
    void madeDurable(long written) {
        durable = written;
    }
}
