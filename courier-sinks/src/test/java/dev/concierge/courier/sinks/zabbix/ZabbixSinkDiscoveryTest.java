package dev.concierge.courier.sinks.zabbix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.testing.ManualClock;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver.Exchange;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZabbixSinkDiscoveryTest {
    private static final String HOST = "web-01";
    private static final Instant START = Instant.parse("2024-06-01T00:00:00Z");

    private final ManualClock clock = new ManualClock(START);
    // Keys the fake server has items for; discovery rules are always there.
    private final Set<String> items = ConcurrentHashMap.newKeySet();
    private final AtomicLong batchIds = new AtomicLong();
    private ZabbixTrapperReceiver receiver;
    private ZabbixSink sink;

    @TempDir
    Path dir;

    @AfterEach
    void closeBoth() {
        if (sink != null) {
            sink.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    private void startReceiver() {
        receiver = ZabbixTrapperReceiver.create(0, key -> key.startsWith("courier.discovery[") || items.contains(key),
                (row, processed) -> { });
    }

    /** A server that has every item already, so nothing is held. */
    private void startReceiverWithEveryItem() {
        receiver = ZabbixTrapperReceiver.create();
    }

    private ZabbixSink sink(ZabbixDiscoveryConfig discovery) {
        return ZabbixSink.create(ZabbixSinkConfig.of("zabbix-lld", "127.0.0.1", receiver.port()), discovery, clock);
    }

    private static List<Sample> timer(String name, Instant at) {
        List<Sample> samples = new ArrayList<>();
        for (String field : List.of("count", "p99")) {
            samples.add(new Sample(name, Labels.empty(), MetricType.TIMER, field, SampleValue.of(7L),
                    at.getEpochSecond(), at.getNano(), HOST, "app"));
        }
        return samples;
    }

    private CompletableFuture<DeliveryOutcome> send(List<Sample> samples) {
        return sink.send(new Batch(batchIds.incrementAndGet(), samples)).toCompletableFuture();
    }

    private List<String> discoveryValues() {
        return receiver.rows().stream().filter(r -> r.key().equals("courier.discovery[timers]")).map(Row::value)
                .toList();
    }

    @Test
    void sendsTheCompleteDiscoveryValueInAFrameOfItsOwnBeforeTheValues() throws Exception {
        startReceiver();
        items.addAll(List.of("timer[app.requests.count]", "timer[app.requests.p99]"));
        sink = sink(ZabbixDiscoveryConfig.defaults());

        DeliveryOutcome outcome = send(timer("app.requests", START)).get(30, TimeUnit.SECONDS);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        List<Exchange> exchanges = receiver.exchanges();
        assertThat(exchanges.get(0).request().rows()).singleElement().satisfies(row -> {
            assertThat(row.host()).isEqualTo(HOST);
            assertThat(row.key()).isEqualTo("courier.discovery[timers]");
            assertThat(row.value()).isEqualTo("[{\"{#TIMER}\":\"app.requests\"}]");
        });
        assertThat(exchanges.subList(1, exchanges.size())).flatMap(e -> e.request().rows()).extracting(Row::key)
                .containsExactlyInAnyOrder("timer[app.requests.count]", "timer[app.requests.p99]");
        assertThat(sink.discoveryStats().valuesSent()).isEqualTo(1);
        assertThat(sink.events().get("discovery_values_sent").getAsLong()).isEqualTo(1);
    }

    @Test
    void sendsTheSetAgainOnlyWhenItChangedAndAtMostOncePerInterval() throws Exception {
        startReceiverWithEveryItem();
        sink = sink(ZabbixDiscoveryConfig.defaults());

        send(timer("a", START)).get(30, TimeUnit.SECONDS);
        clock.advance(Duration.ofSeconds(10));
        send(timer("a", clock.instant())).get(30, TimeUnit.SECONDS);
        List<Sample> both = new ArrayList<>(timer("a", clock.instant()));
        both.addAll(timer("b", clock.instant()));
        send(both).get(30, TimeUnit.SECONDS);
        assertThat(discoveryValues()).containsExactly("[{\"{#TIMER}\":\"a\"}]");

        clock.advance(Duration.ofSeconds(51));
        send(timer("a", clock.instant())).get(30, TimeUnit.SECONDS);
        assertThat(discoveryValues()).containsExactly("[{\"{#TIMER}\":\"a\"}]",
                "[{\"{#TIMER}\":\"a\"},{\"{#TIMER}\":\"b\"}]");
    }

    @Test
    void forgetsSeriesNotSeenForForgetAfterAndSendsTheSmallerSet() throws Exception {
        startReceiverWithEveryItem();
        sink = sink(ZabbixDiscoveryConfig.defaults());
        List<Sample> both = new ArrayList<>(timer("a", START));
        both.addAll(timer("b", START));
        send(both).get(30, TimeUnit.SECONDS);

        clock.advance(Duration.ofMinutes(30));
        send(timer("b", clock.instant())).get(30, TimeUnit.SECONDS);
        clock.advance(Duration.ofMinutes(31));
        send(timer("b", clock.instant())).get(30, TimeUnit.SECONDS);

        assertThat(discoveryValues()).containsExactly("[{\"{#TIMER}\":\"a\"},{\"{#TIMER}\":\"b\"}]",
                "[{\"{#TIMER}\":\"b\"}]");
    }

    @Test
    void aRestartWithTheStateFileSendsNoValueForAnUnchangedSet() throws Exception {
        startReceiverWithEveryItem();
        Path state = dir.resolve("discovery").resolve("zabbix-lld.json");
        ZabbixDiscoveryConfig discovery = ZabbixDiscoveryConfig.defaults().withStateFile(state);
        sink = sink(discovery);
        send(timer("a", START)).get(30, TimeUnit.SECONDS);
        sink.close();
        assertThat(state).exists();

        clock.advance(Duration.ofSeconds(5));
        sink = sink(discovery);
        send(timer("a", clock.instant())).get(30, TimeUnit.SECONDS);
        List<Sample> both = new ArrayList<>(timer("a", clock.instant()));
        both.addAll(timer("b", clock.instant()));
        send(both).get(30, TimeUnit.SECONDS);
        assertThat(discoveryValues()).as("the grown set waits out the interval from the send before the restart")
                .containsExactly("[{\"{#TIMER}\":\"a\"}]");

        clock.advance(Duration.ofSeconds(60));
        send(both).get(30, TimeUnit.SECONDS);
        assertThat(discoveryValues()).containsExactly("[{\"{#TIMER}\":\"a\"}]",
                "[{\"{#TIMER}\":\"a\"},{\"{#TIMER}\":\"b\"}]");
    }

    @Test
    void anUnreadableStateFileMeansOneMoreValuePerRule() throws Exception {
        startReceiverWithEveryItem();
        Path state = dir.resolve("zabbix-lld.json");
        Files.writeString(state, "{\"version\":1,\"rules\":[{\"host\":");
        sink = sink(ZabbixDiscoveryConfig.defaults().withStateFile(state));

        send(timer("a", START)).get(30, TimeUnit.SECONDS);

        assertThat(discoveryValues()).containsExactly("[{\"{#TIMER}\":\"a\"}]");
    }

    @Test
    void holdsValuesForNewSeriesUntilTheServerHasTheirItemsAndSettlesTheBatchWithTheFinalCounts() throws Exception {
        startReceiver();
        items.add("timer[old.count]");
        items.add("timer[old.p99]");
        sink = sink(ZabbixDiscoveryConfig.defaults());
        send(timer("old", START)).get(30, TimeUnit.SECONDS);
        clock.advance(Duration.ofMinutes(5));

        List<Sample> samples = new ArrayList<>(timer("old", clock.instant()));
        samples.addAll(timer("new", clock.instant()));
        CompletableFuture<DeliveryOutcome> outcome = send(samples);

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.exchanges().stream()
                .anyMatch(e -> e.response().counts().failed() == 2));
        List<Exchange> values = receiver.exchanges().stream()
                .filter(e -> !e.request().rows().get(0).key().startsWith("courier.discovery[")).toList();
        assertThat(values).extracting(e -> e.request().rows().stream().map(Row::key).sorted().toList())
                .as("established and new series in frames of their own")
                .contains(List.of("timer[old.count]", "timer[old.p99]"), List.of("timer[new.count]", "timer[new.p99]"));
        assertThat(outcome).isNotDone();

        items.add("timer[new.count]");
        items.add("timer[new.p99]");

        assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOf(DeliveryOutcome.Delivered.class);
        ZabbixDiscoveryStats stats = sink.discoveryStats();
        assertThat(stats.framesHeld()).isEqualTo(1);
        assertThat(stats.rowsAcceptedLate()).isEqualTo(2);
        assertThat(stats.rowsRefusedAfterHold()).isZero();
        assertThat(receiver.rows()).filteredOn(r -> r.key().equals("timer[old.p99]")).hasSize(2);
    }

    @Test
    void settlesValuesStillFailingWhenTheHoldRunsOutAsRejected() throws Exception {
        startReceiver();
        items.add("timer[app.count]");
        sink = sink(ZabbixDiscoveryConfig.defaults().withHold(Duration.ofSeconds(3), 1 << 20));

        DeliveryOutcome outcome = send(timer("app", START)).get(30, TimeUnit.SECONDS);

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.PartiallyRejected.class, partial -> {
            assertThat(partial.accepted()).isEqualTo(1);
            assertThat(partial.rejected()).isEqualTo(1);
        });
        ZabbixDiscoveryStats stats = sink.discoveryStats();
        assertThat(stats.framesHeld()).isEqualTo(1);
        assertThat(stats.rowsRefusedAfterHold()).isEqualTo(1);
        assertThat(stats.rowsResent()).isPositive();
    }

    @Test
    void settlesAtOnceWhenTheHoldIsFull() throws Exception {
        startReceiver();
        sink = sink(ZabbixDiscoveryConfig.defaults().withHold(Duration.ofMinutes(2), 16));

        DeliveryOutcome outcome = send(timer("app", START)).get(30, TimeUnit.SECONDS);

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.PartiallyRejected.class,
                partial -> assertThat(partial.rejected()).isEqualTo(2));
        assertThat(sink.discoveryStats().framesOverflowed()).isEqualTo(1);
        assertThat(sink.discoveryStats().framesHeld()).isZero();
    }

    @Test
    void aHostWithoutTheRuleGetsItsValuesWithoutHoldingAndTheRuleIsTriedAgainAfterTheInterval() throws Exception {
        receiver = ZabbixTrapperReceiver.create(0, key -> key.startsWith("timer["), (row, processed) -> { });
        sink = sink(ZabbixDiscoveryConfig.defaults());

        assertThat(send(timer("app", START)).get(30, TimeUnit.SECONDS)).isInstanceOf(DeliveryOutcome.Delivered.class);
        send(timer("app", START.plusSeconds(1))).get(30, TimeUnit.SECONDS);
        clock.advance(Duration.ofSeconds(60));
        send(timer("app", clock.instant())).get(30, TimeUnit.SECONDS);

        assertThat(discoveryValues()).hasSize(2);
        assertThat(sink.discoveryStats().valuesRefused()).isEqualTo(2);
        assertThat(sink.discoveryStats().framesHeld()).isZero();
    }

    @Test
    void aDiscoveryValueWithoutAnAnswerMakesTheBatchARetryAndIsSentAgain() throws Exception {
        startReceiver();
        int port = receiver.port();
        receiver.close();
        sink = ZabbixSink.create(ZabbixSinkConfig.of("zabbix-lld", "127.0.0.1", port), ZabbixDiscoveryConfig.defaults(),
                clock);

        assertThat(send(timer("app", START)).get(30, TimeUnit.SECONDS)).isInstanceOf(DeliveryOutcome.Retry.class);

        receiver = ZabbixTrapperReceiver.create(port, key -> true, (row, processed) -> { });
        assertThat(send(timer("app", START)).get(30, TimeUnit.SECONDS)).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(discoveryValues()).containsExactly("[{\"{#TIMER}\":\"app\"}]");
    }
}
