package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.testing.StuckSink;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.ledger.LossRange;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.pipeline.SourceStats;
import dev.concierge.courier.core.testing.ListSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RingRefusalRecorderTest {
    @TempDir
    Path dataDir;

    @Test
    void everySampleTheRingRefusedIsInTheSourcesLossRangeOnceTheCourierStops() {
        List<Sample> flood = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            flood.add(Sample.of("jobs." + i, MetricType.GAUGE, null, SampleValue.of(i), Instant.now(), "app-01", "app"));
        }
        InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
        // A sink that drains nothing while the collect runs: 1,024 slots, and the sink's thread may take one
        // ring's worth before it stops, so at most about 2,048 of the 50,000 get in.
        StuckSink stuck = new StuckSink();
        CourierConfig config = new CourierConfig(dataDir, 1024, 16 << 10, Duration.ofSeconds(2),
                List.of(GivenPlugins.source("app", Duration.ofHours(1),
                        () -> new ListSource("app", run -> run == 0 ? flood : List.of()))),
                List.of(GivenPlugins.sink(stuck, failures -> Duration.ofMillis(50),
                        1L << 30)),
                null);
        Courier courier = Courier.start(config, ledger, Clock.systemUTC());
        SourceStats app = courier.pipeline().sourceStats().get("app");
        await().until(() -> app.lastCollectEnded() != null);
        stuck.release();

        courier.close();

        assertThat(app.refused()).isGreaterThan(47_000);
        assertThat(ledger.losses(null)).singleElement().satisfies(range -> {
            assertThat(range.origin()).isEqualTo(LossRange.Origin.SOURCE);
            assertThat(range.name()).isEqualTo("app");
            assertThat(range.count()).isEqualTo(app.refused());
            assertThat(range.reason()).isEqualTo(RingRefusalRecorder.REASON);
        });
    }
}
