package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.ledger.DeliveryRecord.Outcome;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.Samples;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryRecordTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private static DeliveryRecord drop(int count, Instant at, Instant oldest, Instant newest) {
        return DeliveryRecord.dropped("sink", count, at, oldest, newest, "over budget");
    }

    @Test
    void aSettledBatchRecordsItsCountsAttemptAndTimeRange() {
        Sample newest = Samples.counter("b", 2, 1_700_000_009L);
        Sample oldest = Samples.counter("a", 1, 1_700_000_001L);
        Sample middle = Samples.counter("c", 3, 1_700_000_005L);
        Batch batch = new Batch(7, 3, List.of(newest, oldest, middle));

        DeliveryRecord record = DeliveryRecord.settled("zabbix", batch, Outcome.PARTIALLY_REJECTED, 1, T0,
                "processed: 2; failed: 1");

        assertThat(record).isEqualTo(new DeliveryRecord("zabbix", 7, 3, 2, 1, 0, Outcome.PARTIALLY_REJECTED, 3, T0,
                oldest.timestamp(), newest.timestamp(), "processed: 2; failed: 1"));
    }

    @Test
    void aSettledBatchIsNeverADropAndRejectsNoMoreThanItHolds() {
        Batch batch = new Batch(1, Samples.counters("x", 2));

        assertThatThrownBy(() -> DeliveryRecord.settled("s", batch, Outcome.DROPPED, 0, T0, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeliveryRecord.settled("s", batch, Outcome.REJECTED, 3, T0, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void droppedSamplesRecordTheirTimeRange() {
        List<Sample> lost = List.of(Samples.counter("a", 1, 1_700_000_005L), Samples.counter("b", 1, 1_700_000_001L));

        DeliveryRecord record = DeliveryRecord.dropped("sink", lost, T0, "shutdown");

        assertThat(record).isEqualTo(new DeliveryRecord("sink", -1, 2, 0, 0, 2, Outcome.DROPPED, 0, T0,
                Instant.ofEpochSecond(1_700_000_001L), Instant.ofEpochSecond(1_700_000_005L), "shutdown"));
    }

    @Test
    void mergeAddsTheCountsAndWidensTheTimeRange() {
        DeliveryRecord a = drop(1, T0.plusSeconds(5), T0.plusSeconds(1), T0.plusSeconds(2));
        DeliveryRecord b = drop(3, T0.plusSeconds(6), T0, T0.plusSeconds(1));

        DeliveryRecord merged = DeliveryRecord.merge(a, b);

        assertThat(merged).isEqualTo(new DeliveryRecord("sink", -1, 4, 0, 0, 4, Outcome.DROPPED, 0,
                T0.plusSeconds(6), T0, T0.plusSeconds(2), "over budget"));
        assertThat(DeliveryRecord.merge(b, a)).isEqualTo(merged);
    }

    @Test
    void mergeKeepsAnUnknownBoundUnknownAndSaturatesTheCounts() {
        DeliveryRecord known = drop(Integer.MAX_VALUE - 1, T0, T0, T0);
        DeliveryRecord unknown = drop(5, T0, null, null);

        DeliveryRecord merged = DeliveryRecord.merge(known, unknown);

        assertThat(merged.oldestSample()).isNull();
        assertThat(merged.newestSample()).isNull();
        assertThat(merged.dropped()).isEqualTo(Integer.MAX_VALUE);
        assertThat(merged.samples()).isEqualTo(Integer.MAX_VALUE);
    }
}
