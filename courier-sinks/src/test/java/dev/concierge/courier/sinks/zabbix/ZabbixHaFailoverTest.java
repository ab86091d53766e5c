package dev.concierge.courier.sinks.zabbix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.ledger.FileSinkBacklog;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.client.ZabbixServerNodes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Zabbix 6.0 HA cluster on this machine (PEERS.md): two {@code zabbix_server} processes on one
 * PostgreSQL database, node1 active, node2 standby (not listening), failover delay 10 s, the shortest.
 * Through the real pipeline and file ledger, the sink gets a unique value every 100 ms; node1 is killed
 * with SIGKILL; node2 takes over after the delay. Every value is in the history table at least once, none
 * is missing, none dropped by the courier, and duplicates are at most the frames that were in flight.
 */
class ZabbixHaFailoverTest {
    private static final String HOST = "courier-ha-host";
    private static final String SINK = "zabbix-ha";
    private static final int MAX_IN_FLIGHT = 4;

    @TempDir
    Path dir;

    /** One value per collect, each unique, timestamped now. */
    private static final class CountingSource implements Source {
        final AtomicLong emitted = new AtomicLong();

        @Override
        public String name() {
            return "counter";
        }

        @Override
        public void collect(Emitter out) {
            Instant now = Instant.now();
            long value = emitted.get() + 1;
            if (out.offer(sample(value, now))) {
                emitted.set(value);
            }
        }
    }

    static Sample sample(long value, Instant at) {
        return new Sample("ha.counter", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(value),
                at.getEpochSecond(), at.getNano(), HOST, "counter");
    }

    @Test
    void everyValueSentAcrossAFailoverIsInHistoryAndNoneIsLost() throws Exception {
        try (RealZabbixServer zabbix = RealZabbixServer.startHaCluster()) {
            String key = Row.of(sample(1, Instant.now()), null).key();
            zabbix.createTrapperItem(zabbix.createHost(HOST), key, RealZabbixServer.ValueType.UNSIGNED);
            zabbix.reloadConfigCache();
            int standbyPort = zabbix.startStandbyNode();
            zabbix.setFailoverDelay(Duration.ofSeconds(10));

            ZabbixSink sink = ZabbixSink.create(ZabbixSinkConfig.of(SINK, ZabbixServerNodes.parse(
                            "127.0.0.1:" + zabbix.trapperPort() + ";127.0.0.1:" + standbyPort, 10051))
                    .withMaxInFlight(MAX_IN_FLIGHT)
                    .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5)));
            FileDeliveryLedger ledger = FileDeliveryLedger.open(dir, Clock.systemUTC());
            CountingSource source = new CountingSource();
            Pipeline pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                    List.of(new ScheduledSource(source, Duration.ofMillis(100))),
                    List.of(new SinkSpec(sink, FullJitterBackoff.of(Duration.ofMillis(100), Duration.ofSeconds(1), 2),
                            64L << 20)), Clock.systemUTC());
            pipeline.start();
            long killedAfter;
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> ledger.totals(SINK).accepted() >= 20);
                killedAfter = source.emitted.get();
                zabbix.killActiveNode();
                long atKill = source.emitted.get();

                // The standby takes over after the failover delay; until then every send is refused.
                await("node2 takes over and the values sent meanwhile are accepted")
                        .atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(200))
                        .until(() -> ledger.totals(SINK).accepted() > atKill + 20);
            } finally {
                pipeline.stop(Duration.ofSeconds(10));
            }
            long emitted = source.emitted.get();
            assertThat(ledger.totals(SINK).accepted()).as("accepted by the ledger").isEqualTo(emitted);
            assertThat(ledger.totals(SINK).dropped()).isZero();
            assertThat(ledger.totals(SINK).rejected()).isZero();

            Map<Long, Integer> seen = new HashMap<>();
            try {
                await("every value in history").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                        .until(() -> {
                            seen.clear();
                            for (String value : zabbix.historyValues(HOST, key)) {
                                seen.merge(Long.parseLong(value), 1, Integer::sum);
                            }
                            return seen.size() >= emitted;
                        });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // reported below, value by value
            }
            List<Long> missing = java.util.stream.LongStream.rangeClosed(1, emitted).boxed()
                    .filter(v -> !seen.containsKey(v)).toList();
            assertThat(missing).as("missing of %d values; node1 killed after value %d", emitted, killedAfter)
                    .isEmpty();
            long duplicates = seen.values().stream().mapToLong(count -> count - 1).sum();
            // A frame whose answer was lost in the kill may have been stored and is sent again: at most one
            // value per connection that was open, since each batch here holds one value. The frames sent
            // again after the outage ("failover_rows_resent") carry their clock and ns, so the history
            // table's key (item, clock, ns) drops them where node1 did store them.
            assertThat(sink.events().get("failover_rows_resent").getAsLong()).as("rows sent again").isPositive();
            assertThat(duplicates).as("duplicates").isLessThanOrEqualTo(MAX_IN_FLIGHT);
            assertThat(zabbix.standbyLog()).contains("active");
        }
    }
}
