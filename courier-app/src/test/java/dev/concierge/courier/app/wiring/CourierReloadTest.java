package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.discovery.DiscoverySnapshot;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CourierReloadTest {
    @TempDir
    Path dir;

    private CourierConfig config(String sinks) throws Exception {
        Path metrics = dir.resolve("metrics.json");
        Files.writeString(metrics, """
                {"version":"4.0.0","gauges":{},"counters":{"jobs.active":{"count":3}},"histograms":{},
                 "meters":{},"timers":{}}
                """);
        Path file = dir.resolve("courier-" + System.nanoTime() + ".yaml");
        Files.writeString(file, """
                data_dir: %s
                sources:
                  - {name: app, type: dropwizard, file: %s, interval: 100ms, timeout: 100ms}
                sinks:
                %s
                """.formatted(dir.resolve("state"), metrics, sinks));
        return CourierConfig.load(new YamlConfigParser(Map.of()), file);
    }

    private static String sink(String name, ZabbixTrapperReceiver receiver, int rowsPerFrame) {
        return "  - {name: %s, type: zabbix, server: \"127.0.0.1:%d\", host: app-01, max_rows_per_frame: %d}"
                .formatted(name, receiver.port(), rowsPerFrame);
    }

    private static Set<Long> clocksOf(ZabbixTrapperReceiver receiver) {
        return receiver.rows().stream().map(row -> row.clock() * 1_000_000_000L + row.ns()).collect(Collectors.toSet());
    }

    @Test
    void keepsUnchangedSinksRunningRestartsChangedOnesAndStartsNewOnes() throws Exception {
        try (ZabbixTrapperReceiver a = ZabbixTrapperReceiver.create();
             ZabbixTrapperReceiver b = ZabbixTrapperReceiver.create();
             ZabbixTrapperReceiver c = ZabbixTrapperReceiver.create()) {
            Courier courier = Courier.start(config(sink("a", a, 100) + "\n" + sink("b", b, 100)));
            try {
                await().until(() -> a.rows().size() >= 3 && b.rows().size() >= 3);
                SinkStats untouched = courier.pipeline().sinkStats().get("a");

                Courier.Reload reload = courier.reload(config(sink("a", a, 100) + "\n" + sink("b", b, 50) + "\n"
                        + sink("c", c, 100)));

                assertThat(reload.kept()).containsExactly("source app", "sink a");
                assertThat(reload.restarted()).containsExactly("sink b");
                assertThat(reload.started()).containsExactly("sink c");
                assertThat(reload.stopped()).isEmpty();
                assertThat(courier.pipeline().sinkStats().get("a")).isSameAs(untouched);
                int aBefore = a.rows().size();
                await().until(() -> c.rows().size() >= 3 && a.rows().size() >= aBefore + 3);

                Courier.Reload removal = courier.reload(config(sink("a", a, 100)));
                assertThat(removal.stopped()).containsExactly("sink b", "sink c");
                assertThat(courier.pipeline().sinkStats()).containsOnlyKeys("a");
            } finally {
                courier.close();
            }
            // Every collect reached the untouched sink, and the restarted one got nothing else.
            assertThat((long) clocksOf(a).size()).isEqualTo(courier.pipeline().sourceStats().get("app").accepted());
            assertThat(clocksOf(a)).containsAll(clocksOf(b));
            assertThat(courier.pipeline().ledger().totals("a").dropped()).isZero();
            assertThat(courier.pipeline().ledger().totals("b").dropped()).isZero();
        }
    }

    @Test
    void saysWhatOnlyARestartApplies() throws Exception {
        try (ZabbixTrapperReceiver a = ZabbixTrapperReceiver.create()) {
            CourierConfig first = config(sink("a", a, 100));
            try (Courier courier = Courier.start(first)) {
                CourierConfig moved = new CourierConfig(dir.resolve("elsewhere"), first.ringSlots() * 2,
                        first.ringBytes(), first.ledgerWindowBytes() * 4, first.shutdownDeadline(), first.sources(),
                        first.sinks(), first.admin(), first.selfMetrics());

                Courier.Reload reload = courier.reload(moved);

                assertThat(reload.needRestart()).containsExactly("data_dir", "ring", "ledger");
                assertThat(reload.kept()).containsExactly("source app", "sink a");
                assertThat(courier.config().ledgerWindowBytes()).isEqualTo(first.ledgerWindowBytes());
                assertThat(courier.config().ringSlots()).isEqualTo(first.ringSlots());
            }
        }
    }

    @Test
    void aRemovedSourceLeavesNoDiscoverySnapshotBehind() throws Exception {
        try (ZabbixTrapperReceiver a = ZabbixTrapperReceiver.create()) {
            CourierConfig withApp = config(sink("a", a, 100));
            Path snapshot = DiscoverySnapshot.fileFor(dir.resolve("state").resolve(DiscoverySnapshot.DIRECTORY), "app");
            try (Courier courier = Courier.start(withApp)) {
                await().until(() -> Files.exists(snapshot));
                CourierConfig withoutSources = new CourierConfig(withApp.dataDir(), withApp.ringSlots(),
                        withApp.ringBytes(), withApp.shutdownDeadline(), List.of(), withApp.sinks(),
                        withApp.admin());

                Courier.Reload reload = courier.reload(withoutSources);

                assertThat(reload.stopped()).containsExactly("source app");
                assertThat(snapshot).doesNotExist();
            }
        }
    }

    @Test
    void createsItsMetersOnRequestWithoutAnAdminEndpointAndTheyFollowAReload() throws Exception {
        try (ZabbixTrapperReceiver a = ZabbixTrapperReceiver.create();
             ZabbixTrapperReceiver b = ZabbixTrapperReceiver.create();
             Courier courier = Courier.start(config(sink("a", a, 100)))) {
            await().until(() -> a.rows().size() >= 3);

            // The counters read the pipeline's totals, so what was delivered before the first call counts.
            assertThat(courier.metrics().scrape())
                    .containsPattern("courier_sink_samples_delivered_total\\{sink=\"a\"} [1-9]");
            assertThat(courier.metrics()).isSameAs(courier.metrics());

            courier.reload(config(sink("a", a, 100) + "\n" + sink("b", b, 100)));
            await().until(() -> b.rows().size() >= 3);
            assertThat(courier.metrics().scrape()).contains("courier_sink_samples_delivered_total{sink=\"b\"}");
        }
    }
}
