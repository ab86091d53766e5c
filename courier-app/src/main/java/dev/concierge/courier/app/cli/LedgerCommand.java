package dev.concierge.courier.app.cli;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.app.wiring.SinkDefinition;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.ledger.FileSinkBacklog;
import dev.concierge.courier.core.ledger.LedgerTotals;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code courier ledger --config courier.yaml}: what the durable ledger in {@code data_dir} says, for a
 * stopped courier: per sink, what is still owed and what was settled, then the most recent settlements.
 */
@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = "Shows what the ledger in data_dir recorded and what each sink is still owed.")
public final class LedgerCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "the courier's YAML configuration (for data_dir and the sink names)")
    Path config;

    @Option(names = "--last", paramLabel = "N", defaultValue = "20",
            description = "how many recent records to show (default: ${DEFAULT-VALUE})")
    int last;

    @Override
    public Integer call() {
        CourierConfig loaded;
        try {
            loaded = CourierConfig.load(config);
        } catch (ConfigException e) {
            System.err.println("courier: configuration " + config + " has problems:");
            System.err.println(e.getMessage());
            return 2;
        }
        if (!Files.isDirectory(loaded.dataDir())) {
            System.err.println("courier ledger: data_dir " + loaded.dataDir() + " does not exist (nothing recorded yet)");
            return 1;
        }
        PrintStream out = System.out;
        try (FileDeliveryLedger ledger = FileDeliveryLedger.open(loaded.dataDir(), Clock.systemUTC())) {
            out.println("ledger in " + loaded.dataDir());
            for (SinkDefinition<?> sink : loaded.sinks()) {
                FileSinkBacklog backlog = ledger.openBacklog(sink.name(), Long.MAX_VALUE);
                LedgerTotals totals = ledger.totals(sink.name());
                out.printf("sink %s: owed %d samples (%d bytes on disk); settled %d batches: %d accepted,"
                                + " %d rejected, %d dropped%n", sink.name(), backlog.pendingSamples(),
                        backlog.pendingBytes(), totals.batches(), totals.accepted(), totals.rejected(),
                        totals.dropped());
                backlog.close(record -> { });
            }
            out.println("last " + last + " records:");
            for (DeliveryRecord record : ledger.recent(last)) {
                out.printf("  %s %-18s sink=%s batch=%d samples=%d accepted=%d rejected=%d dropped=%d attempts=%d"
                                + " samples-from=%s to=%s answer=\"%s\"%n", record.at(), record.outcome(), record.sink(),
                        record.batchId(), record.samples(), record.accepted(), record.rejected(), record.dropped(),
                        record.attempts(), record.oldestSample(), record.newestSample(), record.detail());
            }
        } catch (IllegalStateException | UncheckedIOException e) {
            System.err.println("courier ledger: data_dir " + loaded.dataDir() + ": " + e.getMessage());
            return 1;
        }
        return 0;
    }
}
