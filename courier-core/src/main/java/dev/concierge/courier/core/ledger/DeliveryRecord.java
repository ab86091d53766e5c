package dev.concierge.courier.core.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * One settled fact about one sink: a batch delivered or rejected, or samples dropped before they could be
 * sent.
 *
 * @param sink         the sink's configured name
 * @param batchId      the batch, or -1 for drops that never formed a batch
 * @param samples      how many samples the fact is about
 * @param accepted     how many of them the destination accepted
 * @param rejected     how many it refused for good
 * @param dropped      how many the courier discarded (budget exceeded, shutdown deadline)
 * @param outcome      the settlement
 * @param attempts     how many sends it took (0 for drops)
 * @param at           when it was settled
 * @param oldestSample the oldest sample timestamp concerned
 * @param newestSample the newest sample timestamp concerned
 * @param detail       the destination's answer or the reason, for a human
 */
public record DeliveryRecord(String sink, long batchId, int samples, int accepted, int rejected, int dropped,
                             Outcome outcome, int attempts, Instant at, Instant oldestSample,
                             Instant newestSample, String detail) {

    public DeliveryRecord {
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(at, "at");
        detail = detail == null ? "" : detail;
    }

    /** How a record settled its samples. */
    public enum Outcome {
        /** Every sample accepted. */
        DELIVERED,
        /** Accepted in part; the rest refused by the destination for good. */
        PARTIALLY_REJECTED,
        /** Refused whole, for good. */
        REJECTED,
        /** Discarded by the courier, never sent or never acknowledged. */
        DROPPED
    }
}
