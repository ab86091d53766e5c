package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.DeliveryRecord.Outcome;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.RecordingSink;
import dev.concierge.courier.core.testing.Samples;
import java.util.ArrayList;
import java.util.Set;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipelineTest {
    private static final Backoff NO_WAIT = failures -> Duration.ZERO;
    private static final Duration LONG_INTERVAL = Duration.ofHours(1);

    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(2));
        }
    }

    private Pipeline start(List<ScheduledSource> sources, List<SinkSpec> sinks) {
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger, sources, sinks,
                Clock.systemUTC());
        pipeline.start();
        return pipeline;
    }

    private static ScheduledSource once(ListSource source) {
        return new ScheduledSource(source, LONG_INTERVAL);
    }

    @Test
    void deliversEverySampleToEverySink() {
        List<Sample> samples = Samples.counters("app", 250);
        RecordingSink zabbix = new RecordingSink("zabbix", 100, 1);
        RecordingSink graphite = new RecordingSink("graphite", 7, 3);

        start(List.of(once(new ListSource("app", run -> run == 0 ? samples : List.of()))),
                List.of(new SinkSpec(zabbix, NO_WAIT, 1 << 20), new SinkSpec(graphite, NO_WAIT, 1 << 20)));

        await().until(() -> pipeline.sinkStats().get("graphite").delivered() == 250
                && pipeline.sinkStats().get("zabbix").delivered() == 250);
        assertThat(zabbix.samplesSent()).containsExactlyElementsOf(samples);
        assertThat(graphite.samplesSent()).containsExactlyInAnyOrderElementsOf(samples);
        assertThat(zabbix.sent()).allSatisfy(batch -> assertThat(batch.size()).isLessThanOrEqualTo(100));
        assertThat(graphite.sent()).allSatisfy(batch -> assertThat(batch.size()).isLessThanOrEqualTo(7));
        assertThat(ledger.totals("zabbix").accepted()).isEqualTo(250);
        assertThat(pipeline.sourceStats().get("app").accepted()).isEqualTo(250);
    }

    @Test
    void deliversEachSourcesSamplesOnlyToTheSinksThatTakeIt() {
        List<Sample> app = fromSource("app", Samples.counters("app", 300));
        List<Sample> node = fromSource("node", Samples.counters("node", 200));
        RecordingSink zabbix = new RecordingSink("zabbix", 100, 1);
        RecordingSink graphite = new RecordingSink("graphite", 100, 1);
        RecordingSink file = new RecordingSink("file", 100, 1);

        start(List.of(once(new ListSource("app", run -> run == 0 ? app : List.of())),
                        once(new ListSource("node", run -> run == 0 ? node : List.of()))),
                List.of(new SinkSpec(zabbix, NO_WAIT, 1 << 20, Set.of("app")),
                        new SinkSpec(graphite, NO_WAIT, 1 << 20, Set.of("node")),
                        new SinkSpec(file, NO_WAIT, 1 << 20)));

        await().until(() -> pipeline.sinkStats().get("file").delivered() == 500
                && pipeline.sinkStats().get("zabbix").delivered() == 300
                && pipeline.sinkStats().get("graphite").delivered() == 200);
        assertThat(zabbix.samplesSent()).containsExactlyElementsOf(app);
        assertThat(graphite.samplesSent()).containsExactlyElementsOf(node);
        assertThat(file.samplesSent()).containsExactlyInAnyOrderElementsOf(concat(app, node));
        assertThat(pipeline.sinkStats().get("zabbix").received()).isEqualTo(300);
        assertThat(pipeline.sinkStats().get("graphite").dropped()).isZero();
    }

    private static List<Sample> fromSource(String source, List<Sample> samples) {
        return samples.stream().map(s -> new Sample(s.name(), s.labels(), s.type(), s.field(), s.value(),
                s.epochSecond(), s.nanos(), s.host(), source)).toList();
    }

    private static List<Sample> concat(List<Sample> a, List<Sample> b) {
        List<Sample> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void retriesAfterBackoffAndRecordsTheAttempts() {
        AtomicInteger calls = new AtomicInteger();
        RecordingSink flaky = new RecordingSink("flaky").answering(batch -> calls.incrementAndGet() <= 2
                ? DeliveryOutcome.Retry.of("connection refused")
                : new DeliveryOutcome.Delivered("processed: 3"));
        List<Duration> delaysAsked = new CopyOnWriteArrayList<>();
        Backoff recordingBackoff = failures -> {
            delaysAsked.add(Duration.ofMillis(failures));
            return Duration.ofMillis(failures);
        };

        start(List.of(once(new ListSource("app", run -> run == 0 ? Samples.counters("x", 1) : List.of()))),
                List.of(new SinkSpec(flaky, recordingBackoff, 1 << 20)));

        await().until(() -> pipeline.sinkStats().get("flaky").delivered() == 1);
        assertThat(delaysAsked).containsExactly(Duration.ofMillis(1), Duration.ofMillis(2));
        assertThat(flaky.sent()).hasSize(3).allSatisfy(batch -> assertThat(batch.samples())
                .containsExactlyElementsOf(Samples.counters("x", 1)));
        DeliveryRecord record = ledger.recent(10).get(0);
        assertThat(record.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(record.attempts()).isEqualTo(3);
        assertThat(record.detail()).isEqualTo("processed: 3");
        assertThat(pipeline.sinkStats().get("flaky").retries()).isEqualTo(2);
        assertThat(pipeline.sinkStats().get("flaky").consecutiveFailures()).isZero();
    }

    /** A sink whose replies the test completes by hand, counting how many are outstanding at once. */
    private static final class HandAnsweredSink implements Sink {
        final List<CompletableFuture<DeliveryOutcome>> replies = new CopyOnWriteArrayList<>();
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicInteger mostOutstanding = new AtomicInteger();

        @Override
        public String name() {
            return "hand";
        }

        @Override
        public int maxBatchSize() {
            return 1;
        }

        @Override
        public int maxInFlight() {
            return 4;
        }

        @Override
        public CompletionStage<DeliveryOutcome> send(Batch batch) {
            mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            CompletableFuture<DeliveryOutcome> reply = new CompletableFuture<>();
            replies.add(reply);
            return reply.whenComplete((outcome, error) -> outstanding.decrementAndGet());
        }
    }

    @Test
    void probesAFailingDestinationWithOneBatchAtATime() {
        HandAnsweredSink sink = new HandAnsweredSink();
        start(List.of(once(new ListSource("app", run -> run == 0 ? Samples.counters("x", 20) : List.of()))),
                List.of(new SinkSpec(sink, NO_WAIT, 1 << 20)));
        await().until(() -> sink.replies.size() == 4);
        assertThat(sink.mostOutstanding.get()).isEqualTo(4);

        // Four failures; from then on the destination is only probed, one batch at a time.
        sink.mostOutstanding.set(0);
        sink.replies.forEach(reply -> reply.complete(DeliveryOutcome.Retry.of("connection refused")));
        for (int probe = 4; probe < 10; probe++) {
            int sent = probe + 1;
            await().until(() -> sink.replies.size() == sent);
            sink.replies.get(probe).complete(DeliveryOutcome.Retry.of("connection refused"));
        }
        assertThat(sink.mostOutstanding.get()).isEqualTo(1);

        // The first success restores full concurrency.
        await().until(() -> sink.replies.size() == 11);
        sink.replies.get(10).complete(new DeliveryOutcome.Delivered("ok"));
        await().until(() -> sink.outstanding.get() == 4);
        sink.replies.forEach(reply -> reply.complete(new DeliveryOutcome.Delivered("ok")));
    }

    @Test
    void settlesRejectedRowsWithoutResendingThem() {
        RecordingSink picky = new RecordingSink("picky").answering(batch ->
                new DeliveryOutcome.PartiallyRejected(batch.size() - 1, 1, "processed: 4; failed: 1"));

        start(List.of(once(new ListSource("app", run -> run == 0 ? Samples.counters("x", 5) : List.of()))),
                List.of(new SinkSpec(picky, NO_WAIT, 1 << 20)));

        SinkStats stats = pipeline.sinkStats().get("picky");
        await().until(() -> stats.delivered() + stats.rejected() == 5);
        assertThat(picky.samplesSent()).containsExactlyElementsOf(Samples.counters("x", 5));
        assertThat(stats.rejected()).isEqualTo(stats.batches());
        assertThat(stats.retries()).isZero();
        assertThat(ledger.recent(100)).allSatisfy(record -> {
            assertThat(record.outcome()).isEqualTo(Outcome.PARTIALLY_REJECTED);
            assertThat(record.rejected()).isEqualTo(1);
        });
    }

    @Test
    void aSinkThatNeverAnswersDoesNotHoldBackAnother() {
        RecordingSink dead = new RecordingSink("dead", 10, 1).holdReplies();
        RecordingSink healthy = new RecordingSink("healthy", 10, 1);

        start(List.of(new ScheduledSource(new ListSource("app", run -> Samples.counters("run" + run, 50)),
                        Duration.ofMillis(20))),
                List.of(new SinkSpec(dead, NO_WAIT, 1 << 20), new SinkSpec(healthy, NO_WAIT, 1 << 20)));

        await().until(() -> pipeline.sinkStats().get("healthy").delivered() >= 500);
        assertThat(dead.sent()).hasSize(1);
        assertThat(pipeline.sinkStats().get("dead").pending()).isGreaterThan(0);
        dead.releaseAll(new DeliveryOutcome.Delivered("late"));
    }

    @Test
    void dropsTheOldestPastTheBacklogBudgetAndRecordsTheRange() {
        RecordingSink down = new RecordingSink("down", 1, 1).answering(batch -> DeliveryOutcome.Retry.of("down"));
        List<Sample> samples = Samples.counters("x", 100);
        long budget = 10L * samples.get(0).estimatedBytes();

        start(List.of(once(new ListSource("app", run -> run == 0 ? samples : List.of()))),
                List.of(new SinkSpec(down, failures -> Duration.ofHours(1), budget)));

        await().until(() -> pipeline.sinkStats().get("down").received() == 100);
        SinkStats stats = pipeline.sinkStats().get("down");
        assertThat(stats.dropped() + stats.pending()).isEqualTo(100);
        assertThat(stats.pending()).isLessThanOrEqualTo(11);
        // Drops go to the ledger merged, once the chunk taken from the ring is in the backlog.
        await().until(() -> ledger.recent(1000).stream().filter(r -> r.outcome() == Outcome.DROPPED)
                .mapToInt(DeliveryRecord::dropped).sum() == stats.dropped());
        List<DeliveryRecord> drops = ledger.recent(1000).stream()
                .filter(r -> r.outcome() == Outcome.DROPPED).toList();
        // The first sample may already be in flight when the budget is exceeded; the rest go oldest first.
        assertThat(drops.get(0).oldestSample()).isIn(samples.get(0).timestamp(), samples.get(1).timestamp());
        assertThat(drops).allSatisfy(r -> assertThat(r.newestSample()).isBefore(samples.get(99).timestamp()));
    }

    @Test
    void skipsAndCountsACollectThatWouldOverlapThePreviousOne() {
        CountDownLatch slow = new CountDownLatch(1);
        ListSource source = new ListSource("slow", run -> Samples.counters("x", 1)).blockOn(slow);

        start(List.of(new ScheduledSource(source, Duration.ofMillis(10))),
                List.of(new SinkSpec(new RecordingSink("sink"), NO_WAIT, 1 << 20)));

        await().until(() -> pipeline.sourceStats().get("slow").overlapsSkipped() >= 3);
        assertThat(source.runs()).isEqualTo(1);
        slow.countDown();
        await().until(() -> source.runs() >= 2);
    }

    @Test
    void recordsWhenEachCollectEndedAndHowManySamplesItOffered() {
        Clock fixed = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(new ListSource("app", run -> Samples.counters("x", run == 0 ? 5 : 2)),
                        Duration.ofMillis(10))),
                List.of(new SinkSpec(new RecordingSink("sink"), NO_WAIT, 1 << 20)), fixed);
        SourceStats stats = pipeline.sourceStats().get("app");
        assertThat(stats.lastCollectEnded()).isNull();
        assertThat(stats.lastCollectDuration()).isZero();

        pipeline.start();

        // The third run has started, so the second has ended; each run after the first offers two.
        await().until(() -> stats.runs() >= 3);
        assertThat(stats.lastCollectSamples()).isEqualTo(2);
        assertThat(stats.lastCollectEnded()).isEqualTo(fixed.instant());
        assertThat(stats.lastCollectDuration()).isPositive();
        assertThat(stats.collectNanos()).isGreaterThanOrEqualTo(stats.lastCollectDuration().toNanos());
    }

    @Test
    void stopSendsWhatIsOwedThenClosesSinksAndSources() {
        RecordingSink sink = new RecordingSink("sink", 10, 1);
        ListSource source = new ListSource("app", run -> run == 0 ? Samples.counters("x", 95) : List.of());
        start(List.of(once(source)), List.of(new SinkSpec(sink, NO_WAIT, 1 << 20)));
        await().until(() -> pipeline.sourceStats().get("app").accepted() == 95);

        pipeline.stop(Duration.ofSeconds(5));

        assertThat(sink.samplesSent()).hasSize(95);
        assertThat(sink.closed()).isTrue();
        assertThat(source.closed()).isTrue();
    }

    @Test
    void stopRecordsWhatCouldNotBeSentBeforeTheDeadline() {
        RecordingSink dead = new RecordingSink("dead", 10, 1).holdReplies();
        start(List.of(once(new ListSource("app", run -> run == 0 ? Samples.counters("x", 30) : List.of()))),
                List.of(new SinkSpec(dead, NO_WAIT, 1 << 20)));
        await().until(() -> pipeline.sinkStats().get("dead").received() == 30);

        pipeline.stop(Duration.ofMillis(200));

        DeliveryRecord last = ledger.recent(1).get(0);
        assertThat(last.outcome()).isEqualTo(Outcome.DROPPED);
        assertThat(last.dropped()).isEqualTo(30);
        assertThat(last.detail()).contains("shutdown");
        assertThat(pipeline.sinkStats().get("dead").dropped()).isEqualTo(30);
    }

    @Test
    void countsWhatTheRingRefusedAgainstTheSource() {
        Sample sample = Samples.counter("x", 1, 1_700_000_000L);
        // A byte budget smaller than one sample: the ring refuses everything.
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(16, sample.estimatedBytes() - 1), ledger,
                List.of(once(new ListSource("burst", run -> run == 0 ? List.of(sample, sample, sample) : List.of()))),
                List.of(new SinkSpec(new RecordingSink("sink"), NO_WAIT, 1 << 20)), Clock.systemUTC());
        pipeline.start();

        await().until(() -> pipeline.sourceStats().get("burst").refused() == 3);
        assertThat(pipeline.sourceStats().get("burst").accepted()).isZero();
        assertThat(pipeline.sinkStats().get("sink").received()).isZero();
    }

    @Test
    void addsAndRemovesSinksWhileRunningWithoutTouchingTheOthers() {
        RecordingSink steady = new RecordingSink("steady");
        start(List.of(new ScheduledSource(new ListSource("app", run -> Samples.counters("run" + run, 5)),
                        Duration.ofMillis(20))),
                List.of(new SinkSpec(steady, NO_WAIT, 1 << 20)));
        await().until(() -> pipeline.sinkStats().get("steady").delivered() >= 20);

        RecordingSink added = new RecordingSink("added");
        pipeline.addSink(new SinkSpec(added, NO_WAIT, 1 << 20));
        await().until(() -> pipeline.sinkStats().get("added").delivered() >= 20);
        assertThat(pipeline.removeSink("added", Duration.ofSeconds(2))).isTrue();

        assertThat(added.closed()).isTrue();
        assertThat(steady.closed()).isFalse();
        assertThat(pipeline.sinkStats()).containsOnlyKeys("steady");
        long before = pipeline.sinkStats().get("steady").delivered();
        await().until(() -> pipeline.sinkStats().get("steady").delivered() > before + 20);
    }

    @Test
    void addsAndRemovesSourcesWhileRunning() {
        RecordingSink sink = new RecordingSink("sink");
        ListSource first = new ListSource("first", run -> Samples.counters("first" + run, 1));
        start(List.of(new ScheduledSource(first, Duration.ofMillis(20))), List.of(new SinkSpec(sink, NO_WAIT, 1 << 20)));
        ListSource second = new ListSource("second", run -> Samples.counters("second" + run, 1));

        pipeline.addSource(new ScheduledSource(second, Duration.ofMillis(20)));
        await().until(() -> second.runs() >= 3);
        assertThat(pipeline.removeSource("first", Duration.ofSeconds(2))).isTrue();

        assertThat(first.closed()).isTrue();
        int runsAfterRemoval = first.runs();
        await().until(() -> second.runs() >= runsAfterRemoval + 5);
        assertThat(first.runs()).isEqualTo(runsAfterRemoval);
        assertThat(pipeline.sourceStats()).containsOnlyKeys("second");
    }

    /** A source sharing work with other couriers: it records what the pipeline asks of it, in order. */
    private static final class LeavingSource implements dev.concierge.courier.core.spi.Source,
            dev.concierge.courier.core.spi.LeavesBeforeStop, dev.concierge.courier.core.spi.ReportsState {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "shared";
        }

        @Override
        public void collect(dev.concierge.courier.core.spi.Emitter out) {
            calls.add("collect");
        }

        @Override
        public Duration leave() {
            calls.add("leave");
            return Duration.ofMillis(300);
        }

        @Override
        public java.util.Map<String, java.util.function.DoubleSupplier> gauges() {
            return java.util.Map.of("targets.owned", () -> 7);
        }

        @Override
        public java.util.Map<String, Object> state() {
            return java.util.Map.of("sharing", java.util.Map.of("targets_owned", 7));
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    @Test
    void asksASharingSourceToLeaveBeforeStoppingItAndKeepsCollectingMeanwhile() {
        LeavingSource source = new LeavingSource();
        start(List.of(new ScheduledSource(source, Duration.ofMillis(20))), List.of());
        await().until(() -> source.calls.size() >= 2);
        assertThat(pipeline.sourceStats().get("shared").gauges().get("targets.owned").getAsDouble()).isEqualTo(7);
        assertThat(pipeline.sourceStats().get("shared").state()).containsKey("sharing");

        pipeline.stop(Duration.ofSeconds(4));

        List<String> calls = List.copyOf(source.calls);
        int left = calls.indexOf("leave");
        assertThat(left).isPositive();
        assertThat(calls.get(calls.size() - 1)).isEqualTo("close");
        assertThat(calls.subList(left + 1, calls.size() - 1)).isNotEmpty().containsOnly("collect");
    }
}
