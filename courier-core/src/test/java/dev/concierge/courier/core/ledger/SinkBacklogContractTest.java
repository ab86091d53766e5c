package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.Samples;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@link SinkBacklog} contract, run against every implementation: the order samples go out in, a batch's
 * identity and attempt across requeue, eviction past the budget, the counts, and close.
 */
abstract class SinkBacklogContractTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-02T10:00:00Z"), ZoneOffset.UTC);
    static final long BIG_BUDGET = 1L << 30;

    final List<DeliveryRecord> evicted = new ArrayList<>();

    /** A new, empty backlog of a sink named {@code "sink"}, records stamped by {@link #CLOCK}. */
    abstract SinkBacklog backlog(long byteBudget);

    /** What one sample costs of the byte budget. */
    abstract long budgetBytes(Sample sample);

    /** Whether {@link SinkBacklog#close} keeps what is owed for the next start, rather than dropping it. */
    abstract boolean keepsWhatIsOwedAcrossClose();

    private List<Sample> append(SinkBacklog backlog, int count) {
        List<Sample> samples = Samples.counters("x", count);
        samples.forEach(sample -> backlog.append(sample, evicted::add));
        return samples;
    }

    @Test
    void takesTheOldestSamplesFirstUpToTheMaximum() {
        SinkBacklog backlog = backlog(BIG_BUDGET);
        List<Sample> samples = append(backlog, 5);

        Batch first = backlog.takeBatch(2);
        Batch second = backlog.takeBatch(2);
        Batch third = backlog.takeBatch(2);

        assertThat(first.samples()).containsExactlyElementsOf(samples.subList(0, 2));
        assertThat(second.samples()).containsExactlyElementsOf(samples.subList(2, 4));
        assertThat(third.samples()).containsExactly(samples.get(4));
        assertThat(List.of(first, second, third)).extracting(Batch::attempt).containsOnly(1);
        assertThat(backlog.takeBatch(2)).isNull();
    }

    @Test
    void appendAllKeepsTheOrderOfItsChunk() {
        SinkBacklog backlog = backlog(BIG_BUDGET);
        List<Sample> samples = Samples.counters("x", 4);

        backlog.appendAll(samples.toArray(Sample[]::new), 3, evicted::add);

        assertThat(Backlogs.drain(backlog)).containsExactlyElementsOf(samples.subList(0, 3));
    }

    @Test
    void eachNewBatchHasAnIdNoOtherBatchHad() {
        SinkBacklog backlog = backlog(BIG_BUDGET);
        append(backlog, 10);
        Set<Long> ids = new HashSet<>();

        Batch requeued = backlog.takeBatch(2);
        ids.add(requeued.id());
        backlog.requeue(requeued);
        assertThat(backlog.takeBatch(2).id()).isEqualTo(requeued.id());
        Batch batch;
        while ((batch = backlog.takeBatch(2)) != null) {
            assertThat(ids.add(batch.id())).as("id %s is new", batch.id()).isTrue();
            backlog.settle(batch);
        }
        assertThat(ids).hasSize(5);
    }

    @Test
    void aRequeuedBatchComesBackWholeWithItsIdAndTheNextAttempt() {
        SinkBacklog backlog = backlog(BIG_BUDGET);
        append(backlog, 5);
        Batch first = backlog.takeBatch(3);

        backlog.requeue(first);
        Batch second = backlog.takeBatch(3);
        backlog.requeue(second);
        Batch third = backlog.takeBatch(3);

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.samples()).isEqualTo(first.samples());
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(third.id()).isEqualTo(first.id());
        assertThat(third.samples()).isEqualTo(first.samples());
        assertThat(third.attempt()).isEqualTo(3);
    }

    @Test
    void aRequeuedBatchComesBackBeforeNewerSamplesAndAlone() {
        SinkBacklog backlog = backlog(BIG_BUDGET);
        List<Sample> samples = append(backlog, 5);
        Batch first = backlog.takeBatch(2);
        Batch second = backlog.takeBatch(2);

        backlog.requeue(first);
        Batch again = backlog.takeBatch(10);
        Batch rest = backlog.takeBatch(10);

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.samples()).containsExactlyElementsOf(samples.subList(0, 2));
        assertThat(second.samples()).containsExactlyElementsOf(samples.subList(2, 4));
        assertThat(rest.samples()).containsExactly(samples.get(4));
        assertThat(rest.attempt()).isEqualTo(1);
        assertThat(rest.id()).isNotIn(first.id(), second.id());
    }

    @Test
    void batchesThatFailOutOfOrderComeBackInTheOrderTheyWereFirstTaken() {
        SinkBacklog backlog = backlog(BIG_BUDGET);
        List<Sample> samples = append(backlog, 7);
        Batch first = backlog.takeBatch(2);
        Batch second = backlog.takeBatch(2);
        Batch third = backlog.takeBatch(2);

        backlog.requeue(third);
        backlog.requeue(first);
        backlog.requeue(second);

        List<Batch> again = List.of(backlog.takeBatch(2), backlog.takeBatch(2), backlog.takeBatch(2));
        assertThat(again).extracting(Batch::id).containsExactly(first.id(), second.id(), third.id());
        assertThat(again).extracting(Batch::attempt).containsOnly(2);
        assertThat(again.get(2).samples()).containsExactlyElementsOf(samples.subList(4, 6));
        assertThat(backlog.takeBatch(2).samples()).containsExactly(samples.get(6));
    }

    @Test
    void aBatchRequeuedWhileAnOlderOneIsInFlightWaitsOnlyForOlderRequeuedOnes() {
        SinkBacklog backlog = backlog(BIG_BUDGET);
        append(backlog, 6);
        Batch first = backlog.takeBatch(2);
        Batch second = backlog.takeBatch(2);

        backlog.requeue(second);
        Batch secondAgain = backlog.takeBatch(2);
        backlog.requeue(first);
        backlog.requeue(secondAgain);

        assertThat(backlog.takeBatch(2)).satisfies(b -> {
            assertThat(b.id()).isEqualTo(first.id());
            assertThat(b.attempt()).isEqualTo(2);
        });
        assertThat(backlog.takeBatch(2)).satisfies(b -> {
            assertThat(b.id()).isEqualTo(second.id());
            assertThat(b.attempt()).isEqualTo(3);
        });
    }

    @Test
    void settledBatchesAreForgotten() {
        SinkBacklog backlog = backlog(BIG_BUDGET);
        append(backlog, 3);

        backlog.settle(backlog.takeBatch(3));

        assertThat(backlog.pendingSamples()).isZero();
        assertThat(backlog.waitingSamples()).isZero();
        assertThat(backlog.pendingBytes()).isZero();
        assertThat(backlog.takeBatch(3)).isNull();
    }

    @Test
    void settlingOrRequeueingABatchNotInFlightFails() {
        SinkBacklog backlog = backlog(BIG_BUDGET);
        append(backlog, 3);
        Batch batch = backlog.takeBatch(3);
        backlog.settle(batch);

        assertThatThrownBy(() -> backlog.settle(batch)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> backlog.requeue(batch)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void countsWaitingAndPendingSamples() {
        List<Sample> samples = Samples.counters("x", 5);
        SinkBacklog backlog = backlog(BIG_BUDGET);
        samples.forEach(sample -> backlog.append(sample, evicted::add));
        long bytesOfTwo = budgetBytes(samples.get(0)) + budgetBytes(samples.get(1));

        Batch first = backlog.takeBatch(2);
        assertThat(backlog.waitingSamples()).isEqualTo(3);
        assertThat(backlog.pendingSamples()).isEqualTo(5);

        backlog.requeue(first);
        assertThat(backlog.waitingSamples()).isEqualTo(5);
        assertThat(backlog.pendingSamples()).isEqualTo(5);

        backlog.settle(backlog.takeBatch(2));
        assertThat(backlog.waitingSamples()).isEqualTo(3);
        assertThat(backlog.pendingSamples()).isEqualTo(3);
        long bytesOfAll = samples.stream().mapToLong(this::budgetBytes).sum();
        assertThat(backlog.pendingBytes()).isEqualTo(bytesOfAll - bytesOfTwo);
    }

    @Test
    void evictsTheOldestWaitingSamplesPastTheBudgetAsDroppedRecords() {
        List<Sample> samples = Samples.counters("x", 4);
        SinkBacklog backlog = backlog(2L * budgetBytes(samples.get(0)));

        samples.forEach(sample -> backlog.append(sample, evicted::add));

        assertThat(evicted).hasSize(2).allSatisfy(r -> {
            assertThat(r.sink()).isEqualTo("sink");
            assertThat(r.outcome()).isEqualTo(DeliveryRecord.Outcome.DROPPED);
            assertThat(r.dropped()).isEqualTo(1);
            assertThat(r.batchId()).isEqualTo(-1);
            assertThat(r.at()).isEqualTo(CLOCK.instant());
        });
        assertThat(evicted.get(0).oldestSample()).isEqualTo(samples.get(0).timestamp());
        assertThat(evicted.get(1).newestSample()).isEqualTo(samples.get(1).timestamp());
        assertThat(backlog.takeBatch(10).samples()).containsExactlyElementsOf(samples.subList(2, 4));
    }

    @Test
    void evictsARequeuedBatchFirstAndWholeSoThatItNeverComesBackChanged() {
        List<Sample> samples = Samples.counters("x", 5);
        SinkBacklog backlog = backlog(4L * budgetBytes(samples.get(0)));
        samples.subList(0, 4).forEach(sample -> backlog.append(sample, evicted::add));
        Batch failed = backlog.takeBatch(2);
        backlog.requeue(failed);

        backlog.append(samples.get(4), evicted::add);

        assertThat(evicted).singleElement().satisfies(r -> {
            assertThat(r.dropped()).isEqualTo(2);
            assertThat(r.oldestSample()).isEqualTo(samples.get(0).timestamp());
            assertThat(r.newestSample()).isEqualTo(samples.get(1).timestamp());
        });
        Batch next = backlog.takeBatch(10);
        assertThat(next.id()).isNotEqualTo(failed.id());
        assertThat(next.samples()).containsExactlyElementsOf(samples.subList(2, 5));
        assertThat(backlog.pendingSamples()).isEqualTo(3);
    }

    @Test
    void closeDropsOnlyWhatItCannotKeep() {
        SinkBacklog backlog = backlog(BIG_BUDGET);
        append(backlog, 5);
        backlog.requeue(backlog.takeBatch(1));
        backlog.takeBatch(2);
        List<DeliveryRecord> dropped = new ArrayList<>();

        backlog.close(dropped::add);
        backlog.close(dropped::add);

        if (keepsWhatIsOwedAcrossClose()) {
            assertThat(dropped).isEmpty();
        } else {
            assertThat(dropped).singleElement().satisfies(r -> {
                assertThat(r.outcome()).isEqualTo(DeliveryRecord.Outcome.DROPPED);
                assertThat(r.dropped()).isEqualTo(5);
                assertThat(r.detail()).contains("shutdown");
            });
        }
    }
}
