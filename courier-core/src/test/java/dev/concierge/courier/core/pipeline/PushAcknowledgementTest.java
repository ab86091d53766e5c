package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.ledger.SinkBacklog;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.AcknowledgingEmitter;
import dev.concierge.courier.core.spi.AcknowledgingEmitter.Receipt;
import dev.concierge.courier.core.spi.PushSource;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.core.testing.ForwardingDeliveryLedger;
import dev.concierge.courier.core.testing.ForwardingSinkBacklog;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.RecordingSink;
import dev.concierge.courier.core.testing.Samples;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A push source's receipt completes once every sink it is routed to holds its samples, synced. */
class PushAcknowledgementTest {
    private final InMemoryDeliveryLedger inMemory = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
    // Per sink: whether its backlog's syncAppends says the samples are durable.
    private final Map<String, AtomicBoolean> durable = new ConcurrentHashMap<>();
    private final Map<String, List<Sample>> appended = new ConcurrentHashMap<>();
    private final ListeningSource intake = new ListeningSource("intake");
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(2));
        }
    }

    @Test
    void receiptCompletesOnlyOnceEverySinkHasSyncedTheSamples() {
        durable.put("zabbix", new AtomicBoolean(true));
        durable.put("graphite", new AtomicBoolean(false));
        start(new GatedLedger(), new SinkSpec(new RecordingSink("zabbix").holdReplies(), failures -> Duration.ZERO, 1 << 20),
                new SinkSpec(new RecordingSink("graphite").holdReplies(), failures -> Duration.ZERO, 1 << 20));
        List<Sample> samples = Samples.counters("app", 3);

        Receipt receipt = intake.emitter().offerAll(samples);

        assertThat(receipt.accepted()).isEqualTo(3);
        assertThat(receipt.refused()).isZero();
        await().until(() -> appended.getOrDefault("graphite", List.of()).size() == 3
                && appended.getOrDefault("zabbix", List.of()).size() == 3);
        assertThat(receipt.durable().toCompletableFuture()).isNotDone();

        // The sink's next turn (at the latest its idle wake-up) syncs again.
        durable.get("graphite").set(true);
        await().until(() -> receipt.durable().toCompletableFuture().isDone());
        assertThat(receipt.durable().toCompletableFuture()).isCompleted();
    }

    @Test
    void aSinkNotRoutedTheSourceDoesNotHoldTheReceiptBack() {
        durable.put("zabbix", new AtomicBoolean(true));
        durable.put("other", new AtomicBoolean(false));
        start(new GatedLedger(), new SinkSpec(new RecordingSink("zabbix"), failures -> Duration.ZERO, 1 << 20),
                new SinkSpec(new RecordingSink("other"), failures -> Duration.ZERO, 1 << 20, Set.of("elsewhere")));

        Receipt receipt = intake.emitter().offerAll(Samples.counters("app", 2));

        await().until(() -> receipt.durable().toCompletableFuture().isDone());
        assertThat(appended.getOrDefault("other", List.of())).isEmpty();
    }

    @Test
    void whatTheRingRefusesIsCountedAndNotWaitedFor() throws SourceException {
        durable.put("zabbix", new AtomicBoolean(true));
        Sample first = Samples.counter("app.a", 1, 1);
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(4, first.estimatedBytes() * 2L), new GatedLedger(),
                List.of(new ScheduledSource(intake, Duration.ofHours(1))),
                List.of(new SinkSpec(new RecordingSink("zabbix"), failures -> Duration.ZERO, 1 << 20)), Clock.systemUTC());
        // Not started: nothing drains the ring, so the third sample finds it full.
        intake.listen(new AcknowledgingRingEmitter(new RingEmitter("intake", pipeline.ring(),
                pipeline.sourceStats().get("intake"), SampleProcessor.none(), new CollectBoundaries()), pipeline.ring(), new DurableAcknowledgements()));

        Receipt receipt = intake.emitter().offerAll(
                List.of(first, Samples.counter("app.b", 2, 1), Samples.counter("app.c", 3, 1)));

        assertThat(receipt.accepted()).isEqualTo(2);
        assertThat(receipt.refused()).isEqualTo(1);
        assertThat(pipeline.sourceStats().get("intake").refused()).isEqualTo(1);
    }

    @Test
    void pushRequestsBesideAPullSourceAreNotBoundByOneCollectsShareOfTheRing() throws Exception {
        durable.put("zabbix", new AtomicBoolean(true));
        ListSource scraped = new ListSource("scraped", run -> Samples.counters("scraped", 8));
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(64, 1 << 20), inMemory,
                List.of(new ScheduledSource(intake, Duration.ofHours(1)), new ScheduledSource(scraped, Duration.ofHours(1))),
                List.of(new SinkSpec(new RecordingSink("zabbix"), failures -> Duration.ZERO, 1 << 20)), Clock.systemUTC());
        pipeline.start();
        await().until(() -> intake.out != null && scraped.runs() == 1);

        // Together three times the ring: each request is its own, drained before the next.
        for (int r = 0; r < 20; r++) {
            Receipt receipt = intake.emitter().offerAll(Samples.counters("r" + r, 10));
            assertThat(receipt.refused()).as("request %d", r).isZero();
            receipt.durable().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertThat(pipeline.sourceStats().get("intake").refused()).isZero();
    }

    @Test
    void receiptsWaitingAtStopFailRatherThanHang() {
        durable.put("zabbix", new AtomicBoolean(false));
        start(new GatedLedger(), new SinkSpec(new RecordingSink("zabbix"), failures -> Duration.ZERO, 1 << 20));

        Receipt receipt = intake.emitter().offerAll(Samples.counters("app", 1));
        pipeline.stop(Duration.ofMillis(500));
        pipeline = null;

        assertThat(receipt.durable().toCompletableFuture()).isCompletedExceptionally();
    }

    @Test
    void manyClientsAtOnceAreEachAcknowledgedWithAFileLedger(@TempDir Path dataDir) throws Exception {
        FileDeliveryLedger ledger = FileDeliveryLedger.open(dataDir, Clock.systemUTC(),
                FileDeliveryLedger.Options.defaults().withSyncInterval(Duration.ofHours(1)));
        RecordingSink first = new RecordingSink("first");
        RecordingSink second = new RecordingSink("second");
        start(ledger, new SinkSpec(first, failures -> Duration.ZERO, 1 << 24),
                new SinkSpec(second, failures -> Duration.ZERO, 1 << 24));
        int clients = 8;
        int requests = 50;
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        List<CompletableFuture<Void>> receipts = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<CompletableFuture<List<CompletableFuture<Void>>>> perClient = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                perClient.add(CompletableFuture.supplyAsync(() -> {
                    awaitUninterruptibly(go);
                    List<CompletableFuture<Void>> own = new ArrayList<>();
                    for (int r = 0; r < requests; r++) {
                        Receipt receipt = intake.emitter().offerAll(Samples.counters("c" + client + ".r" + r, 5));
                        own.add(receipt.durable().toCompletableFuture());
                    }
                    return own;
                }, threads));
            }
            go.countDown();
            for (CompletableFuture<List<CompletableFuture<Void>>> own : perClient) {
                receipts.addAll(own.get(20, TimeUnit.SECONDS));
            }
            CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertThat(receipts).hasSize(clients * requests).allSatisfy(r -> assertThat(r).isCompleted());
    }

    @Test
    void aPushSourceThatCannotListenYetIsAskedAgainAtItsIntervalAndThenLeftListening() {
        AtomicInteger attempts = new AtomicInteger();
        ListeningSource busyPort = new ListeningSource("intake") {
            @Override
            public void listen(AcknowledgingEmitter out) throws SourceException {
                if (attempts.incrementAndGet() < 3) {
                    throw new SourceException("address in use");
                }
                super.listen(out);
            }
        };
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 24), inMemory,
                List.of(new ScheduledSource(busyPort, Duration.ofMillis(10))),
                List.of(new SinkSpec(new RecordingSink("zabbix"), failures -> Duration.ZERO, 1 << 20)), Clock.systemUTC());
        pipeline.start();

        await().until(() -> busyPort.out != null);
        await().until(() -> pipeline.sourceStats().get("intake").runs() >= 3);
        long runsOnceListening = pipeline.sourceStats().get("intake").runs();

        assertThat(pipeline.sourceStats().get("intake").failures()).isEqualTo(2);
        assertThat(pipeline.sourceStats().get("intake").lastError()).isNull();
        assertThat(runsOnceListening).as("ticks after listening start no run").isEqualTo(3);
        assertThat(attempts).hasValue(3);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void start(DeliveryLedger ledger, SinkSpec... sinks) {
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 24), ledger,
                List.of(new ScheduledSource(intake, Duration.ofHours(1))), List.of(sinks), Clock.systemUTC());
        pipeline.start();
        await().until(() -> intake.out != null);
    }

    /** Listens by keeping the emitter it is given. */
    static class ListeningSource implements PushSource {
        private final String name;
        volatile AcknowledgingEmitter out;

        ListeningSource(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void listen(AcknowledgingEmitter out) throws SourceException {
            this.out = out;
        }

        AcknowledgingEmitter emitter() {
            return out;
        }
    }

    /** The in-memory ledger, with backlogs whose syncAppends answers as the test says, and which record appends. */
    private final class GatedLedger extends ForwardingDeliveryLedger {
        GatedLedger() {
            super(inMemory);
        }

        @Override
        public SinkBacklog openBacklog(String sink, long byteBudget) {
            List<Sample> mine = appended.computeIfAbsent(sink, s -> new CopyOnWriteArrayList<>());
            AtomicBoolean syncs = durable.computeIfAbsent(sink, s -> new AtomicBoolean(true));
            return new ForwardingSinkBacklog(super.openBacklog(sink, byteBudget)) {
                @Override
                public void appendAll(Sample[] samples, int count, Consumer<DeliveryRecord> evicted) {
                    super.appendAll(samples, count, evicted);
                    mine.addAll(Arrays.asList(samples).subList(0, count));
                }

                @Override
                public boolean syncAppends() {
                    return syncs.get();
                }
            };
        }
    }
}
