package dev.concierge.courier.core.ledger;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ledger that keeps backlogs and records in memory: delivery is at least once while the process lives,
 * and whatever is still owed when it stops is recorded as dropped. The most recent records are kept up to a
 * fixed count; totals are kept for the life of the process.
 */
public final class InMemoryDeliveryLedger implements DeliveryLedger {
    private static final Logger log = LoggerFactory.getLogger(InMemoryDeliveryLedger.class);

    private final Clock clock;
    private final int recentCapacity;
    private final ArrayDeque<DeliveryRecord> recent;
    private final Map<String, LedgerTotals> totals = new ConcurrentHashMap<>();
    private final List<Consumer<DeliveryRecord>> listeners = new CopyOnWriteArrayList<>();
    // Guarded by itself.
    private final LossRanges losses = LossRanges.withDefaults(range -> { });

    public InMemoryDeliveryLedger(Clock clock, int recentCapacity) {
        if (recentCapacity < 1) {
            throw new IllegalArgumentException("recentCapacity: " + recentCapacity + " (expected: >= 1)");
        }
        this.clock = clock;
        this.recentCapacity = recentCapacity;
        this.recent = new ArrayDeque<>(recentCapacity);
    }

    @Override
    public void addListener(Consumer<DeliveryRecord> listener) {
        listeners.add(listener);
    }

    @Override
    public SinkBacklog openBacklog(String sink, long byteBudget) {
        totals.putIfAbsent(sink, LedgerTotals.ZERO);
        return new InMemorySinkBacklog(sink, byteBudget, clock);
    }

    @Override
    public void record(DeliveryRecord record) {
        synchronized (recent) {
            if (recent.size() == recentCapacity) {
                recent.removeFirst();
            }
            recent.addLast(record);
        }
        totals.merge(record.sink(), LedgerTotals.ZERO.plus(record), InMemoryDeliveryLedger::add);
        synchronized (losses) {
            if (record.outcome() == DeliveryRecord.Outcome.DROPPED) {
                losses.lost(LossRange.Origin.SINK, record.sink(), record.detail(), record.dropped(),
                        record.oldestSample(), record.newestSample(), record.at());
            } else if (record.accepted() > 0) {
                losses.delivered(record.sink(), record.at());
            }
        }
        for (Consumer<DeliveryRecord> listener : listeners) {
            try {
                listener.accept(record);
            } catch (RuntimeException e) {
                log.warn("ledger listener failed on a record of sink {}; the record is kept and the other listeners run",
                        record.sink(), e);
            }
        }
    }

    private static LedgerTotals add(LedgerTotals a, LedgerTotals b) {
        return new LedgerTotals(a.batches() + b.batches(), a.accepted() + b.accepted(), a.rejected() + b.rejected(),
                a.dropped() + b.dropped());
    }

    @Override
    public void recordSourceLoss(String source, long count, Instant oldest, Instant newest, String reason) {
        synchronized (losses) {
            losses.lost(LossRange.Origin.SOURCE, source, reason, count, oldest, newest, clock.instant());
        }
    }

    /** Loss ranges since {@code since}, for the life of the process. */
    @Override
    public List<LossRange> losses(Instant since) {
        synchronized (losses) {
            losses.expire(clock.instant());
            return List.copyOf(losses.since(since));
        }
    }

    @Override
    public List<DeliveryRecord> recent(int limit) {
        synchronized (recent) {
            List<DeliveryRecord> all = new ArrayList<>(recent);
            return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
        }
    }

    @Override
    public LedgerTotals totals(String sink) {
        return totals.getOrDefault(sink, LedgerTotals.ZERO);
    }

    @Override
    public void sync() {
        // Nothing to make durable.
    }

    @Override
    public void close() {
        // Each sink's pipeline thread closes its backlog and records what it gave up.
    }
}
