package dev.concierge.courier.core.testing;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * A source that emits {@code samplesForRun.apply(run)} on its n-th collect (0-based). With
 * {@link #blockOn(CountDownLatch)} each collect waits for the latch first, like a slow endpoint.
 */
public final class ListSource implements Source, CountsEvents {
    private final String name;
    private final IntFunction<List<Sample>> samplesForRun;
    private final AtomicInteger runs = new AtomicInteger();
    private volatile CountDownLatch gate;
    private volatile boolean closed;
    private Map<String, LongSupplier> events = Map.of();

    public ListSource(String name, IntFunction<List<Sample>> samplesForRun) {
        this.name = name;
        this.samplesForRun = samplesForRun;
    }

    public ListSource blockOn(CountDownLatch gate) {
        this.gate = gate;
        return this;
    }

    /** Reports these as its {@link CountsEvents#events()}. */
    public ListSource counting(Map<String, LongSupplier> events) {
        this.events = Map.copyOf(events);
        return this;
    }

    @Override
    public Map<String, LongSupplier> events() {
        return events;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void collect(Emitter out) throws SourceException {
        int run = runs.getAndIncrement();
        CountDownLatch current = gate;
        if (current != null) {
            try {
                current.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SourceException("interrupted");
            }
        }
        for (Sample sample : samplesForRun.apply(run)) {
            out.offer(sample);
        }
    }

    public int runs() {
        return runs.get();
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }
}
