package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.RecordingSink;
import dev.concierge.courier.core.testing.Samples;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A pipeline thread that dies of an error it cannot go on after is reported, so that the daemon can exit. */
class FatalErrorHandlerTest {
    private final Map<String, Throwable> died = new ConcurrentHashMap<>();
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(2));
        }
    }

    private void start(Source source, RecordingSink sink) {
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20),
                new InMemoryDeliveryLedger(Clock.systemUTC(), 100),
                List.of(new ScheduledSource(source, Duration.ofHours(1))),
                List.of(new SinkSpec(sink, failures -> Duration.ZERO, 1 << 20)), Clock.systemUTC());
        pipeline.onFatalError(died::put);
        pipeline.start();
    }

    @Test
    void aSinkThreadThatRunsOutOfMemoryIsReportedAndFailsReadiness() {
        RecordingSink sink = new RecordingSink("zabbix").answering(batch -> {
            throw new OutOfMemoryError("Java heap space");
        });
        start(new ListSource("app", run -> Samples.counters("a", 3)), sink);

        await().until(() -> died.containsKey("sink zabbix"));
        assertThat(died.get("sink zabbix")).isInstanceOf(OutOfMemoryError.class);
        assertThat(pipeline.fatalError()).startsWith("sink zabbix: java.lang.OutOfMemoryError");
    }

    @Test
    void aCollectThatRunsOutOfMemoryIsReportedAndFailsReadiness() {
        Source greedy = new Source() {
            @Override
            public String name() {
                return "app";
            }

            @Override
            public void collect(Emitter out) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        start(greedy, new RecordingSink("zabbix"));

        await().until(() -> died.containsKey("source app"));
        assertThat(pipeline.fatalError()).startsWith("source app: java.lang.OutOfMemoryError");
    }

    @Test
    void aStopThatInterruptsASinkIsNoFatalError() {
        start(new ListSource("app", run -> Samples.counters("a", 3)), new RecordingSink("zabbix"));
        await().until(() -> pipeline.sinkStats().get("zabbix").delivered() == 3);

        pipeline.stop(Duration.ofSeconds(2));

        assertThat(died).isEmpty();
        assertThat(pipeline.fatalError()).isNull();
    }
}
