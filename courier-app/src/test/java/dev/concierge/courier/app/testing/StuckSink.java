package dev.concierge.courier.app.testing;

import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Sink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

/**
 * A sink whose pipeline thread stops before it drains anything (its first {@code maxInFlight} call blocks)
 * until {@link #release}: the ring fills behind it. Once released it delivers everything.
 */
public final class StuckSink implements Sink {
    private final CountDownLatch release = new CountDownLatch(1);

    public void release() {
        release.countDown();
    }

    @Override
    public String name() {
        return "stuck";
    }

    @Override
    public int maxBatchSize() {
        return 100;
    }

    @Override
    public int maxInFlight() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 1;
    }

    @Override
    public CompletionStage<DeliveryOutcome> send(Batch batch) {
        return CompletableFuture.completedFuture(new DeliveryOutcome.Delivered("ok"));
    }
}
