package dev.concierge.courier.core.spi;

import java.time.Duration;

/**
 * An optional ability of a source that shares work with other couriers: when the courier stops, it first
 * leaves the group (for the Consul source: deregisters from the agent), so that the others take its work over
 * while it still runs, and only then is it stopped.
 *
 * <p>{@link #leave()} is called once, on the thread that stops the pipeline, before any source is stopped;
 * collects go on meanwhile. It may make a few short network calls and must not block longer than they take.
 */
public interface LeavesBeforeStop {

    /**
     * Leaves the group.
     *
     * @return how long the source should keep collecting after leaving, so that the others have taken over
     *         before it stops; the pipeline waits for the longest answer within a share of its stop deadline
     */
    Duration leave();
}
