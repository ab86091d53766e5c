package dev.concierge.courier.sinks.zabbix;

import static dev.concierge.courier.sinks.zabbix.ZabbixSinkTest.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.ledger.FileSinkBacklog;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.sinks.zabbix.client.ScriptedTrapper;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a partial failure the runner sends the same batch again (same id, next attempt), and the sink
 * skips the frames the server already answered: counted at the receiving end, through the real pipeline and
 * backlog, not by handing the sink one batch twice.
 */
class ZabbixSinkResendTest {
    private static final String SINK = "zabbix-test";

    @TempDir
    Path dir;

    private final AtomicInteger connectionsCut = new AtomicInteger();
    private FileDeliveryLedger ledger;
    private Pipeline pipeline;
    private AutoCloseable receiver;

    @AfterEach
    void stopAll() throws Exception {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(5));
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    /**
     * Runs {@code sink} in a pipeline whose backlog already holds {@code samples}, so that they go out as one
     * batch, and waits until the ledger has settled them.
     */
    private DeliveryRecord deliverThroughThePipeline(Sink sink, List<Sample> samples) {
        ledger = FileDeliveryLedger.open(dir, Clock.systemUTC());
        FileSinkBacklog backlog = ledger.openBacklog(SINK, 1 << 20);
        backlog.appendAll(samples.toArray(Sample[]::new), samples.size(), record -> { });
        backlog.close(record -> { });
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(64, 1 << 20), ledger, List.of(),
                List.of(new SinkSpec(sink, failures -> Duration.ZERO, 1 << 20)), Clock.systemUTC());
        pipeline.start();
        await().until(() -> ledger.totals(SINK).accepted() == samples.size());
        List<DeliveryRecord> records = ledger.recent(10);
        return records.get(records.size() - 1);
    }

    @Test
    void theResendOfAPartlyAnsweredBatchSkipsTheFramesTheServerAlreadyAnswered() {
        AtomicBoolean dbUp = new AtomicBoolean(false);
        // The receiver closes a connection without an answer when its handler fails, as a server that drops
        // the connection: the db-01 frame's first connection, here.
        ZabbixTrapperReceiver trapper = ZabbixTrapperReceiver.create(0, key -> true, (row, processed) -> {
            if (row.host().equals("db-01") && !dbUp.getAndSet(true)) {
                connectionsCut.incrementAndGet();
                throw new IllegalStateException("connection lost before the answer");
            }
        });
        receiver = trapper;
        ZabbixSink sink = ZabbixSink.create(ZabbixSinkConfig.of(SINK, "127.0.0.1", trapper.port())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300)));
        List<Sample> samples = List.of(
                sample("web-01", "a", SampleValue.of(1L), 1, 0), sample("db-01", "a", SampleValue.of(1L), 1, 0),
                sample("web-01", "b", SampleValue.of(2L), 2, 0), sample("db-01", "b", SampleValue.of(2L), 2, 0));

        DeliveryRecord settled = deliverThroughThePipeline(sink, samples);

        assertThat(connectionsCut).hasValue(1);
        // web-01's frame once, db-01's frame once more after its connection was cut.
        assertThat(trapper.exchanges()).hasSize(2);
        assertThat(trapper.rows().stream().filter(row -> row.host().equals("web-01"))).hasSize(2);
        assertThat(trapper.rows().stream().filter(row -> row.host().equals("db-01"))).hasSize(2);
        assertThat(settled.outcome()).isEqualTo(DeliveryRecord.Outcome.DELIVERED);
        assertThat(settled.samples()).isEqualTo(4);
        assertThat(settled.attempts()).isEqualTo(2);
        assertThat(settled.detail()).startsWith("2 frames, processed: 4; failed: 0; total: 4");
    }

    @Test
    void theResendSkipsTheAnsweredFramesOfOneHostsRowsAndKeepsTheRestInTimeOrder() throws Exception {
        AtomicBoolean up = new AtomicBoolean(false);
        ScriptedTrapper trapper = new ScriptedTrapper(request -> request.contains("gauge[c,") && !up.getAndSet(true)
                ? ScriptedTrapper.CLOSE : ScriptedTrapper.success(2, 0, 2));
        receiver = trapper;
        ZabbixSink sink = ZabbixSink.create(ZabbixSinkConfig.of(SINK, "127.0.0.1", trapper.port())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300)).withMaxRowsPerFrame(2));
        List<Sample> samples = List.of(sample("web-01", "a", SampleValue.of(1L), 1, 0),
                sample("web-01", "b", SampleValue.of(0.5), 1, 0), sample("web-01", "c", SampleValue.of("x"), 1, 0),
                sample("web-01", "d", SampleValue.of(2L), 2, 0));

        DeliveryRecord settled = deliverThroughThePipeline(sink, samples);

        assertThat(settled.attempts()).isEqualTo(2);
        assertThat(settled.detail()).startsWith("2 frames, processed: 4; failed: 0; total: 4");
        assertThat(trapper.requests()).hasSize(3);
        assertThat(trapper.requests().get(0) + trapper.requests().get(1)).contains("\"key\":\"gauge[a,shard=1]\"");
        assertThat(trapper.requests().get(2)).contains("\"key\":\"gauge[c,shard=1]\",\"value\":\"x\"")
                .contains("\"key\":\"gauge[d,shard=2]\",\"value\":\"2\"").doesNotContain("gauge[a,");
    }
}
