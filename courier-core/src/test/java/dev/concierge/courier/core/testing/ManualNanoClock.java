package dev.concierge.courier.core.testing;

import dev.concierge.courier.core.pipeline.NanoClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link NanoClock} that stands still until the test advances it. Thread-safe. */
public final class ManualNanoClock implements NanoClock {
    // Far from zero, so that code which wrongly compares readings with < rather than by difference shows up.
    private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - Duration.ofDays(1).toNanos());

    @Override
    public long nanoTime() {
        return now.get();
    }

    public void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }
}
