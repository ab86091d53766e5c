package dev.concierge.courier.app.admin;

import dev.concierge.courier.core.pipeline.SinkStats;

/**
 * What a sink is doing, as the status page shows it: judged from its consecutive failed attempts, unless its
 * thread has ended ({@link SinkStats#failed()}).
 */
public enum SinkState {
    /** Its last attempt succeeded, or it has not failed yet. */
    DELIVERING("delivering"),
    /** One or two attempts in a row failed; it waits out the backoff and probes with one batch. */
    BACKING_OFF("backing off"),
    /** {@value #FAILING_AFTER} or more attempts in a row failed: its destination looks down. */
    FAILING("failing"),
    /** Its thread ended on an error it could not go on after; it takes no samples until it is added again. */
    FAILED("failed");

    /** Consecutive failed attempts from which a sink counts as failing rather than backing off. */
    public static final int FAILING_AFTER = 3;

    private final String label;

    SinkState(String label) {
        this.label = label;
    }

    public static SinkState of(SinkStats stats) {
        if (stats.failed()) {
            return FAILED;
        }
        long failures = stats.consecutiveFailures();
        if (failures == 0) {
            return DELIVERING;
        }
        return failures < FAILING_AFTER ? BACKING_OFF : FAILING;
    }

    /** Lower case, as in {@code /status.json}. */
    public String label() {
        return label;
    }
}
