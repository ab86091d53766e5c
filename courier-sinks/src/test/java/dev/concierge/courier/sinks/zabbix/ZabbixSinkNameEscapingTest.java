package dev.concierge.courier.sinks.zabbix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.NameSyntax;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.naming.NameEscaping;
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

/**
 * A Zabbix sink's {@code name_escaping}: the keys it sends and the discovery values it sends for them are made
 * from the same escaped names, so that an item prototype written with the macros expands to the key.
 */
class ZabbixSinkNameEscapingTest {
    private static final Instant AT = Instant.parse("2026-06-04T10:00:00Z");

    private static Sample scraped(String name, Labels labels, NameSyntax syntax) {
        return new Sample(name, labels, MetricType.COUNTER, null, SampleValue.of(7L), AT.getEpochSecond(), 0,
                "web-01", "node", syntax);
    }

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

    private static List<String> sent(ZabbixSinkConfig config, ZabbixDiscoveryConfig discovery, List<Sample> samples,
                                     ZabbixTrapperReceiver receiver) throws Exception {
        try (ZabbixSink sink = ZabbixSink.create(config, discovery, Clock.fixed(AT, ZoneOffset.UTC))) {
            DeliveryOutcome outcome = sink.send(new Batch(1, samples)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        }
        return receiver.rows().stream().map(ZabbixSinkNameEscapingTest::line).toList();
    }

    private static String line(Row row) {
        return row.host() + "\t" + row.key() + "\t" + row.value();
    }

    @Test
    void sendsTheKeyAnExporterHadBeforeItMovedToUtf8AndDiscoversItUnderTheSameNames() throws Exception {
        List<Sample> before = List.of(scraped("http_requests_total", Labels.of("http_method", "GET"),
                NameSyntax.PROMETHEUS));
        List<Sample> after = List.of(scraped("http.requests_total", Labels.of("http.method", "GET"),
                NameSyntax.PROMETHEUS));
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            ZabbixSinkConfig config = ZabbixSinkConfig.of("zbx", "127.0.0.1", receiver.port());
            ZabbixDiscoveryConfig discovery = ZabbixDiscoveryConfig.defaults();

            List<String> rendered = render(new ZabbixSinkType.Config(config, discovery), after);

            assertThat(rendered).isEqualTo(render(new ZabbixSinkType.Config(config, discovery), before));
            assertThat(rendered).containsExactly(
                    "web-01\tcourier.discovery[prometheus,http_requests_total]\t"
                            + "[{\"{#NAME}\":\"http_requests_total\",\"{#HTTP_METHOD}\":\"GET\"}]",
                    "web-01\tcounter[http_requests_total,http_method=GET]\t7");
            assertThat(sent(config, discovery, after, receiver)).containsExactlyElementsOf(rendered);
        }
    }

    @Test
    void eachSchemeWritesItsOwnKeyAndTheMacrosOfThatKey() {
        Sample sample = scraped("my.metric", Labels.of("a.b", "x"), NameSyntax.PROMETHEUS);
        ZabbixSinkConfig config = ZabbixSinkConfig.of("zbx", "127.0.0.1", 10051);
        ZabbixDiscoveryConfig discovery = ZabbixDiscoveryConfig.defaults();

        assertThat(render(new ZabbixSinkType.Config(config.withNameEscaping(NameEscaping.VALUES), discovery),
                List.of(sample))).containsExactly(
                "web-01\tcourier.discovery[prometheus,U__my_2e_metric]\t"
                        + "[{\"{#NAME}\":\"U__my_2e_metric\",\"{#U__A_2E_B}\":\"x\"}]",
                "web-01\tcounter[U__my_2e_metric,U__a_2e_b=x]\t7");
        assertThat(render(new ZabbixSinkType.Config(config.withNameEscaping(NameEscaping.DOTS), null),
                List.of(sample))).containsExactly("web-01\tcounter[my_dot_metric,a_dot_b=x]\t7");
        assertThat(render(new ZabbixSinkType.Config(config.withNameEscaping(NameEscaping.NONE), discovery),
                List.of(sample))).containsExactly(
                "web-01\tcourier.discovery[prometheus,my.metric]\t[{\"{#NAME}\":\"my.metric\",\"{#A.B}\":\"x\"}]",
                "web-01\tcounter[my.metric,a.b=x]\t7");
    }

    @Test
    void leavesDropwizardNamesTheCouriersOwnAndClientKeysAsTheyAre() {
        Sample dropwizard = new Sample("app.requests", Labels.empty(), MetricType.TIMER, "p99", SampleValue.of(1L),
                AT.getEpochSecond(), 0, "web-01", "app");
        Sample self = new Sample("courier.sink.delivered", Labels.of("sink", "zbx"), MetricType.GAUGE, null,
                SampleValue.of(1L), AT.getEpochSecond(), 0, "web-01", "courier");
        Sample item = new Sample("my.key[a b]", Labels.empty(), MetricType.ITEM, null, SampleValue.of("1"),
                AT.getEpochSecond(), 0, "web-01", "intake");
        ZabbixSinkConfig config = ZabbixSinkConfig.of("zbx", "127.0.0.1", 10051);

        for (NameEscaping scheme : NameEscaping.values()) {
            assertThat(render(new ZabbixSinkType.Config(config.withNameEscaping(scheme), null),
                    List.of(dropwizard, self, item))).as(scheme.configName()).containsExactly(
                    "web-01\ttimer[app.requests.p99]\t1",
                    "web-01\tgauge[courier.sink.delivered,sink=zbx]\t1",
                    "web-01\tmy.key[a b]\t1");
        }
    }
}
