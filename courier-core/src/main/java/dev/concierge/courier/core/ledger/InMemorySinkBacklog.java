package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One sink's backlog in memory: a queue of waiting samples bounded by bytes, and the batches in flight.
 * Not thread-safe: owned by the sink's pipeline thread. On close, everything still owed is reported as
 * dropped, because nothing here survives the process.
 */
final class InMemorySinkBacklog implements SinkBacklog {
    private final String sink;
    private final long byteBudget;
    private final Clock clock;
    private final String overBudget;

    private final ArrayDeque<Sample> waiting = new ArrayDeque<>();
    // Batches put back after a failed attempt, by batch id: batches are taken oldest first, so id order is
    // sample order even when batches in flight fail out of order. Each goes out again whole.
    private final TreeMap<Long, Batch> requeued = new TreeMap<>();
    private long requeuedSamples;
    private final Map<Long, Batch> inFlight = new LinkedHashMap<>();
    // Estimated bytes of everything waiting, requeued batches included.
    private long waitingBytes;
    private long inFlightSamples;
    private long nextBatchId;
    private boolean closed;

    InMemorySinkBacklog(String sink, long byteBudget, Clock clock) {
        if (byteBudget < 1) {
            throw new IllegalArgumentException("byteBudget: " + byteBudget + " (expected: >= 1)");
        }
        this.sink = sink;
        this.byteBudget = byteBudget;
        this.clock = clock;
        this.overBudget = "backlog over its budget of " + byteBudget + " bytes; oldest dropped";
    }

    @Override
    public void append(Sample sample, Consumer<DeliveryRecord> evicted) {
        waiting.addLast(sample);
        waitingBytes += sample.estimatedBytes();
        if (waitingBytes <= byteBudget) {
            return;
        }
        // Under a steady overload this runs for almost every sample appended: no list, and two Instants.
        int lost = 0;
        Sample oldest = null;
        Sample newest = null;
        while (waitingBytes > byteBudget && waitingSamples() > 0) {
            if (requeuedSamples > 0) {
                // The oldest waiting samples; evicted whole, so that a batch never comes back changed.
                Batch batch = requeued.pollFirstEntry().getValue();
                requeuedSamples -= batch.size();
                for (Sample dropped : batch.samples()) {
                    waitingBytes -= dropped.estimatedBytes();
                    lost++;
                    oldest = oldest == null || isBefore(dropped, oldest) ? dropped : oldest;
                    newest = newest == null || isBefore(newest, dropped) ? dropped : newest;
                }
                continue;
            }
            Sample dropped = waiting.removeFirst();
            waitingBytes -= dropped.estimatedBytes();
            lost++;
            oldest = oldest == null || isBefore(dropped, oldest) ? dropped : oldest;
            newest = newest == null || isBefore(newest, dropped) ? dropped : newest;
        }
        evicted.accept(DeliveryRecord.dropped(sink, lost, clock.instant(), oldest.timestamp(), newest.timestamp(),
                overBudget));
    }

    @Override
    public Batch takeBatch(int max) {
        Batch batch;
        if (requeuedSamples > 0) {
            Batch failed = requeued.pollFirstEntry().getValue();
            requeuedSamples -= failed.size();
            for (Sample sample : failed.samples()) {
                waitingBytes -= sample.estimatedBytes();
            }
            batch = failed.nextAttempt();
        } else if (!waiting.isEmpty()) {
            List<Sample> samples = new ArrayList<>(Math.min(max, waiting.size()));
            while (samples.size() < max && !waiting.isEmpty()) {
                Sample sample = waiting.removeFirst();
                waitingBytes -= sample.estimatedBytes();
                samples.add(sample);
            }
            batch = new Batch(nextBatchId++, samples);
        } else {
            return null;
        }
        inFlight.put(batch.id(), batch);
        inFlightSamples += batch.size();
        return batch;
    }

    @Override
    public void requeue(Batch batch) {
        Batch taken = inFlight.remove(batch.id());
        if (taken == null) {
            throw new IllegalStateException("batch " + batch.id() + " of sink " + sink + " is not in flight");
        }
        inFlightSamples -= taken.size();
        requeued.put(taken.id(), taken);
        requeuedSamples += taken.size();
        for (Sample sample : taken.samples()) {
            waitingBytes += sample.estimatedBytes();
        }
    }

    @Override
    public void settle(Batch batch) {
        if (inFlight.remove(batch.id()) == null) {
            throw new IllegalStateException("batch " + batch.id() + " of sink " + sink + " is not in flight");
        }
        inFlightSamples -= batch.size();
    }

    @Override
    public long pendingSamples() {
        return waitingSamples() + inFlightSamples;
    }

    @Override
    public long pendingBytes() {
        return waitingBytes;
    }

    @Override
    public long waitingSamples() {
        return requeuedSamples + waiting.size();
    }

    @Override
    public void close(Consumer<DeliveryRecord> dropped) {
        if (closed) {
            return;
        }
        closed = true;
        List<Sample> owed = new ArrayList<>();
        for (Batch batch : inFlight.values()) {
            owed.addAll(batch.samples());
        }
        requeued.values().forEach(batch -> owed.addAll(batch.samples()));
        owed.addAll(waiting);
        inFlight.clear();
        requeued.clear();
        requeuedSamples = 0;
        waiting.clear();
        inFlightSamples = 0;
        waitingBytes = 0;
        if (!owed.isEmpty()) {
            dropped.accept(dropRecord(owed, "still owed at shutdown; the in-memory ledger keeps nothing"));
        }
    }

    private static boolean isBefore(Sample a, Sample b) {
        return a.epochSecond() < b.epochSecond() || a.epochSecond() == b.epochSecond() && a.nanos() < b.nanos();
    }

    private DeliveryRecord dropRecord(Collection<Sample> lost, String reason) {
        return DeliveryRecord.dropped(sink, lost, clock.instant(), reason);
    }
}
