package dev.concierge.courier.core.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * Samples lost in one episode, in one place, for one reason: the drops of a sink's backlog while its
 * destination was away, or the samples of a source that the full ring refused. Consecutive losses of the
 * same place and reason are coalesced into one range while it is {@link #open()}; see
 * {@link DeliveryLedger#losses}.
 *
 * @param id          the ledger's number for the range, increasing in the order ranges were opened
 * @param origin      where the samples were lost
 * @param name        the sink's or the source's configured name
 * @param reason      why, for a human: the most recent loss's reason
 * @param count       samples lost in the range
 * @param firstSample the oldest timestamp among the lost samples, or null when no loss of the range knew it
 * @param lastSample  the newest timestamp among the lost samples, or null when no loss of the range knew it
 * @param firstLoss   when the first loss of the range was recorded
 * @param lastLoss    when the latest loss of the range was recorded
 * @param closedAt    when the range was closed (deliveries resumed, or no loss for a quiet period); null while
 *                    it is open and further losses join it
 */
public record LossRange(long id, Origin origin, String name, String reason, long count, Instant firstSample,
                        Instant lastSample, Instant firstLoss, Instant lastLoss, Instant closedAt) {

    public LossRange {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(firstLoss, "firstLoss");
        Objects.requireNonNull(lastLoss, "lastLoss");
        reason = reason == null ? "" : reason;
        if (count < 0) {
            throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
        }
    }

    /** True while later losses of the same place and reason join this range. */
    public boolean open() {
        return closedAt == null;
    }

    /** Where samples were lost. */
    public enum Origin {
        /** Dropped from a sink's backlog: over its budget, damaged on disk, or unsent at shutdown. */
        SINK,
        /** Refused by the full ring, so no sink ever had them. */
        SOURCE
    }
}
