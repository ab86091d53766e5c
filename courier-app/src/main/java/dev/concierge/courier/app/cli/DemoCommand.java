package dev.concierge.courier.app.cli;

import dev.concierge.courier.app.admin.AdminConfig;
import dev.concierge.courier.app.admin.AdminServer;
import dev.concierge.courier.app.admin.CourierFacts;
import dev.concierge.courier.app.admin.CourierMetrics;
import dev.concierge.courier.app.demo.SampleApplication;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.sinks.zabbix.ZabbixSink;
import dev.concierge.courier.sinks.zabbix.ZabbixSinkConfig;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import dev.concierge.courier.sinks.zabbix.trapper.ZabbixTrapperReceiver;
import dev.concierge.courier.sources.dropwizard.DropwizardConfig;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonSource;
import dev.concierge.courier.core.settings.DurationSyntax;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code courier demo}: a sample application serving Dropwizard JSON, an embedded Zabbix trapper
 * receiver, and the courier between them, all on loopback. Prints each value as the receiver gets it and
 * each settlement as the ledger records it, until Ctrl-C. With {@code --admin 127.0.0.1:8080} it also serves
 * the admin endpoint and the status page there.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Shows the courier at work on loopback: sample app -> courier -> embedded Zabbix receiver.")
public final class DemoCommand implements Callable<Integer> {
    static final String DEMO_HOST = "demo-app";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "5s",
            converter = DiscoverCommand.DurationConverter.class,
            description = "how often the courier collects the sample app (default: ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DiscoverCommand.DurationConverter.class,
            description = "stop by itself after this long (default: run until Ctrl-C)")
    Duration duration;

    @Option(names = "--quiet-values", description = "print the ledger only, not every value")
    boolean quietValues;

    @Option(names = "--admin", paramLabel = "HOST:PORT",
            description = "also serve the admin endpoint and status page there, on a loopback address"
                    + " (port 0: any free port)")
    String admin;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        AdminConfig adminConfig = null;
        if (admin != null) {
            try {
                adminConfig = AdminConfig.of(admin, null);
            } catch (IllegalArgumentException e) {
                System.err.println("courier demo: --admin " + e.getMessage());
                return 2;
            }
        }
        ProcessSignals signals = ProcessSignals.install(false);
        try (SampleApplication app = SampleApplication.create(0);
             ZabbixTrapperReceiver receiver = ZabbixTrapperReceiver.create(0, key -> true,
                     (row, processed) -> printRow(out, row, processed))) {
            InMemoryDeliveryLedger ledger = new InMemoryDeliveryLedger(Clock.systemUTC(), 1000);
            ledger.addListener(record -> printRecord(out, record));
            DropwizardConfig source = new DropwizardConfig("sample-app", URI.create(app.metricsUrl()), null, interval,
                    min(interval, DropwizardConfig.DEFAULT_TIMEOUT), DropwizardConfig.DEFAULT_MAX_BYTES, DEMO_HOST);
            ZabbixSinkConfig sink = ZabbixSinkConfig.of("zabbix", "127.0.0.1", receiver.port());
            Pipeline pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1 << 14, 16L << 20), ledger,
                    List.of(new ScheduledSource(DropwizardJsonSource.create(source), interval)),
                    List.of(new SinkSpec(ZabbixSink.create(sink),
                            FullJitterBackoff.of(Duration.ofMillis(200), Duration.ofSeconds(10), 2.0), 16L << 20)),
                    Clock.systemUTC());
            out.println("Concierge Courier demo");
            out.println("  sample application (Dropwizard JSON): " + app.metricsUrl());
            out.println("  embedded Zabbix trapper receiver:     127.0.0.1:" + receiver.port());
            out.println("  courier: collects every " + DurationSyntax.format(interval)
                    + ", delivers at once, records each delivery");
            AtomicBoolean ready = new AtomicBoolean();
            CourierMetrics metrics = CourierMetrics.create(pipeline);
            AdminServer adminServer = null;
            if (adminConfig != null) {
                adminServer = AdminServer.create(adminConfig, pipeline, metrics, ready::get, Clock.systemUTC());
                out.println("  admin endpoint and status page:       http://"
                        + adminServer.address().getAddress().getHostAddress() + ":" + adminServer.port() + "/");
            }
            out.println("  Ctrl-C to stop.");
            out.println();
            pipeline.start();
            ready.set(true);
            if (adminServer != null) {
                CourierFacts facts = new CourierFacts(CourierFacts.VERSION, Clock.systemUTC().instant(), null, null,
                        null, Map.of("zabbix", "zabbix 127.0.0.1:" + receiver.port() + " (the embedded receiver)"),
                        Map.of("sample-app", "dropwizard " + app.metricsUrl()), Map.of("sample-app", interval));
                adminServer.describeWith(() -> facts);
            }
            String signal = signals.next(duration);
            out.println();
            out.println((signal == null ? "the end of --duration" : signal)
                    + ": stopping (sources, ring, final sends, sinks, ledger)");
            ready.set(false);
            pipeline.stop(Pipeline.DEFAULT_STOP_DEADLINE);
            if (adminServer != null) {
                adminServer.close();
            }
            metrics.close();
            SinkStats stats = pipeline.sinkStats().get("zabbix");
            out.printf("delivered %d, rejected %d, dropped %d, pending %d; the receiver got %d rows in %d frames%n",
                    stats.delivered(), stats.rejected(), stats.dropped(), stats.pending(), receiver.rows().size(),
                    receiver.exchanges().size());
        }
        return 0;
    }

    private void printRow(PrintStream out, Row row, boolean processed) {
        if (quietValues) {
            return;
        }
        out.printf("  zabbix <- %-10s %-34s %-14s @ %s%s%n", row.host(), row.key(), row.value(),
                TIME.format(Instant.ofEpochSecond(row.clock(), row.ns())), processed ? "" : "  (failed)");
    }

    private static void printRecord(PrintStream out, DeliveryRecord record) {
        out.printf("ledger: %s sink=%s batch=%d samples=%d accepted=%d rejected=%d dropped=%d attempts=%d"
                        + " answer=\"%s\"%n", record.outcome(), record.sink(), record.batchId(), record.samples(),
                record.accepted(), record.rejected(), record.dropped(), record.attempts(), record.detail());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
