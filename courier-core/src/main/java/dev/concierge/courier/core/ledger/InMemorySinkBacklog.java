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

    private final ArrayDeque<Sample> waiting = new ArrayDeque<>();
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
    }

    @Override
    public void append(Sample sample, Consumer<DeliveryRecord> evicted) {
        waiting.addLast(sample);
        waitingBytes += sample.estimatedBytes();
        if (waitingBytes <= byteBudget) {
            return;
        }
        List<Sample> lost = new ArrayList<>();
        while (waitingBytes > byteBudget && !waiting.isEmpty()) {
            Sample oldest = waiting.removeFirst();
            waitingBytes -= oldest.estimatedBytes();
            lost.add(oldest);
        }
        evicted.accept(dropRecord(lost, "backlog over its budget of " + byteBudget + " bytes; oldest dropped"));
    }

    @Override
    public Batch takeBatch(int max) {
        if (waiting.isEmpty()) {
            return null;
        }
        List<Sample> samples = new ArrayList<>(Math.min(max, waiting.size()));
        while (samples.size() < max && !waiting.isEmpty()) {
            Sample sample = waiting.removeFirst();
            waitingBytes -= sample.estimatedBytes();
            samples.add(sample);
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
        List<Sample> samples = batch.samples();
        for (int i = samples.size() - 1; i >= 0; i--) {
            waiting.addFirst(samples.get(i));
            waitingBytes += samples.get(i).estimatedBytes();
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
        return waiting.size() + inFlightSamples;
    }

    @Override
    public long pendingBytes() {
        return waitingBytes;
    }

    @Override
    public long waitingSamples() {
        return waiting.size();
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
        owed.addAll(waiting);
        inFlight.clear();
        waiting.clear();
        inFlightSamples = 0;
        waitingBytes = 0;
        if (!owed.isEmpty()) {
            dropped.accept(dropRecord(owed, "still owed at shutdown; the in-memory ledger keeps nothing"));
        }
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
