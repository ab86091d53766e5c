package dev.concierge.courier.core.pipeline;

import java.time.Duration;

/** How long a sink waits before its next attempt after consecutive failures. */
public interface Backoff {

    /**
     * The delay before the next attempt.
     *
     * @param failures consecutive failed attempts so far, at least 1
     */
    Duration delayAfter(int failures);
}
