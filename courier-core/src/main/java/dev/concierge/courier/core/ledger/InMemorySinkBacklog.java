package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import java.time.Clock;
import java.time.Instant;
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
    // sample order even when batches in flight fail out of order.
    private final TreeMap<Long, ArrayDeque<Sample>> requeued = new TreeMap<>();
    private long requeuedSamples;
    private final Map<Long, Batch> inFlight = new LinkedHashMap<>();
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
            Sample dropped = pollOldest();
            lost++;
            oldest = oldest == null || isBefore(dropped, oldest) ? dropped : oldest;
            newest = newest == null || isBefore(newest, dropped) ? dropped : newest;
        }
        evicted.accept(new DeliveryRecord(sink, -1, lost, 0, 0, lost, DeliveryRecord.Outcome.DROPPED, 0,
                clock.instant(), oldest.timestamp(), newest.timestamp(), overBudget));
    }

    @Override
    public Batch takeBatch(int max) {
        if (waitingSamples() == 0) {
            return null;
        }
        List<Sample> samples = new ArrayList<>((int) Math.min(max, waitingSamples()));
        while (samples.size() < max && waitingSamples() > 0) {
            samples.add(pollOldest());
        }
        Batch batch = new Batch(nextBatchId++, samples);
        inFlight.put(batch.id(), batch);
        inFlightSamples += batch.size();
        return batch;
    }

    @Override
    public void requeue(Batch batch) {
        if (inFlight.remove(batch.id()) == null) {
            throw new IllegalStateException("batch " + batch.id() + " of sink " + sink + " is not in flight");
        }
        inFlightSamples -= batch.size();
        requeued.put(batch.id(), new ArrayDeque<>(batch.samples()));
        requeuedSamples += batch.size();
        for (Sample sample : batch.samples()) {
            waitingBytes += sample.estimatedBytes();
        }
    }

    /** Removes and returns the oldest waiting sample: requeued batches first, by batch id. */
    private Sample pollOldest() {
        Sample oldest;
        if (requeuedSamples > 0) {
            ArrayDeque<Sample> first = requeued.firstEntry().getValue();
            oldest = first.removeFirst();
            if (first.isEmpty()) {
                requeued.pollFirstEntry();
            }
            requeuedSamples--;
        } else {
            oldest = waiting.removeFirst();
        }
        waitingBytes -= oldest.estimatedBytes();
        return oldest;
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
        requeued.values().forEach(owed::addAll);
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
        Instant oldest = null;
        Instant newest = null;
        for (Sample sample : lost) {
            Instant at = sample.timestamp();
            oldest = oldest == null || at.isBefore(oldest) ? at : oldest;
            newest = newest == null || at.isAfter(newest) ? at : newest;
        }
        return new DeliveryRecord(sink, -1, lost.size(), 0, 0, lost.size(), DeliveryRecord.Outcome.DROPPED, 0,
                clock.instant(), oldest, newest, reason);
    }
}
