package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.admin.AdminConfig;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.Samples;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shutdown_deadline} bounds the whole stop, as SIGTERM takes it ({@link Courier#close}). */
class CourierStopDeadlineTest {
    private static final Duration DEADLINE = Duration.ofSeconds(1);
    /**
     * What the stop may take past the deadline: after it, the stop only interrupts what still runs and logs;
     * every step that can wait is bounded by the deadline itself. 250 ms leaves room for a loaded machine's
     * scheduling and is still far below what an unbounded step costs (the sink below never returns).
     */
    private static final Duration MARGIN = Duration.ofMillis(250);

    @TempDir
    Path dataDir;

    /** Never answers a batch; its close blocks until its thread is interrupted, as a wedged connection would. */
    private static final class WedgedSink implements Sink {
        final AtomicInteger sent = new AtomicInteger();
        final CountDownLatch closeStarted = new CountDownLatch(1);
        private final CountDownLatch never = new CountDownLatch(1);

        @Override
        public String name() {
            return "wedged";
        }

        @Override
        public int maxBatchSize() {
            return 100;
        }

        @Override
        public CompletionStage<DeliveryOutcome> send(Batch batch) {
            sent.incrementAndGet();
            return new CompletableFuture<>();
        }

        @Override
        public void close() {
            closeStarted.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Offers its samples once; its close blocks until its thread is interrupted. */
    private static final class WedgedSource implements Source {
        final CountDownLatch closeStarted = new CountDownLatch(1);
        private final CountDownLatch never = new CountDownLatch(1);
        private final ListSource samples = new ListSource("app", run -> run == 0 ? Samples.counters("x", 10)
                : List.of());

        @Override
        public String name() {
            return samples.name();
        }

        @Override
        public void collect(Emitter out) throws SourceException {
            samples.collect(out);
        }

        @Override
        public void close() {
            closeStarted.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aSinkThatNeverAnswersNorClosesAndASourceThatNeverClosesStillLetTheStopEndWithinTheDeadline()
            throws Exception {
        WedgedSink sink = new WedgedSink();
        WedgedSource source = new WedgedSource();
        CourierConfig config = new CourierConfig(dataDir, 1024, 1 << 20, DEADLINE,
                List.of(GivenPlugins.source("app", Duration.ofHours(1), () -> source)),
                List.of(GivenPlugins.sink(sink, failures -> Duration.ofMillis(50), 1 << 20)),
                AdminConfig.loopback(0));
        Courier courier = Courier.start(config, new InMemoryDeliveryLedger(Clock.systemUTC(), 1000),
                Clock.systemUTC());
        await().until(() -> sink.sent.get() > 0);

        // Stopped on its own thread, so a stop that never ends fails this test instead of hanging it.
        long[] stopNanos = new long[1];
        Thread stopper = new Thread(() -> {
            long started = System.nanoTime();
            courier.close();
            stopNanos[0] = System.nanoTime() - started;
        }, "test-stopper");
        stopper.setDaemon(true);
        stopper.start();
        stopper.join(DEADLINE.plus(Duration.ofSeconds(10)).toMillis());

        assertThat(stopper.isAlive()).as("the stop is still running well past its deadline").isFalse();
        assertThat(sink.closeStarted.await(0, TimeUnit.SECONDS)).as("the sink was closed").isTrue();
        assertThat(source.closeStarted.await(0, TimeUnit.SECONDS)).as("the source was closed").isTrue();
        assertThat(Duration.ofNanos(stopNanos[0])).isLessThanOrEqualTo(DEADLINE.plus(MARGIN));
    }
}
