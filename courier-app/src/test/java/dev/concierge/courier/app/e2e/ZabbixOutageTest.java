package dev.concierge.courier.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.sinks.zabbix.ZabbixSink;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The courier against a Zabbix server that goes away and comes back on the same port: whatever the
 * failure looks like on the wire, every sample the ring accepted before, during and after the outage
 * reaches the server exactly as it was collected, and the pipeline keeps collecting throughout.
 */
class ZabbixOutageTest {
    private static final String HOST = "courier-e2e-outage";
    private static final String SINK = "zabbix";
    private static final int COLLECTS_PER_PHASE = 3;

    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 10_000);
    private final Deque<AutoCloseable> peers = new ArrayDeque<>();
    private GatedSource source;
    private Pipeline pipeline;

    /** Whatever answers on the port while the server is down; nothing at all for a refused connection. */
    @FunctionalInterface
    private interface Outage {
        AutoCloseable begin(int port) throws IOException;
    }

    @AfterEach
    void stopEverything() throws Exception {
        if (source != null) {
            source.finish();
        }
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(2));
        }
        while (!peers.isEmpty()) {
            peers.pop().close();
        }
    }

    @Test
    void losesNothingWhileTheServerAcceptsButNeverAnswers() throws Exception {
        survivesOutage(port -> MisbehavingTrapper.listen(port, MisbehavingTrapper.Behaviour.SILENT));
    }

    @Test
    void losesNothingWhileTheServerAnswersGarbage() throws Exception {
        survivesOutage(port -> MisbehavingTrapper.listen(port, MisbehavingTrapper.Behaviour.GARBAGE));
    }

    @Test
    void losesNothingWhileTheConnectionIsRefused() throws Exception {
        survivesOutage(port -> () -> { });
    }

    private void survivesOutage(Outage outage) throws Exception {
        int port = freePort();
        List<ZabbixTrapperReceiver> receivers = new ArrayList<>();
        receivers.add(receiver(port));
        source = new GatedSource(new SequenceSource("app"));
        start(port);
        SinkStats stats = pipeline.sinkStats().get(SINK);

        // Before: the server is up and takes what is collected.
        source.allow(COLLECTS_PER_PHASE);
        await("delivery before the outage").until(() -> source.collects() == COLLECTS_PER_PHASE
                && ledger.totals(SINK).accepted() == source.accepted().size());
        assertThat(stats.retries()).isZero();
        receivers.get(0).close();

        // During: whatever is on the port now does not take the values.
        AutoCloseable down = outage.begin(port);
        peers.push(down);
        source.allow(COLLECTS_PER_PHASE);
        await("collects and failed attempts during the outage").until(() ->
                source.collects() == 2 * COLLECTS_PER_PHASE && stats.retries() >= 2);
        int acceptedBeforeRecovery = source.accepted().size();
        assertThat(ledger.totals(SINK).accepted()).isLessThan(acceptedBeforeRecovery);
        peers.remove(down);
        down.close();

        // After: the server is back on the same port.
        receivers.add(receiver(port));
        source.allow(COLLECTS_PER_PHASE);
        await("everything delivered after the outage").until(() -> source.collects() == 3 * COLLECTS_PER_PHASE
                && ledger.totals(SINK).accepted() == source.accepted().size());

        List<Sample> collected = source.accepted();
        assertThat(collected).hasSize(3 * COLLECTS_PER_PHASE * SequenceSource.SAMPLES_PER_COLLECT);
        List<Row> sent = collected.stream().map(sample -> Row.of(sample, null)).toList();
        List<Row> received = new ArrayList<>();
        receivers.forEach(receiver -> received.addAll(receiver.rows()));
        // At least once, and a duplicate is exactly a collected row: same key, value, clock and ns.
        assertThat(received).hasSameElementsAs(sent);
        assertThat(stats.retries()).isPositive();
        assertThat(stats.delivered()).isEqualTo(collected.size());
        assertThat(stats.rejected()).isZero();
        assertThat(stats.dropped()).isZero();
        List<DeliveryRecord> records = ledger.recent(10_000);
        assertThat(records).allSatisfy(record -> assertThat(record.outcome()).isEqualTo(DeliveryRecord.Outcome.DELIVERED));
        assertThat(records).anySatisfy(record -> assertThat(record.attempts()).isGreaterThan(1));
        assertThat(records.stream().mapToInt(DeliveryRecord::accepted).sum()).isEqualTo(collected.size());
        assertThat(pipeline.sourceStats().get("app").failures()).isZero();
        assertThat(pipeline.sourceStats().get("app").refused()).isZero();
    }

    private void start(int port) {
        ZabbixSink sink = ZabbixSink.create(ZabbixSinkConfig.of(SINK, "127.0.0.1", port)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(200)));
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(source, Duration.ofMillis(100))),
                List.of(new SinkSpec(sink, FullJitterBackoff.of(Duration.ofMillis(10), Duration.ofMillis(100), 2),
                        1 << 20)),
                Clock.systemUTC());
        pipeline.start();
    }

    private ZabbixTrapperReceiver receiver(int port) {
        ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create(port, key -> true, (row, processed) -> { });
        peers.push(receiver);
        return receiver;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Two samples per collect, numbered by collect and stamped with the collect's time. */
    private static final class SequenceSource implements Source {
        static final int SAMPLES_PER_COLLECT = 2;

        private final String name;
        private long collects;

        SequenceSource(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void collect(Emitter out) {
            long run = ++collects;
            Instant at = Instant.now();
            out.offer(Sample.of("jobs.done", MetricType.COUNTER, "count", SampleValue.of(run), at, HOST, name));
            out.offer(Sample.of("jobs.last", MetricType.GAUGE, null, SampleValue.of("run " + run), at, HOST, name));
        }
    }
}
