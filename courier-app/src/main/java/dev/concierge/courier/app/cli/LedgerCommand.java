package dev.concierge.courier.app.cli;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.ConfigNode;
import dev.concierge.courier.app.config.ConfigProblems;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.LedgerQuery;
import dev.concierge.courier.core.ledger.LedgerSnapshot;
import dev.concierge.courier.core.ledger.LedgerTotals;
import dev.concierge.courier.core.ledger.LossRange;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code courier ledger --config courier.yaml} (or {@code --data-dir DIR}): what the durable ledger in
 * {@code data_dir} says: per sink, what is still owed on disk and what was settled; every loss range kept; the
 * most recent settlements. It reads the ledger's files read-only, without the lock a running courier holds, so
 * it works whether the courier runs or not, and it takes nothing from the configuration but {@code data_dir},
 * so a configuration that is otherwise invalid does not stop it. The admin endpoint's {@code GET /ledger}
 * answers the same questions from the running courier's memory.
 */
@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = {"Shows what the ledger in data_dir recorded: what each sink is still owed, every range of"
                + " samples lost, and the recent settlements.",
                "Reads the files read-only, without the running courier's lock: it works while the courier runs."})
public final class LedgerCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Where where;

    static final class Where {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "the courier's YAML configuration; only its data_dir is read")
        Path config;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "the courier's data_dir")
        Path dataDir;
    }

    @Option(names = "--last", paramLabel = "N", defaultValue = "20",
            description = "how many recent records to show (default: ${DEFAULT-VALUE})")
    int last;

    @Option(names = "--since", paramLabel = "TIME|DURATION",
            description = "only losses and records since then: 2026-12-01T10:00:00Z, or 2h for two hours ago"
                    + " (default: every loss kept)")
    String since;

    @Option(names = "--sink", paramLabel = "NAME", description = "only this sink's totals, losses and records")
    String sink;

    @Option(names = "--outcome", paramLabel = "OUTCOME",
            description = "only records with this outcome: delivered, partially_rejected, rejected or dropped")
    String outcome;

    private final Clock clock;

    public LedgerCommand() {
        this(Clock.systemUTC());
    }

    LedgerCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Integer call() {
        if (last < 0) {
            return usage("--last: " + last + " (expected: 0 or more)");
        }
        LedgerQuery query;
        try {
            query = new LedgerQuery(since == null ? null : LedgerQuery.since(since, clock.instant()), sink,
                    outcome == null ? null : LedgerQuery.outcome(outcome));
        } catch (IllegalArgumentException e) {
            return usage("--" + e.getMessage());
        }
        Path dataDir = where.dataDir;
        if (dataDir == null) {
            dataDir = dataDirOf(where.config);
            if (dataDir == null) {
                return 2;
            }
        }
        if (!Files.isDirectory(dataDir)) {
            System.err.println("courier ledger: data_dir " + dataDir + " does not exist (nothing recorded yet)");
            return 1;
        }
        LedgerSnapshot snapshot;
        try {
            snapshot = LedgerSnapshot.read(dataDir, query::matches, last, clock.instant());
        } catch (UncheckedIOException e) {
            System.err.println("courier ledger: data_dir " + dataDir + ": " + e.getMessage());
            return 1;
        }
        print(dataDir, snapshot, query, System.out);
        return 0;
    }

    private static int usage(String problem) {
        System.err.println("courier ledger: " + problem);
        return 2;
    }

    /** Only {@code data_dir} is read: the rest of the configuration may be invalid and this still works. */
    private static Path dataDirOf(Path config) {
        ConfigProblems problems = new ConfigProblems();
        try {
            ConfigNode root = new YamlConfigParser().parse(config, problems);
            ConfigProblems own = new ConfigProblems();
            String dataDir = root.requiredString("data_dir", own);
            if (dataDir != null) {
                return Path.of(dataDir);
            }
            own.throwIfAny();
        } catch (ConfigException e) {
            System.err.println("courier: configuration " + config + " does not say where data_dir is:");
            System.err.println(e.getMessage());
            return null;
        } catch (RuntimeException e) {
            System.err.println("courier: configuration " + config + ": data_dir is not a path: " + e.getMessage());
            return null;
        }
        return null;
    }

    private void print(Path dataDir, LedgerSnapshot snapshot, LedgerQuery query, PrintStream out) {
        out.println("ledger in " + dataDir + ", read from its files without the courier's lock (a courier running on"
                + " it may be writing: this is a snapshot as of " + clock.instant() + ")");
        for (String name : snapshot.sinks()) {
            if (!query.matchesSink(name)) {
                continue;
            }
            LedgerTotals totals = snapshot.totals().getOrDefault(name, LedgerTotals.ZERO);
            LedgerSnapshot.BacklogOnDisk owed = snapshot.backlogs().getOrDefault(name,
                    new LedgerSnapshot.BacklogOnDisk(0, 0));
            out.printf("sink %s: owed %d samples (%d bytes on disk); settled %d batches: %d accepted,"
                            + " %d rejected, %d dropped%n", name, owed.samples(), owed.bytes(), totals.batches(),
                    totals.accepted(), totals.rejected(), totals.dropped());
        }
        List<LossRange> losses = snapshot.losses().stream().filter(query::matches).toList();
        out.println("losses " + (query.since() == null ? "(every range kept)" : "since " + query.since()) + ": "
                + (losses.isEmpty() ? "none" : losses.size() + " ranges, "
                + losses.stream().mapToLong(LossRange::count).sum() + " samples"));
        for (LossRange range : losses) {
            out.printf("  %s=%s lost=%d samples-from=%s to=%s lost-from=%s to=%s %s reason=\"%s\"%n",
                    range.origin().name().toLowerCase(Locale.ROOT), range.name(),
                    range.count(), range.firstSample(), range.lastSample(), range.firstLoss(), range.lastLoss(),
                    range.open() ? "open" : "closed=" + range.closedAt(), range.reason());
        }
        out.println("last " + last + " records" + filters(query) + ":");
        for (DeliveryRecord record : snapshot.records()) {
            out.printf("  %s %-18s sink=%s batch=%d samples=%d accepted=%d rejected=%d dropped=%d attempts=%d"
                            + " samples-from=%s to=%s answer=\"%s\"%n", record.at(), record.outcome(), record.sink(),
                    record.batchId(), record.samples(), record.accepted(), record.rejected(), record.dropped(),
                    record.attempts(), record.oldestSample(), record.newestSample(), record.detail());
        }
    }

    private static String filters(LedgerQuery query) {
        StringBuilder text = new StringBuilder();
        if (query.sink() != null) {
            text.append(" sink=").append(query.sink());
        }
        if (query.outcome() != null) {
            text.append(" outcome=").append(query.outcome().name().toLowerCase(Locale.ROOT));
        }
        if (query.since() != null) {
            text.append(" since=").append(query.since());
        }
        return text.length() == 0 ? "" : " matching" + text;
    }
}
