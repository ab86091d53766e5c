package dev.concierge.courier.core.spi;

import java.util.concurrent.CompletionStage;

/**
 * An optional ability of a {@link Sink}: a cheap check that its destination is reachable, such as a TCP connect
 * that sends nothing ({@link ConnectProbe}). While a sink is failing, the pipeline probes it on a short fixed
 * interval (one probe at a time, never more than one per interval) and, when a probe succeeds, tries the
 * waiting batch at once instead of waiting out the rest of its backoff: a destination that returns is noticed
 * within about that interval, whatever {@code backoff.max} is. A probe never settles a batch; only a send does.
 */
public interface ProbesDestination {

    /**
     * Starts one probe. Must not block: the stage completes within the sink's own connect timeout, with true
     * when the destination answers (e.g. accepted a connection) and false or exceptionally when it does not.
     * Called on the sink's pipeline thread, never while an earlier probe is outstanding.
     */
    CompletionStage<Boolean> probe();

    /** {@code sink}'s probe when it has the ability; null otherwise. */
    static ProbesDestination of(Sink sink) {
        return sink instanceof ProbesDestination probes ? probes : null;
    }
}
