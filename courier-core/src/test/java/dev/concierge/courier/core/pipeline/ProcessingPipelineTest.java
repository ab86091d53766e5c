package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.process.LabelRewrite;
import dev.concierge.courier.core.process.NameRewrite;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.process.SampleSelector;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.RecordingSink;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A source's rules run before the ring, a sink's before its backlog, and both count what they drop. */
class ProcessingPipelineTest {
    private static final Backoff NO_WAIT = failures -> Duration.ZERO;
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(2));
        }
    }

    private static Sample sample(String name, String... labels) {
        return new Sample(name, Labels.of(labels), MetricType.GAUGE, null, SampleValue.of(1L), 1_700_000_000L, 0,
                "src-host", "node");
    }

    private static SampleProcessor including(String... selectors) {
        return SampleProcessor.of(List.of(selectors).stream().map(SampleSelector::parse).toList(), List.of(),
                List.of(), null, List.of(), LabelRewrite.none());
    }

    private static long event(Map<String, LongSupplier> events, String name) {
        return events.get(name).getAsLong();
    }

    @Test
    void sourceRulesDropBeforeTheRingAndSinkRulesShapeWhatEachSinkReceives() {
        List<Sample> scrape = List.of(sample("node_load1"), sample("node_load5"), sample("go_goroutines"),
                sample("node_cpu_seconds_total", "instance", "web-1:9100"));
        RecordingSink zabbix = new RecordingSink("zabbix");
        RecordingSink graphite = new RecordingSink("graphite");
        SampleProcessor zabbixRules = SampleProcessor.of(
                List.of(SampleSelector.parse("node_load*")), List.of(), List.of(), null,
                List.of(NameRewrite.of("node_(.*)", "node.$1")),
                LabelRewrite.of(Map.of(), List.of(), Map.of("env", "prod")));

        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20),
                new InMemoryDeliveryLedger(Clock.systemUTC(), 100),
                List.of(new ScheduledSource(new ListSource("node", run -> run == 0 ? scrape : List.of())
                        .counting(Map.of("listed", () -> 4L)),
                        Duration.ofHours(1), including("node_*"))),
                List.of(new SinkSpec(zabbix, NO_WAIT, 1 << 20, zabbixRules), new SinkSpec(graphite, NO_WAIT, 1 << 20)),
                Clock.systemUTC());
        pipeline.start();

        await().until(() -> pipeline.sinkStats().get("graphite").delivered() == 3
                && pipeline.sinkStats().get("zabbix").delivered() == 2);
        assertThat(graphite.samplesSent()).extracting(Sample::name)
                .containsExactly("node_load1", "node_load5", "node_cpu_seconds_total");
        assertThat(zabbix.samplesSent()).containsExactly(
                sample("node.load1", "env", "prod"), sample("node.load5", "env", "prod"));

        SourceStats source = pipeline.sourceStats().get("node");
        assertThat(source.accepted()).as("the dropped sample never reached the ring").isEqualTo(3);
        assertThat(source.refused()).isZero();
        assertThat(event(source.events(), "dropped_by_rule_not_included")).isEqualTo(1);
        assertThat(event(source.events(), "listed")).as("the source's own counts are kept beside").isEqualTo(4);
        SinkStats zabbixStats = pipeline.sinkStats().get("zabbix");
        assertThat(zabbixStats.received()).isEqualTo(2);
        assertThat(event(zabbixStats.events(), "dropped_by_rule_not_included")).isEqualTo(1);
        assertThat(pipeline.sinkStats().get("graphite").events()).doesNotContainKey("dropped_by_rule_not_included");
    }
}
