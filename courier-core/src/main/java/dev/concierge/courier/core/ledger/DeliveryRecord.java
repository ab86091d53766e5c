package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;

/**
 * One settled fact about one sink: a batch delivered or rejected, or samples dropped before they could be
 * sent. Built with {@link #settled}, {@link #dropped} and {@link #merge}; the canonical constructor is for
 * reading records back.
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

    /**
     * A batch settled by the destination's answer: {@code rejected} of its samples refused for good, the rest
     * accepted, after {@link Batch#attempt()} sends.
     *
     * @param outcome DELIVERED, PARTIALLY_REJECTED or REJECTED
     */
    public static DeliveryRecord settled(String sink, Batch batch, Outcome outcome, int rejected, Instant at,
                                         String detail) {
        if (outcome == Outcome.DROPPED) {
            throw new IllegalArgumentException("outcome: DROPPED (expected: an answer from the destination)");
        }
        if (rejected < 0 || rejected > batch.size()) {
            throw new IllegalArgumentException("rejected: " + rejected + " (expected: 0.." + batch.size() + ")");
        }
        // Compared as (second, nanos) so that a batch of thousands costs two Instants, not one per sample.
        Sample oldest = batch.samples().get(0);
        Sample newest = oldest;
        for (Sample sample : batch.samples()) {
            if (isBefore(sample, oldest)) {
                oldest = sample;
            }
            if (isBefore(newest, sample)) {
                newest = sample;
            }
        }
        return new DeliveryRecord(sink, batch.id(), batch.size(), batch.size() - rejected, rejected, 0, outcome,
                batch.attempt(), at, oldest.timestamp(), newest.timestamp(), detail);
    }

    /**
     * {@code count} samples discarded by the courier, never part of a batch the destination answered.
     *
     * @param oldest the oldest sample timestamp, or null when not known
     * @param newest the newest sample timestamp, or null when not known
     */
    public static DeliveryRecord dropped(String sink, int count, Instant at, Instant oldest, Instant newest,
                                         String reason) {
        return new DeliveryRecord(sink, -1, count, 0, 0, count, Outcome.DROPPED, 0, at, oldest, newest, reason);
    }

    /** The samples in {@code lost} discarded by the courier, with their time range. */
    public static DeliveryRecord dropped(String sink, Collection<Sample> lost, Instant at, String reason) {
        Instant oldest = null;
        Instant newest = null;
        for (Sample sample : lost) {
            Instant timestamp = sample.timestamp();
            oldest = oldest == null || timestamp.isBefore(oldest) ? timestamp : oldest;
            newest = newest == null || timestamp.isAfter(newest) ? timestamp : newest;
        }
        return dropped(sink, lost.size(), at, oldest, newest, reason);
    }

    /**
     * One drop record for two of the same sink and reason: counts added (saturating), the wider time range (a
     * bound either does not know stays unknown), settled when the later one was, {@code b}'s detail.
     */
    public static DeliveryRecord merge(DeliveryRecord a, DeliveryRecord b) {
        if (a.outcome != Outcome.DROPPED || b.outcome != Outcome.DROPPED) {
            throw new IllegalArgumentException("outcomes: " + a.outcome + ", " + b.outcome + " (expected: DROPPED)");
        }
        Instant oldest = a.oldestSample == null || b.oldestSample == null ? null
                : a.oldestSample.isBefore(b.oldestSample) ? a.oldestSample : b.oldestSample;
        Instant newest = a.newestSample == null || b.newestSample == null ? null
                : a.newestSample.isAfter(b.newestSample) ? a.newestSample : b.newestSample;
        int count = (int) Math.min(Integer.MAX_VALUE, (long) a.dropped + b.dropped);
        return dropped(b.sink, count, a.at.isAfter(b.at) ? a.at : b.at, oldest, newest, b.detail);
    }

    private static boolean isBefore(Sample a, Sample b) {
        return a.epochSecond() < b.epochSecond() || a.epochSecond() == b.epochSecond() && a.nanos() < b.nanos();
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
