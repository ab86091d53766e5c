package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.DeliveryRecord.Outcome;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MergedDropRecordTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private static DeliveryRecord drop(int count, Instant at, Instant oldest, Instant newest) {
        return new DeliveryRecord("sink", -1, count, 0, 0, count, Outcome.DROPPED, 0, at, oldest, newest, "over budget");
    }

    @Test
    void addsTheCountsAndWidensTheTimeRange() {
        DeliveryRecord a = drop(1, T0.plusSeconds(5), T0.plusSeconds(1), T0.plusSeconds(2));
        DeliveryRecord b = drop(3, T0.plusSeconds(6), T0, T0.plusSeconds(1));

        DeliveryRecord merged = SinkWorker.merged(a, b);

        assertThat(merged).isEqualTo(new DeliveryRecord("sink", -1, 4, 0, 0, 4, Outcome.DROPPED, 0,
                T0.plusSeconds(6), T0, T0.plusSeconds(2), "over budget"));
        assertThat(SinkWorker.merged(b, a)).isEqualTo(merged);
    }

    @Test
    void anUnknownBoundStaysUnknownAndCountsSaturate() {
        DeliveryRecord known = drop(Integer.MAX_VALUE - 1, T0, T0, T0);
        DeliveryRecord unknown = drop(5, T0, null, null);

        DeliveryRecord merged = SinkWorker.merged(known, unknown);

        assertThat(merged.oldestSample()).isNull();
        assertThat(merged.newestSample()).isNull();
        assertThat(merged.dropped()).isEqualTo(Integer.MAX_VALUE);
        assertThat(merged.samples()).isEqualTo(Integer.MAX_VALUE);
    }
}
