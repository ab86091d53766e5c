package dev.concierge.courier.core.ledger;

import java.util.Map;
import java.util.TreeMap;

/**
 * Sequence numbers settled beyond the cursor, as disjoint half-open ranges merged as they touch. Batches
 * settle out of order; the cursor moves only over the contiguous prefix. Its size is bounded by the gaps
 * among settled sequences, that is by the batches in flight, not by the backlog.
 */
final class SettledRanges {
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    /** Adds {@code [from, to)}. */
    void add(long from, long to) {
        long start = from;
        long end = to;
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
            ranges.remove(before.getKey());
        }
        Map.Entry<Long, Long> after = ranges.ceilingEntry(start);
        while (after != null && after.getKey() <= end) {
            end = Math.max(end, after.getValue());
            ranges.remove(after.getKey());
            after = ranges.ceilingEntry(start);
        }
        ranges.put(start, end);
    }

    /** The cursor moved over every range that starts at it; those ranges are forgotten. */
    long advance(long cursor) {
        long at = cursor;
        Map.Entry<Long, Long> first = ranges.firstEntry();
        while (first != null && first.getKey() <= at) {
            at = Math.max(at, first.getValue());
            ranges.pollFirstEntry();
            first = ranges.firstEntry();
        }
        return at;
    }

    /** How many sequences in {@code [from, to)} the ranges cover. */
    long coveredIn(long from, long to) {
        long covered = 0;
        Map.Entry<Long, Long> entry = ranges.floorEntry(from);
        if (entry == null || entry.getValue() <= from) {
            entry = ranges.higherEntry(from);
        }
        while (entry != null && entry.getKey() < to) {
            covered += Math.min(to, entry.getValue()) - Math.max(from, entry.getKey());
            entry = ranges.higherEntry(entry.getKey());
        }
        return covered;
    }

    int rangeCount() {
        return ranges.size();
    }
}
