package dev.concierge.courier.core.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Coalesces losses into {@link LossRange}s: a loss joins the open range of its place (sink or source) and
 * reason, or opens one. A range closes when no loss joined it for the quiet period, or, for a sink, when a
 * delivery is settled at least the settle time after its latest loss (deliveries resumed). The settle time
 * keeps a sink that both delivers and evicts (slower than its intake) at one range rather than one per batch.
 * Reasons that differ only in their numbers ("sample of 70000 bytes ...") count as the same reason.
 *
 * <p>At most {@code keep} ranges are kept; past it the oldest is forgotten. Every range that changes is passed
 * to {@code changed}, which persists it. Not thread-safe: its ledger's lock guards it.
 */
final class LossRanges {
    /** No loss for this long closes a range. */
    static final Duration QUIET_PERIOD = Duration.ofSeconds(60);
    /** A delivery this long after a sink's latest loss closes its ranges. */
    static final Duration SETTLE = Duration.ofSeconds(5);
    /** Ranges kept: at a few per outage, years of them, in about a megabyte. */
    static final int KEEP = 10_000;

    private static final Pattern NUMBERS = Pattern.compile("[0-9]+");

    private final Duration quietPeriod;
    private final Duration settle;
    private final int keep;
    private final Consumer<LossRange> changed;
    // By id, so in the order ranges were opened (a replaced value keeps its place).
    private final LinkedHashMap<Long, LossRange> ranges = new LinkedHashMap<>();
    private final Map<String, Long> openByKey = new HashMap<>();
    private long nextId = 1;

    LossRanges(Duration quietPeriod, Duration settle, int keep, Consumer<LossRange> changed) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep: " + keep + " (expected: >= 1)");
        }
        this.quietPeriod = quietPeriod;
        this.settle = settle;
        this.keep = keep;
        this.changed = changed;
    }

    static LossRanges withDefaults(Consumer<LossRange> changed) {
        return new LossRanges(QUIET_PERIOD, SETTLE, KEEP, changed);
    }

    /** Takes back a range read from disk, replacing an earlier state of the same id; not passed to {@code changed}. */
    void restore(LossRange range) {
        ranges.put(range.id(), range);
        String key = key(range.origin(), range.name(), range.reason());
        if (range.open()) {
            openByKey.put(key, range.id());
        } else {
            openByKey.remove(key, range.id());
        }
        nextId = Math.max(nextId, range.id() + 1);
        trim();
    }

    /** Records {@code count} samples lost at {@code at}; {@code oldest} and {@code newest} may be null. */
    void lost(LossRange.Origin origin, String name, String reason, long count, Instant oldest, Instant newest,
              Instant at) {
        if (count <= 0) {
            return;
        }
        expire(at);
        String key = key(origin, name, reason);
        Long openId = openByKey.get(key);
        LossRange range;
        if (openId == null) {
            range = new LossRange(nextId++, origin, name, reason, count, oldest, newest, at, at, null);
            openByKey.put(key, range.id());
        } else {
            LossRange was = ranges.get(openId);
            long total = was.count() + count < 0 ? Long.MAX_VALUE : was.count() + count;
            range = new LossRange(was.id(), origin, name, reason, total, earlier(was.firstSample(), oldest),
                    later(was.lastSample(), newest), was.firstLoss(), later(was.lastLoss(), at), null);
        }
        ranges.put(range.id(), range);
        changed.accept(range);
        trim();
    }

    /** A delivery to {@code sink} settled at {@code at}: its ranges quiet for the settle time close. */
    void delivered(String sink, Instant at) {
        expire(at);
        closeWhere(range -> range.origin() == LossRange.Origin.SINK && range.name().equals(sink)
                && !range.lastLoss().plus(settle).isAfter(at), at);
    }

    /** Closes every range with no loss for the quiet period. */
    void expire(Instant now) {
        closeWhere(range -> !range.lastLoss().plus(quietPeriod).isAfter(now), now);
    }

    /** Ranges with a loss at or after {@code since} (every range for null), in the order they were opened. */
    List<LossRange> since(Instant since) {
        List<LossRange> found = new ArrayList<>();
        for (LossRange range : ranges.values()) {
            if (since == null || !range.lastLoss().isBefore(since)) {
                found.add(range);
            }
        }
        return found;
    }

    /** Every range kept, in the order they were opened. */
    List<LossRange> all() {
        return new ArrayList<>(ranges.values());
    }

    private void closeWhere(Predicate<LossRange> due, Instant at) {
        if (openByKey.isEmpty()) {
            return;
        }
        Iterator<Long> open = openByKey.values().iterator();
        while (open.hasNext()) {
            LossRange range = ranges.get(open.next());
            if (due.test(range)) {
                open.remove();
                LossRange closed = new LossRange(range.id(), range.origin(), range.name(), range.reason(),
                        range.count(), range.firstSample(), range.lastSample(), range.firstLoss(), range.lastLoss(),
                        at);
                ranges.put(closed.id(), closed);
                changed.accept(closed);
            }
        }
    }

    private void trim() {
        Iterator<LossRange> oldest = ranges.values().iterator();
        while (ranges.size() > keep && oldest.hasNext()) {
            LossRange range = oldest.next();
            oldest.remove();
            openByKey.remove(key(range.origin(), range.name(), range.reason()), range.id());
        }
    }

    private static String key(LossRange.Origin origin, String name, String reason) {
        return origin.name() + '\u0000' + name + '\u0000' + NUMBERS.matcher(reason == null ? "" : reason).replaceAll("#");
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }
}
