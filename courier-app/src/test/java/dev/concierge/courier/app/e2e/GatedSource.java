package dev.concierge.courier.app.e2e;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a source so that the test decides when the pipeline's collects reach it: a collect waits for a
 * permit from {@link #allow}, so the pipeline skips (and counts) the ticks in between rather than
 * running empty collects that would clear the source's last error. Remembers every sample the ring
 * accepted, in order. Call {@link #finish} before stopping the pipeline, so no collect is left waiting.
 */
final class GatedSource implements Source {
    private final Source delegate;
    private final Semaphore permits = new Semaphore(0);
    private final AtomicInteger collects = new AtomicInteger();
    private final List<Sample> accepted = new CopyOnWriteArrayList<>();
    private volatile boolean finished;

    GatedSource(Source delegate) {
        this.delegate = delegate;
    }

    /** Lets {@code count} more collects through to the wrapped source. */
    void allow(int count) {
        permits.release(count);
    }

    /** Ends the waiting: this and every later collect returns at once without reading anything. */
    void finish() {
        finished = true;
        permits.release();
    }

    /** Collects of the wrapped source that have ended, successfully or not. */
    int collects() {
        return collects.get();
    }

    /** Every sample the pipeline's ring accepted so far, in the order offered. */
    List<Sample> accepted() {
        return List.copyOf(accepted);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void collect(Emitter out) throws SourceException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (finished) {
            permits.release();
            return;
        }
        try {
            delegate.collect(sample -> {
                boolean taken = out.offer(sample);
                if (taken) {
                    accepted.add(sample);
                }
                return taken;
            });
        } finally {
            collects.incrementAndGet();
        }
    }

    @Override
    public void close() {
        delegate.close();
    }
}
