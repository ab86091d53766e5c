package dev.concierge.courier.core.spi;

import dev.concierge.courier.core.model.Sample;
import java.util.List;

/**
 * Samples handed to a sink in one {@link Sink#send} call, oldest first: whatever was waiting for that
 * sink, up to its maximum batch size. Never empty.
 *
 * @param id      unique per sink for the life of the process; the ledger's records refer to it
 * @param samples immutable; the sink must not modify it
 */
public record Batch(long id, List<Sample> samples) {
    public Batch {
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("samples: empty (expected: at least one sample)");
        }
    }

    public int size() {
        return samples.size();
    }
}
