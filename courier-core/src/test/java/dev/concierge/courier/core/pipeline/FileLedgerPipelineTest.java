package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.RecordingSink;
import dev.concierge.courier.core.testing.Samples;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLedgerPipelineTest {
    private static final Backoff NO_WAIT = failures -> Duration.ZERO;

    @TempDir
    Path dir;

    private static Pipeline start(FileDeliveryLedger ledger, List<Sample> samples, RecordingSink sink) {
        ListSource source = new ListSource("app", run -> run == 0 ? samples : List.of());
        Pipeline pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(source, Duration.ofHours(1))),
                List.of(new SinkSpec(sink, NO_WAIT, 1 << 20)), Clock.systemUTC());
        pipeline.start();
        return pipeline;
    }

    @Test
    void deliversAfterARestartWhatAnUnansweringSinkStillOwed() {
        List<Sample> samples = Samples.counters("app", 250);
        RecordingSink silent = new RecordingSink("zabbix", 100, 2).holdReplies();
        Pipeline first = start(FileDeliveryLedger.open(dir, Clock.systemUTC()), samples, silent);
        await().until(() -> first.sinkStats().get("zabbix").received() == 250 && silent.sent().size() == 2);
        first.stop(Duration.ofMillis(100));

        RecordingSink answering = new RecordingSink("zabbix", 100, 2);
        FileDeliveryLedger ledger = FileDeliveryLedger.open(dir, Clock.systemUTC());
        Pipeline second = start(ledger, List.of(), answering);
        try {
            await().until(() -> second.sinkStats().get("zabbix").delivered() == 250);
            assertThat(answering.samplesSent()).containsExactlyElementsOf(samples);
            assertThat(ledger.totals("zabbix").dropped()).isZero();
        } finally {
            second.stop(Duration.ofSeconds(2));
        }
        silent.releaseAll(new DeliveryOutcome.Delivered("late"));
    }
}
