package dev.concierge.courier.sources;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Emitter;
import java.util.ArrayList;
import java.util.List;

/** Keeps what it is offered, up to a capacity beyond which it refuses like a full ring. */
public final class RecordingEmitter implements Emitter {
    private final List<Sample> samples = new ArrayList<>();
    private final int capacity;
    private int refused;

    public RecordingEmitter() {
        this(Integer.MAX_VALUE);
    }

    public RecordingEmitter(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public boolean offer(Sample sample) {
        if (samples.size() >= capacity) {
            refused++;
            return false;
        }
        samples.add(sample);
        return true;
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    public int refused() {
        return refused;
    }

    public void clear() {
        samples.clear();
        refused = 0;
    }
}
