package dev.concierge.courier.sinks.zabbix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.sinks.zabbix.client.ZabbixKeys;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver.Exchange;
import dev.concierge.courier.sinks.zabbix.client.ScriptedTrapper;
import java.time.ZoneOffset;
import java.time.Instant;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ZabbixSinkTest {

    private static final long T0 = 1_717_171_717L;

    private ZabbixTrapperReceiver receiver;
    private ZabbixSink sink;

    @AfterEach
    void closeBoth() {
        if (sink != null) {
            sink.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    static Sample sample(String host, String name, SampleValue value, int second, int nanos) {
        return new Sample(name, Labels.of("shard", Integer.toString(second % 3)), MetricType.GAUGE, null, value,
                T0 + second, nanos, host, "test");
    }

    static DeliveryOutcome send(ZabbixSink sink, List<Sample> samples) throws Exception {
        return sink.send(new Batch(1, samples)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private ZabbixSink sinkTo(ZabbixTrapperReceiver r, int maxRows) {
        return ZabbixSink.create(ZabbixSinkConfig.of("zabbix-test", "127.0.0.1", r.port())
                .withMaxRowsPerFrame(maxRows));
    }

    @Test
    void deliversRowsWithZabbixKeysOneHostPerFrameAndAtMostMaxRowsEach() throws Exception {
        receiver = ZabbixTrapperReceiver.create();
        sink = sinkTo(receiver, 10);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // 25 for web-01 and 5 for db-01, interleaved, in reverse time order.
            String host = i % 6 == 5 ? "db-01" : "web-01";
            samples.add(sample(host, "app.requests." + i, SampleValue.of((long) i), 100 - i, i));
        }

        DeliveryOutcome outcome = send(sink, samples);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(outcome.detail()).startsWith("4 frames, processed: 30; failed: 0; total: 30");
        List<Exchange> exchanges = receiver.exchanges();
        assertThat(exchanges).hasSize(4);
        assertThat(exchanges).allSatisfy(e -> {
            assertThat(e.request().rows()).hasSizeLessThanOrEqualTo(10);
            assertThat(e.request().rows()).extracting(Row::host).containsOnly(e.request().rows().get(0).host());
            assertThat(e.request().rows()).isSortedAccordingTo(
                    Comparator.comparingLong(Row::clock).thenComparingInt(Row::ns));
            assertThat(e.compressed()).isFalse();
        });
        assertThat(exchanges).extracting(e -> e.request().size()).containsExactlyInAnyOrder(10, 10, 5, 5);
        assertThat(receiver.rows()).containsExactlyInAnyOrderElementsOf(samples.stream()
                .map(s -> new Row(s.host(), ZabbixKeys.render(s), s.value().render(), s.epochSecond(), s.nanos()))
                .toList());
        assertThat(receiver.rows()).extracting(Row::key).contains("gauge[app.requests.0,shard=1]");
    }

    @Test
    void stampsEachRequestWithTheSinksClockNotTheMachines() throws Exception {
        Instant at = Instant.parse("2031-05-06T07:08:09.123456789Z");
        try (ScriptedTrapper trapper = new ScriptedTrapper(request -> ScriptedTrapper.success(1, 0, 1))) {
            sink = ZabbixSink.create(ZabbixSinkConfig.of("zbx", "127.0.0.1", trapper.port()), null,
                    Clock.fixed(at, ZoneOffset.UTC));

            DeliveryOutcome outcome = send(sink, List.of(sample("web-01", "app.requests", SampleValue.of(1L), 0, 0)));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
            assertThat(trapper.requests()).singleElement().asString()
                    .endsWith("],\"clock\":" + at.getEpochSecond() + ",\"ns\":" + at.getNano() + "}");
        }
    }

    @Test
    void cutsOneHostsRowsInTimeOrderIntoFramesInTheirOrder() throws Exception {
        receiver = ZabbixTrapperReceiver.create();
        sink = sinkTo(receiver, 4);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            samples.add(sample("web-01", "app.requests." + i, SampleValue.of(i * 0.5), i / 3, 0));
        }

        DeliveryOutcome outcome = send(sink, samples);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(receiver.exchanges()).extracting(e -> e.request().size()).containsExactlyInAnyOrder(4, 4, 2);
        assertThat(receiver.exchanges()).allSatisfy(e -> {
            List<Row> rows = e.request().rows();
            int first = samples.indexOf(samples.stream().filter(s -> ZabbixKeys.render(s).equals(rows.get(0).key()))
                    .findFirst().orElseThrow());
            assertThat(first % 4).isZero();
            assertThat(rows).containsExactlyElementsOf(samples.subList(first, first + rows.size()).stream()
                    .map(s -> new Row(s.host(), ZabbixKeys.render(s), s.value().render(), s.epochSecond(), s.nanos()))
                    .toList());
        });
    }

    @Test
    void reportsFailedRowsAsPartiallyRejectedWithCounts() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        receiver = ZabbixTrapperReceiver.create(0, key -> !key.contains("unknown"),
                (row, processed) -> heard.add(row.key() + (processed ? " ok" : " failed")));
        sink = sinkTo(receiver, 1000);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            samples.add(sample("web-01", (i < 3 ? "unknown." : "known.") + i, SampleValue.of(i * 0.5), i, 0));
        }

        DeliveryOutcome outcome = send(sink, samples);

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.PartiallyRejected.class, p -> {
            assertThat(p.accepted()).isEqualTo(7);
            assertThat(p.rejected()).isEqualTo(3);
            assertThat(p.detail()).startsWith("processed: 7; failed: 3; total: 10; seconds spent: ");
        });
        assertThat(heard).hasSize(10).contains("gauge[unknown.0,shard=0] failed", "gauge[known.3,shard=0] ok");
    }

    @Test
    void sendsEveryRowForTheConfiguredHost() throws Exception {
        receiver = ZabbixTrapperReceiver.create();
        sink = ZabbixSink.create(ZabbixSinkConfig.of("zabbix-test", "127.0.0.1", receiver.port())
                .withHost("courier-host"));

        DeliveryOutcome outcome = send(sink, List.of(sample("a", "x", SampleValue.of(1L), 1, 0),
                sample("b", "y", SampleValue.of("text value"), 2, 0)));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(receiver.exchanges()).hasSize(1);
        assertThat(receiver.rows()).extracting(Row::host).containsOnly("courier-host");
        assertThat(receiver.rows()).extracting(Row::value).containsExactly("1", "text value");
    }

    @Test
    void compressesFramesWhenConfiguredAndGetsACompressedReply() throws Exception {
        receiver = ZabbixTrapperReceiver.create();
        sink = ZabbixSink.create(ZabbixSinkConfig.of("zabbix-test", "127.0.0.1", receiver.port())
                .withCompression(true));
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            samples.add(sample("web-01", "app.latency." + i, SampleValue.of(i / 8.0), 10, i));
        }

        DeliveryOutcome outcome = send(sink, samples);

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Delivered(receiver.exchanges().get(0).response().info()));
        assertThat(receiver.exchanges()).singleElement().satisfies(e -> assertThat(e.compressed()).isTrue());
        assertThat(receiver.rows()).hasSize(50);
    }

    @Test
    void skipsAndCountsNonFiniteDecimals() throws Exception {
        receiver = ZabbixTrapperReceiver.create();
        sink = sinkTo(receiver, 1000);

        DeliveryOutcome outcome = send(sink, List.of(
                sample("web-01", "ratio", SampleValue.of(Double.NaN), 1, 0),
                sample("web-01", "load", SampleValue.of(0.75), 1, 0),
                sample("web-01", "peak", SampleValue.of(Double.POSITIVE_INFINITY), 1, 0),
                sample("web-01", "count", SampleValue.of(4L), 1, 0)));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.PartiallyRejected.class, p -> {
            assertThat(p.accepted()).isEqualTo(2);
            assertThat(p.rejected()).isEqualTo(2);
            assertThat(p.detail()).endsWith("; skipped 2 non-finite values");
        });
        assertThat(receiver.rows()).extracting(Row::value).containsExactly("0.75", "4");
        assertThat(sink.nonFiniteSkipped()).isEqualTo(2);
    }

    @Test
    void skipsAndCountsRowsWhoseKeyOrHostIsLongerThanZabbixAllows() throws Exception {
        receiver = ZabbixTrapperReceiver.create();
        sink = sinkTo(receiver, 1000);
        // gauge[<name>,shard=1]: 15 characters besides the name. An astral character is one character to
        // Zabbix and two UTF-16 units to Java: a key of exactly 2048 of them is sent.
        String longest = "x".repeat(2048 - 15 - 1) + "\uD83D\uDE00";
        String tooLong = "x".repeat(2048 - 15 + 1);

        DeliveryOutcome outcome = send(sink, List.of(
                sample("web-01", longest, SampleValue.of(1L), 1, 0),
                sample("web-01", tooLong, SampleValue.of(2L), 1, 0),
                sample("h".repeat(129), "load", SampleValue.of(3L), 1, 0),
                sample("h".repeat(128), "load", SampleValue.of(4L), 1, 0)));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.PartiallyRejected.class, p -> {
            assertThat(p.accepted()).isEqualTo(2);
            assertThat(p.rejected()).isEqualTo(2);
            assertThat(p.detail()).endsWith("; skipped 2 rows with a key over 2048 or a host over 128 characters");
        });
        assertThat(receiver.rows()).extracting(Row::value).containsExactlyInAnyOrder("1", "4");
        assertThat(receiver.rows()).extracting(Row::key).anySatisfy(key ->
                assertThat(key.codePointCount(0, key.length())).isEqualTo(2048));
        assertThat(sink.oversizedSkipped()).isEqualTo(2);
        assertThat(sink.events().get("oversized_skipped").getAsLong()).isEqualTo(2);
        assertThat(sink.events()).doesNotContainKey("discovery_values_sent");
    }

    @Test
    void sendsManyHostsThroughOneConnectionAtATime() throws Exception {
        receiver = ZabbixTrapperReceiver.create();
        sink = ZabbixSink.create(ZabbixSinkConfig.of("zabbix-test", "127.0.0.1", receiver.port())
                .withMaxInFlight(1).withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(10)));
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            samples.add(sample("host-" + i, "up", SampleValue.of(1L), 1, 0));
        }

        DeliveryOutcome outcome = send(sink, samples);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(receiver.exchanges()).hasSize(12);
    }
}
