package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.Samples;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemorySinkBacklogTest {
    private final List<DeliveryRecord> dropped = new ArrayList<>();

    private static InMemorySinkBacklog backlog(long budget) {
        return new InMemorySinkBacklog("sink", budget, Clock.systemUTC());
    }

    @Test
    void batchesAreOldestFirstAndRequeuedBatchesComeBackFirst() {
        InMemorySinkBacklog backlog = backlog(1 << 20);
        List<Sample> samples = Samples.counters("x", 5);
        samples.forEach(s -> backlog.append(s, dropped::add));

        Batch first = backlog.takeBatch(2);
        Batch second = backlog.takeBatch(2);
        backlog.requeue(first);

        assertThat(first.samples()).containsExactly(samples.get(0), samples.get(1));
        assertThat(second.samples()).containsExactly(samples.get(2), samples.get(3));
        assertThat(backlog.takeBatch(10).samples()).containsExactly(samples.get(0), samples.get(1), samples.get(4));
        assertThat(backlog.pendingSamples()).isEqualTo(5);
    }

    @Test
    void batchesThatFailOutOfOrderComeBackOldestFirst() {
        InMemorySinkBacklog backlog = backlog(1 << 20);
        List<Sample> samples = Samples.counters("x", 6);
        samples.forEach(s -> backlog.append(s, dropped::add));
        Batch first = backlog.takeBatch(2);
        Batch second = backlog.takeBatch(2);

        backlog.requeue(second);
        backlog.requeue(first);

        assertThat(backlog.takeBatch(3).samples()).containsExactly(samples.get(0), samples.get(1), samples.get(2));
        assertThat(backlog.takeBatch(10).samples()).containsExactly(samples.get(3), samples.get(4), samples.get(5));
    }

    @Test
    void evictionTakesRequeuedSamplesFirstBecauseTheyAreTheOldest() {
        List<Sample> samples = Samples.counters("x", 4);
        InMemorySinkBacklog backlog = backlog(3L * samples.get(0).estimatedBytes());
        samples.subList(0, 3).forEach(s -> backlog.append(s, dropped::add));
        backlog.requeue(backlog.takeBatch(2));

        backlog.append(samples.get(3), dropped::add);

        assertThat(dropped).singleElement().satisfies(r -> assertThat(r.oldestSample())
                .isEqualTo(samples.get(0).timestamp()));
        assertThat(backlog.takeBatch(10).samples()).containsExactly(samples.get(1), samples.get(2), samples.get(3));
    }

    @Test
    void settledBatchesAreForgotten() {
        InMemorySinkBacklog backlog = backlog(1 << 20);
        Samples.counters("x", 3).forEach(s -> backlog.append(s, dropped::add));

        backlog.settle(backlog.takeBatch(3));

        assertThat(backlog.pendingSamples()).isZero();
        assertThat(backlog.pendingBytes()).isZero();
        assertThat(backlog.takeBatch(3)).isNull();
    }

    @Test
    void evictsTheOldestWaitingSamplesPastTheBudget() {
        List<Sample> samples = Samples.counters("x", 4);
        InMemorySinkBacklog backlog = backlog(2L * samples.get(0).estimatedBytes());

        samples.forEach(s -> backlog.append(s, dropped::add));

        assertThat(dropped).hasSize(2);
        assertThat(dropped).allSatisfy(r -> assertThat(r.outcome()).isEqualTo(DeliveryRecord.Outcome.DROPPED));
        assertThat(dropped.get(0).oldestSample()).isEqualTo(samples.get(0).timestamp());
        assertThat(dropped.get(1).newestSample()).isEqualTo(samples.get(1).timestamp());
        assertThat(backlog.takeBatch(10).samples()).containsExactly(samples.get(2), samples.get(3));
    }

    @Test
    void closeReportsEverythingStillOwedIncludingInFlight() {
        InMemorySinkBacklog backlog = backlog(1 << 20);
        Samples.counters("x", 5).forEach(s -> backlog.append(s, dropped::add));
        backlog.takeBatch(2);

        backlog.close(dropped::add);

        assertThat(dropped).singleElement().satisfies(r -> {
            assertThat(r.dropped()).isEqualTo(5);
            assertThat(r.detail()).contains("shutdown");
        });
        assertThat(backlog.pendingSamples()).isZero();
    }
}
