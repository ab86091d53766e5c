package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class LossRangesTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final String OVER_BUDGET = "backlog over its budget of 4096 bytes on disk; oldest dropped";

    private final List<LossRange> changed = new ArrayList<>();
    private final LossRanges ranges = new LossRanges(Duration.ofSeconds(60), Duration.ofSeconds(5), 100,
            changed::add);

    private static Instant at(double seconds) {
        return T0.plusMillis((long) (seconds * 1000));
    }

    @Test
    void coalescesTheDropsOfAnOutageIntoOneOpenRange() {
        // A 180 s outage past the budget: one eviction per intake chunk, every 24 ms.
        for (int i = 0; i < 7_549; i++) {
            ranges.lost(LossRange.Origin.SINK, "zbx", OVER_BUDGET, 13, at(i * 0.024), at(i * 0.024 + 0.01),
                    at(i * 0.024 + 0.02));
        }

        assertThat(ranges.since(null)).singleElement().satisfies(range -> {
            assertThat(range.origin()).isEqualTo(LossRange.Origin.SINK);
            assertThat(range.name()).isEqualTo("zbx");
            assertThat(range.count()).isEqualTo(7_549L * 13);
            assertThat(range.firstSample()).isEqualTo(at(0));
            assertThat(range.lastSample()).isEqualTo(at(7_548 * 0.024 + 0.01));
            assertThat(range.firstLoss()).isEqualTo(at(0.02));
            assertThat(range.open()).isTrue();
        });
    }

    @Test
    void aDeliveryAfterTheSettleTimeClosesTheSinksRangeAndTheNextDropOpensAnother() {
        ranges.lost(LossRange.Origin.SINK, "zbx", OVER_BUDGET, 10, at(0), at(1), at(1));
        ranges.delivered("zbx", at(3));
        assertThat(ranges.since(null)).singleElement().matches(LossRange::open, "open while drops may go on");

        ranges.delivered("zbx", at(6));
        ranges.lost(LossRange.Origin.SINK, "zbx", OVER_BUDGET, 4, at(7), at(7), at(7));

        assertThat(ranges.since(null)).extracting(LossRange::count, LossRange::closedAt)
                .containsExactly(Tuple.tuple(10L, at(6)),
                        Tuple.tuple(4L, null));
    }

    @Test
    void aSinkThatDeliversWhileItEvictsKeepsOneRange() {
        for (int i = 0; i < 100; i++) {
            ranges.lost(LossRange.Origin.SINK, "zbx", OVER_BUDGET, 1, at(i), at(i), at(i));
            ranges.delivered("zbx", at(i + 0.5));
        }

        assertThat(ranges.since(null)).singleElement().extracting(LossRange::count).isEqualTo(100L);
    }

    @Test
    void aQuietPeriodClosesARangeAndADeliveryToAnotherSinkDoesNot() {
        ranges.lost(LossRange.Origin.SINK, "zbx", OVER_BUDGET, 10, null, null, at(0));
        ranges.delivered("graphite", at(30));
        assertThat(ranges.since(null)).singleElement().matches(LossRange::open);

        ranges.expire(at(60));

        assertThat(ranges.since(null)).singleElement().extracting(LossRange::closedAt).isEqualTo(at(60));
        assertThat(changed).last().extracting(LossRange::closedAt).isEqualTo(at(60));
    }

    @Test
    void keepsSinksSourcesAndReasonsApartButNotReasonsThatDifferOnlyInNumbers() {
        ranges.lost(LossRange.Origin.SINK, "zbx", "sample of 70000 bytes is larger than 65536", 1, null, null, at(0));
        ranges.lost(LossRange.Origin.SINK, "zbx", "sample of 80000 bytes is larger than 65536", 1, null, null, at(1));
        ranges.lost(LossRange.Origin.SINK, "zbx", OVER_BUDGET, 1, null, null, at(2));
        ranges.lost(LossRange.Origin.SINK, "graphite", OVER_BUDGET, 1, null, null, at(3));
        ranges.lost(LossRange.Origin.SOURCE, "zbx", "ring full", 1, null, null, at(4));

        assertThat(ranges.since(null)).extracting(LossRange::origin, LossRange::name, LossRange::count)
                .containsExactly(Tuple.tuple(LossRange.Origin.SINK, "zbx", 2L),
                        Tuple.tuple(LossRange.Origin.SINK, "zbx", 1L),
                        Tuple.tuple(LossRange.Origin.SINK, "graphite", 1L),
                        Tuple.tuple(LossRange.Origin.SOURCE, "zbx", 1L));
        assertThat(ranges.since(null).get(0).reason()).isEqualTo("sample of 80000 bytes is larger than 65536");
    }

    @Test
    void sinceKeepsTheRangesWithALossAtOrAfterIt() {
        ranges.lost(LossRange.Origin.SINK, "zbx", OVER_BUDGET, 1, null, null, at(0));
        ranges.expire(at(100));
        ranges.lost(LossRange.Origin.SINK, "zbx", OVER_BUDGET, 2, null, null, at(200));

        assertThat(ranges.since(at(100))).extracting(LossRange::count).containsExactly(2L);
        assertThat(ranges.since(at(0))).hasSize(2);
    }

    @Test
    void forgetsTheOldestRangesPastWhatItKeeps() {
        LossRanges small = new LossRanges(Duration.ofSeconds(60), Duration.ofSeconds(5), 3, range -> { });
        for (int i = 0; i < 5; i++) {
            small.lost(LossRange.Origin.SOURCE, "s" + i, "ring full", i + 1, null, null, at(i));
        }

        assertThat(small.since(null)).extracting(LossRange::name).containsExactly("s2", "s3", "s4");
    }

    @Test
    void aRestoredOpenRangeTakesLaterLossesAndIdsGoOnAfterIt() {
        ranges.restore(new LossRange(41, LossRange.Origin.SINK, "zbx", OVER_BUDGET, 5, at(0), at(1), at(1), at(1),
                null));

        ranges.lost(LossRange.Origin.SINK, "zbx", OVER_BUDGET, 5, at(2), at(3), at(3));
        ranges.lost(LossRange.Origin.SOURCE, "app", "ring full", 1, null, null, at(3));

        assertThat(ranges.since(null)).extracting(LossRange::id, LossRange::count)
                .containsExactly(Tuple.tuple(41L, 10L),
                        Tuple.tuple(42L, 1L));
    }
}
