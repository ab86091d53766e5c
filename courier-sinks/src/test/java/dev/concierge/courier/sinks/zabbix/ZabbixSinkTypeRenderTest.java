package dev.concierge.courier.sinks.zabbix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.RendersSamples;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What {@link ZabbixSinkType} renders is what the sink sends a trapper, row for row. */
class ZabbixSinkTypeRenderTest {
    private static final Instant AT = Instant.parse("2026-06-04T10:00:00.250Z");

    private static Sample sample(String name, String field, SampleValue value) {
        return new Sample(name, Labels.of("shard", "1"), MetricType.GAUGE, field, value, AT.getEpochSecond(),
                AT.getNano(), "web-01", "app");
    }

    private static final List<Sample> SAMPLES = List.of(
            sample("app.queue", "depth", SampleValue.of(17L)),
            sample("app.ratio", null, SampleValue.of(Double.NaN)),
            sample("app.build", null, SampleValue.of("a\tb\nc\\d\re")),
            sample("x".repeat(2100), null, SampleValue.of(1L)),
            sample("app.load", null, SampleValue.of(0.25)));

    /** The rendering, with each skip as {@code skipped: REASON}. */
    private static List<String> render(ZabbixSinkType.Config config, List<Sample> samples) {
        List<String> out = new ArrayList<>();
        new ZabbixSinkType().render(config, samples, new RendersSamples.Output() {
            @Override
            public void line(String text) {
                out.add(text);
            }

            @Override
            public void skipped(Sample sample, String reason) {
                out.add("skipped: " + reason);
            }
        });
        return out;
    }

    /** What a trapper received, in the rendering's form. */
    private static List<String> received(ZabbixTrapperReceiver receiver) {
        return receiver.rows().stream().map(ZabbixSinkTypeRenderTest::escaped).toList();
    }

    private static String escaped(Row row) {
        return String.join("\t", field(row.host()), field(row.key()), field(row.value()));
    }

    private static String field(String text) {
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static List<String> sent(ZabbixSinkConfig config, ZabbixDiscoveryConfig discovery, List<Sample> samples,
                                     ZabbixTrapperReceiver receiver) throws Exception {
        try (ZabbixSink sink = ZabbixSink.create(config, discovery, Clock.fixed(AT, ZoneOffset.UTC))) {
            DeliveryOutcome outcome = sink.send(new Batch(1, samples)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(outcome).isInstanceOf(DeliveryOutcome.PartiallyRejected.class);
        }
        return received(receiver);
    }

    @Test
    void rendersTheRowsTheSinkSendsOneFieldPerTabAndSkipsWhatItSkips() throws Exception {
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            ZabbixSinkConfig config = ZabbixSinkConfig.of("zbx", "127.0.0.1", receiver.port());

            List<String> rendered = render(new ZabbixSinkType.Config(config, null), SAMPLES);

            assertThat(rendered).containsExactly(
                    "web-01\tgauge[app.queue.depth,shard=1]\t17",
                    "web-01\tgauge[app.build,shard=1]\ta\\tb\\nc\\\\d\\re",
                    "web-01\tgauge[app.load,shard=1]\t0.25",
                    "skipped: non-finite value",
                    "skipped: a key over 2048 or a host over 128 characters");
            assertThat(sent(config, null, SAMPLES, receiver)).containsExactlyElementsOf(rendered.subList(0, 3));
        }
    }

    @Test
    void rendersTheDiscoveryValuesAFreshSinkSendsFirstAndTheConfiguredHost() throws Exception {
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            ZabbixSinkConfig config = ZabbixSinkConfig.of("zbx", "127.0.0.1", receiver.port()).withHost("proxy-host");
            ZabbixDiscoveryConfig discovery = ZabbixDiscoveryConfig.defaults();

            List<String> rendered = render(new ZabbixSinkType.Config(config, discovery), SAMPLES);

            assertThat(rendered).containsExactly(
                    "proxy-host\tcourier.discovery[prometheus,app.queue]\t[{\"{#NAME}\":\"app.queue\",\"{#SHARD}\":\"1\"}]",
                    "proxy-host\tcourier.discovery[prometheus,app.build]\t[{\"{#NAME}\":\"app.build\",\"{#SHARD}\":\"1\"}]",
                    "proxy-host\tcourier.discovery[prometheus,app.load]\t[{\"{#NAME}\":\"app.load\",\"{#SHARD}\":\"1\"}]",
                    "proxy-host\tgauge[app.queue.depth,shard=1]\t17",
                    "proxy-host\tgauge[app.build,shard=1]\ta\\tb\\nc\\\\d\\re",
                    "proxy-host\tgauge[app.load,shard=1]\t0.25",
                    "skipped: non-finite value",
                    "skipped: a key over 2048 or a host over 128 characters");
            assertThat(sent(config, discovery, SAMPLES, receiver)).containsExactlyElementsOf(rendered.subList(0, 6));
        }
    }
}
