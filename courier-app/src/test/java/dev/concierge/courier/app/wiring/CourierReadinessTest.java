package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.testing.RecordingSink;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A courier with a pipeline thread that died is not ready, whichever thread it was. */
class CourierReadinessTest {
    @TempDir
    Path dataDir;

    private Courier courier;

    @AfterEach
    void closeCourier() {
        if (courier != null) {
            courier.close();
        }
    }

    @Test
    void aCollectThatRanTheHeapOutMakesTheCourierNotReady() {
        Source greedy = new Source() {
            @Override
            public String name() {
                return "app";
            }

            @Override
            public void collect(Emitter out) {
                throw new OutOfMemoryError("Java heap space (simulated)");
            }
        };
        CourierConfig config = new CourierConfig(dataDir, 1024, 1 << 20, Duration.ofSeconds(2),
                List.of(GivenPlugins.source("app", Duration.ofHours(1), () -> greedy)),
                List.of(GivenPlugins.sink(new RecordingSink("zabbix"), failures -> Duration.ofMillis(50), 1 << 20)),
                null);
        courier = Courier.create(config, new InMemoryDeliveryLedger(Clock.systemUTC(), 100), Clock.systemUTC());
        courier.start();

        await().until(() -> courier.pipeline().fatalError() != null);
        assertThat(courier.isReady()).isFalse();
        assertThat(courier.pipeline().fatalError()).startsWith("source app: java.lang.OutOfMemoryError");
    }
}
