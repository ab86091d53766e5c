package dev.concierge.courier.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpServer;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.DeliveryRecord.Outcome;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer;
import dev.concierge.courier.sinks.zabbix.RealZabbixServer.ValueType;
import dev.concierge.courier.sinks.zabbix.ZabbixSink;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig;
import dev.concierge.courier.sinks.zabbix.client.ZabbixKeys;
import dev.concierge.courier.sources.dropwizard.DropwizardConfig;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real Dropwizard registry, served as metrics-json over HTTP, collected by the Dropwizard source and
 * delivered by the pipeline through the Zabbix sink to a real Zabbix 6.0 server, then read back from the
 * server's history tables. The items are derived from what the source actually emits.
 */
class DropwizardToRealZabbixTest {
    private static final String SINK = "zabbix";
    private static final Duration ONCE = Duration.ofHours(1);
    // The history syncer writes within a second or two; a busy 2-core machine needs more.
    private static final Duration HISTORY_WAIT = Duration.ofSeconds(60);
    private static final Pattern SERVER_INFO =
            Pattern.compile("processed: (\\d+); failed: (\\d+); total: (\\d+); seconds spent: [0-9.]+");

    private final RealZabbixServer zabbix = RealZabbixServer.shared();
    private final InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
    private HttpServer http;
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.stop(Duration.ofSeconds(5));
        }
        if (http != null) {
            http.stop(0);
        }
    }

    @Test
    void deliversEveryValueOfARealDropwizardDocumentIntoZabbixHistory() throws Exception {
        URI url = serve(MetricsDocuments.write(MetricsDocuments.everyKind()));
        List<Sample> emitted = collectOnce(url);
        String host = uniqueHost("every-value");
        createItems(host, emitted);

        start(url, host);
        await("settlement of " + emitted.size() + " samples").atMost(HISTORY_WAIT)
                .until(() -> settled() == emitted.size());

        SinkStats stats = pipeline.sinkStats().get(SINK);
        assertThat(stats.delivered()).isEqualTo(emitted.size());
        assertThat(stats.rejected()).isZero();
        assertThat(stats.retries()).isZero();
        List<DeliveryRecord> records = ledger.recent(1000);
        assertThat(records).allSatisfy(record -> {
            assertThat(record.outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(record.attempts()).isEqualTo(1);
            Matcher info = serverInfo(record);
            assertThat(info.group(1)).isEqualTo(Integer.toString(record.samples()));
            assertThat(info.group(2)).isEqualTo("0");
        });
        assertThat(records.stream().mapToInt(DeliveryRecord::accepted).sum()).isEqualTo(emitted.size());
        for (Sample sample : emitted) {
            assertStoredOnce(host, sample);
        }
    }

    @Test
    void countsAValueForAKeyWithoutAnItemAsRejectedOnceAndNeverResendsIt() throws Exception {
        MetricRegistry registry = MetricsDocuments.everyKind();
        registry.register("app.unmonitored", (Gauge<Long>) () -> 99L);
        URI url = serve(MetricsDocuments.write(registry));
        List<Sample> emitted = collectOnce(url);
        String unmonitoredKey = "gauge[app.unmonitored]";
        assertThat(emitted).extracting(ZabbixKeys::render).contains(unmonitoredKey);
        List<Sample> monitored = emitted.stream().filter(s -> !ZabbixKeys.render(s).equals(unmonitoredKey)).toList();
        String host = uniqueHost("unknown-key");
        createItems(host, monitored);

        start(url, host);
        await("settlement of " + emitted.size() + " samples").atMost(HISTORY_WAIT)
                .until(() -> settled() == emitted.size());

        SinkStats stats = pipeline.sinkStats().get(SINK);
        assertThat(stats.rejected()).isEqualTo(1);
        assertThat(stats.delivered()).isEqualTo(monitored.size());
        assertThat(stats.retries()).isZero();
        assertThat(ledger.totals(SINK).rejected()).isEqualTo(1);
        List<DeliveryRecord> records = ledger.recent(1000);
        assertThat(records).allSatisfy(record -> assertThat(record.attempts()).isEqualTo(1));
        assertThat(records).filteredOn(record -> record.rejected() > 0).singleElement().satisfies(record -> {
            assertThat(record.outcome()).isEqualTo(Outcome.PARTIALLY_REJECTED);
            assertThat(record.rejected()).isEqualTo(1);
            assertThat(record.accepted()).isEqualTo(record.samples() - 1);
            Matcher info = serverInfo(record);
            assertThat(info.group(1)).isEqualTo(Integer.toString(record.samples() - 1));
            assertThat(info.group(2)).isEqualTo("1");
        });
        assertThat(records).filteredOn(record -> record.rejected() == 0)
                .allSatisfy(record -> assertThat(record.outcome()).isEqualTo(Outcome.DELIVERED));
        for (Sample sample : monitored) {
            assertStoredOnce(host, sample);
        }
        assertThat(zabbix.historyValues(host, unmonitoredKey)).isEmpty();
    }

    private URI serve(byte[] document) throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/metrics", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, document.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(document);
            }
        });
        http.start();
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/metrics");
    }

    private static DropwizardConfig config(URI url) {
        return DropwizardConfig.ofUrl("dropwizard", url).withInterval(ONCE);
    }

    /** What the source emits for this document, collected once outside any pipeline. */
    private static List<Sample> collectOnce(URI url) throws Exception {
        try (DropwizardJsonSource source = DropwizardJsonSource.create(config(url))) {
            return MetricsDocuments.collectOnce(source);
        }
    }

    private static String uniqueHost(String purpose) {
        return "courier-e2e-" + purpose + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    private void createItems(String host, List<Sample> samples) {
        String hostId = zabbix.createHost(host);
        for (Sample sample : samples) {
            zabbix.createTrapperItem(hostId, ZabbixKeys.render(sample), valueType(sample));
        }
        zabbix.reloadConfigCache();
    }

    /** Integers as unsigned, decimals as float, unit strings as character, text gauges as text. */
    private static ValueType valueType(Sample sample) {
        SampleValue value = sample.value();
        if (value instanceof SampleValue.Integer integer) {
            return integer.value() >= 0 ? ValueType.UNSIGNED : ValueType.FLOAT;
        }
        if (value instanceof SampleValue.Decimal) {
            return ValueType.FLOAT;
        }
        return sample.field() != null ? ValueType.CHARACTER : ValueType.TEXT;
    }

    private void start(URI url, String host) {
        ZabbixSink sink = ZabbixSink.create(ZabbixSinkConfig.of(SINK, "127.0.0.1", zabbix.trapperPort())
                .withHost(host));
        pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20), ledger,
                List.of(new ScheduledSource(DropwizardJsonSource.create(config(url)), ONCE)),
                List.of(new SinkSpec(sink, FullJitterBackoff.of(Duration.ofMillis(100), Duration.ofSeconds(1), 2),
                        1 << 20)),
                Clock.systemUTC());
        pipeline.start();
    }

    /** Samples the ledger has settled, accepted or rejected; the ledger records after the stats move. */
    private long settled() {
        return ledger.totals(SINK).accepted() + ledger.totals(SINK).rejected();
    }

    private static Matcher serverInfo(DeliveryRecord record) {
        Matcher info = SERVER_INFO.matcher(record.detail());
        assertThat(info.matches()).as("server info %s", record.detail()).isTrue();
        return info;
    }

    private void assertStoredOnce(String host, Sample sample) {
        String key = ZabbixKeys.render(sample);
        List<String> stored = await("history of " + key).atMost(HISTORY_WAIT)
                .until(() -> zabbix.historyValues(host, key), values -> !values.isEmpty());
        assertThat(stored).as("history of %s", key).hasSize(1);
        String value = stored.get(0);
        if (sample.value() instanceof SampleValue.Integer integer) {
            assertThat(Long.parseLong(value)).as(key).isEqualTo(integer.value());
        } else if (sample.value() instanceof SampleValue.Decimal decimal) {
            assertThat(Double.parseDouble(value)).as(key).isEqualTo(decimal.value());
        } else {
            assertThat(value).as(key).isEqualTo(sample.value().render());
        }
    }
}
