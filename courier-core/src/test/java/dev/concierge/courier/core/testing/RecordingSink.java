package dev.concierge.courier.core.testing;

import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Sink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A sink that records every batch it is sent and answers with a scripted outcome. With
 * {@link #holdReplies()} its replies wait until {@link #releaseAll} is called, like a destination that
 * never answers.
 */
public final class RecordingSink implements Sink, CountsEvents {
    private final String name;
    private final int maxBatchSize;
    private final int maxInFlight;
    private final List<Batch> sent = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<DeliveryOutcome>> held = new CopyOnWriteArrayList<>();
    private volatile Function<Batch, DeliveryOutcome> script = batch -> new DeliveryOutcome.Delivered("ok");
    private volatile boolean hold;
    private volatile boolean closed;
    private Map<String, LongSupplier> events = Map.of();

    public RecordingSink(String name, int maxBatchSize, int maxInFlight) {
        this.name = name;
        this.maxBatchSize = maxBatchSize;
        this.maxInFlight = maxInFlight;
    }

    public RecordingSink(String name) {
        this(name, 100, 1);
    }

    /** Answers each batch with {@code script.apply(batch)}. */
    public RecordingSink answering(Function<Batch, DeliveryOutcome> script) {
        this.script = script;
        return this;
    }

    /** Reports these as its {@link CountsEvents#events()}. */
    public RecordingSink counting(Map<String, LongSupplier> events) {
        this.events = Map.copyOf(events);
        return this;
    }

    @Override
    public Map<String, LongSupplier> events() {
        return events;
    }

    /** Keeps every reply pending until {@link #releaseAll}. */
    public RecordingSink holdReplies() {
        this.hold = true;
        return this;
    }

    public void releaseAll(DeliveryOutcome outcome) {
        hold = false;
        for (CompletableFuture<DeliveryOutcome> future : held) {
            future.complete(outcome);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxBatchSize() {
        return maxBatchSize;
    }

    @Override
    public int maxInFlight() {
        return maxInFlight;
    }

    @Override
    public CompletionStage<DeliveryOutcome> send(Batch batch) {
        sent.add(batch);
        if (hold) {
            CompletableFuture<DeliveryOutcome> future = new CompletableFuture<>();
            held.add(future);
            return future;
        }
        return CompletableFuture.completedFuture(script.apply(batch));
    }

    public List<Batch> sent() {
        return List.copyOf(sent);
    }

    /** Every sample sent, in send order, retries included. */
    public List<Sample> samplesSent() {
        List<Sample> samples = new ArrayList<>();
        sent.forEach(batch -> samples.addAll(batch.samples()));
        return samples;
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
