package dev.concierge.courier.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.wiring.Courier;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.core.pipeline.SourceStats;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser: headless Chromium loads it from a running courier (a Dropwizard file
 * source, a Zabbix sink delivering to an embedded trapper receiver), runs its script, and the DOM it leaves
 * shows what the courier's own stats and ledger say.
 */
class StatusPageBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    // Three counters, two gauges and a timer's fifteen fields: 20 series per collect.
    private static final String METRICS = """
            {"version":"4.0.0",
             "gauges":{"queue.depth":{"value":12},"pool.active":{"value":3}},
             "counters":{"jobs.done":{"count":1042},"jobs.failed":{"count":3},"logins":{"count":77}},
             "histograms":{},"meters":{},
             "timers":{"requests":{"count":500,"max":0.25,"mean":0.012,"min":0.001,"p50":0.01,"p75":0.014,
               "p95":0.03,"p98":0.05,"p99":0.08,"p999":0.2,"stddev":0.01,"m15_rate":1.2,"m1_rate":2.5,
               "m5_rate":1.8,"mean_rate":1.6,"duration_units":"seconds","rate_units":"calls/second"}}}
            """;

    @TempDir
    Path dir;

    /** Runs Chromium on {@code url} and returns the DOM it serialises once its virtual time budget is spent. */
    private String dumpDom(String url) throws Exception {
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        Path errors = dir.resolve("chromium.err");
        Process chromium = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom", url))
                .redirectError(errors.toFile()).start();
        byte[] dom = chromium.getInputStream().readAllBytes();
        if (!chromium.waitFor(120, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
        }
        assertThat(chromium.exitValue()).as("chromium failed: %s", Files.readString(errors)).isZero();
        return new String(dom, StandardCharsets.UTF_8);
    }

    /** The {@code data-value} of the cell {@code field} in the table row whose {@code attribute} is {@code key}. */
    private static String cellValue(String dom, String attribute, String key, String field) {
        Matcher row = Pattern.compile("<tr data-" + attribute + "=\"" + Pattern.quote(key) + "\">(.*?)</tr>",
                Pattern.DOTALL).matcher(dom);
        assertThat(row.find()).as("a row for %s %s in %s", attribute, key, dom).isTrue();
        Matcher cell = Pattern.compile("<td data-field=\"" + field + "\"(?: data-value=\"([^\"]*)\")?[^>]*>")
                .matcher(row.group(1));
        assertThat(cell.find()).as("a %s cell", field).isTrue();
        return cell.group(1);
    }

    @Test
    void showsWhatTheCourierDeliveredAsItsLedgerRecordedIt() throws Exception {
        assertThat(CHROMIUM).as("headless Chromium; scripts/install-test-deps.sh installs it").isExecutable();
        Path metrics = dir.resolve("metrics.json");
        Files.writeString(metrics, METRICS);
        Path file = dir.resolve("courier.yaml");
        try (ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create()) {
            Files.writeString(file, """
                    data_dir: %s
                    sources:
                      - {name: billing-app, type: dropwizard, file: %s, interval: 1h}
                    sinks:
                      - {name: zabbix-main, type: zabbix, server: "127.0.0.1:%d", host: app-01}
                    admin:
                      listen: 127.0.0.1:0
                    """.formatted(dir.resolve("state"), metrics, receiver.port()));
            CourierConfig config = CourierConfig.load(new YamlConfigParser(Map.of()), file);
            try (Courier courier = Courier.start(config)) {
                // One collect an hour: once it is delivered, nothing moves while the browser looks.
                SourceStats source = courier.pipeline().sourceStats().get("billing-app");
                SinkStats sink = courier.pipeline().sinkStats().get("zabbix-main");
                await().atMost(Duration.ofSeconds(30)).until(() -> source.runs() == 1 && source.accepted() > 0
                        && courier.pipeline().ledger().totals("zabbix-main").accepted() == source.accepted());
                long delivered = courier.pipeline().ledger().totals("zabbix-main").accepted();

                String dom = dumpDom("http://127.0.0.1:" + courier.adminAddress().orElseThrow().getPort() + "/");

                assertThat(delivered).isEqualTo(sink.delivered()).isEqualTo(receiver.rows().size()).isPositive();
                assertThat(dom).contains("<span id=\"readiness\" class=\"badge ready\">ready</span>");
                assertThat(cellValue(dom, "sink", "zabbix-main", "delivered")).isEqualTo(Long.toString(delivered));
                assertThat(cellValue(dom, "sink", "zabbix-main", "state")).isEqualTo("delivering");
                assertThat(cellValue(dom, "sink", "zabbix-main", "pending")).isEqualTo("0");
                assertThat(cellValue(dom, "sink", "zabbix-main", "last-outcome")).isEqualTo("DELIVERED");
                assertThat(cellValue(dom, "source", "billing-app", "series"))
                        .isEqualTo(Long.toString(source.lastCollectSamples()));
                assertThat(cellValue(dom, "source", "billing-app", "failures")).isEqualTo("0");
                assertThat(dom).contains("<div id=\"banner\" class=\"banner\"></div>");
                assertThat(cellValue(dom, "sink", "zabbix-main", "destination"))
                        .contains("zabbix").contains("127.0.0.1:" + receiver.port());
                assertThat(cellValue(dom, "sink", "zabbix-main", "last-success")).isNotNull();
                assertThat(cellValue(dom, "sink", "zabbix-main", "next-retry")).isNull();
                assertThat(cellValue(dom, "sink", "zabbix-main", "latency-p50")).isNotNull();
                assertThat(cellValue(dom, "source", "billing-app", "location")).contains(metrics.toString());
                assertThat(cellValue(dom, "source", "billing-app", "interval")).isEqualTo("1h");
                assertThat(cellValue(dom, "source", "billing-app", "refused-last-collect")).isEqualTo("0");
                assertThat(dom).contains("<b id=\"version\">" + CourierFacts.VERSION + "</b>")
                        .doesNotContain("<b id=\"version\">?</b>", "<b id=\"uptime\">?</b>");
            }
        }
    }

    @Test
    void aFailingSinkTurnsTheHeaderFromGreenAndShowsNoLatencyButWhenItFailedAndRetries() throws Exception {
        assertThat(CHROMIUM).as("headless Chromium; scripts/install-test-deps.sh installs it").isExecutable();
        Path metrics = dir.resolve("metrics.json");
        Files.writeString(metrics, METRICS);
        Path file = dir.resolve("courier.yaml");
        ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create();
        int port = receiver.port();
        try {
            Files.writeString(file, """
                    data_dir: %s
                    sources:
                      - {name: billing-app, type: dropwizard, file: %s, interval: 1s}
                    sinks:
                      - name: zabbix-main
                        type: zabbix
                        server: "127.0.0.1:%d"
                        host: app-01
                        backoff: {initial: 100ms, max: 200ms}
                    admin:
                      listen: 127.0.0.1:0
                    """.formatted(dir.resolve("state"), metrics, port));
            CourierConfig config = CourierConfig.load(new YamlConfigParser(Map.of()), file);
            try (Courier courier = Courier.start(config)) {
                courier.configuredFrom(file);
                SinkStats sink = courier.pipeline().sinkStats().get("zabbix-main");
                // It delivers first, so it has a latency to show; then its destination goes away.
                await().atMost(Duration.ofSeconds(30)).until(() -> sink.delivered() > 0);
                receiver.close();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> sink.consecutiveFailures() >= SinkState.FAILING_AFTER);

                String dom = dumpDom("http://127.0.0.1:" + courier.adminAddress().orElseThrow().getPort() + "/");

                assertThat(dom).contains("<span id=\"readiness\" class=\"badge degraded\">degraded</span>")
                        .doesNotContain("class=\"badge ready\"");
                assertThat(cellValue(dom, "sink", "zabbix-main", "state")).isEqualTo("failing");
                assertThat(cellValue(dom, "sink", "zabbix-main", "latency-p50")).as("no latency while failing")
                        .isNull();
                assertThat(cellValue(dom, "sink", "zabbix-main", "latency-p99")).isNull();
                assertThat(cellValue(dom, "sink", "zabbix-main", "last-success")).isNotNull();
                assertThat(cellValue(dom, "sink", "zabbix-main", "next-retry")).isNotNull();
                assertThat(cellValue(dom, "sink", "zabbix-main", "destination")).contains("127.0.0.1:" + port);
                assertThat(dom).contains("failing since").contains("retrying: ")
                        .doesNotContain("0.00 ms").doesNotContain("Exception");
                assertThat(dom).contains("<b id=\"config-file\">" + file + "</b>");
            }
        } finally {
            receiver.close();
        }
    }
}
