package dev.concierge.courier.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.ledger.FileSinkBacklog;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.Samples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerCommandTest {
    @TempDir
    Path dir;

    private Path config() throws IOException {
        Path config = dir.resolve("courier.yaml");
        Files.writeString(config, """
                data_dir: %s
                sources:
                  - {name: app, type: dropwizard, file: /tmp/metrics.json}
                sinks:
                  - {name: zabbix, type: zabbix, server: 127.0.0.1}
                """.formatted(dir.resolve("state")));
        return config;
    }

    @Test
    void showsWhatEachSinkIsOwedAndTheRecentSettlements() throws IOException {
        Instant at = Instant.parse("2026-11-21T10:00:00Z");
        try (FileDeliveryLedger ledger = FileDeliveryLedger.open(dir.resolve("state"), Clock.systemUTC())) {
            FileSinkBacklog backlog = ledger.openBacklog("zabbix", 1 << 20);
            Samples.counters("x", 3).forEach(sample -> backlog.append(sample, ledger::record));
            ledger.record(DeliveryRecord.settled("zabbix", new Batch(7, Samples.counters("y", 40)),
                    DeliveryRecord.Outcome.PARTIALLY_REJECTED, 1, at, "processed: 39; failed: 1; total: 40"));
            backlog.close(record -> { });
        }

        CommandOutput result = CommandOutput.run("ledger", "--config", config().toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .contains("sink zabbix: owed 3 samples")
                .contains("settled 1 batches: 39 accepted, 1 rejected, 0 dropped")
                .contains("2026-11-21T10:00:00Z PARTIALLY_REJECTED sink=zabbix batch=7 samples=40 accepted=39"
                        + " rejected=1 dropped=0 attempts=1")
                .contains("answer=\"processed: 39; failed: 1; total: 40\"");
    }

    @Test
    void readsTheLedgerWhileTheCourierHoldsItsLock() throws IOException {
        try (FileDeliveryLedger running = FileDeliveryLedger.open(dir.resolve("state"), Clock.systemUTC())) {
            FileSinkBacklog backlog = running.openBacklog("zabbix", 1 << 20);
            Samples.counters("x", 4).forEach(sample -> backlog.append(sample, running::record));

            CommandOutput result = CommandOutput.run("ledger", "--config", config().toString());

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).contains("read from its files without the courier's lock")
                    .contains("sink zabbix: owed 4 samples");
            // Still the running ledger's: it appends and syncs as before.
            running.record(DeliveryRecord.dropped("zabbix", 1, Instant.now(), null, null, "test"));
            running.sync();
        }
    }

    @Test
    void needsNothingOfTheConfigurationButDataDir() throws IOException {
        recordAnOutage();
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, """
                data_dir: %s
                ring: {slots: 3}
                sources:
                  - {name: app, type: no-such-type}
                sinks: []
                """.formatted(dir.resolve("state")));

        CommandOutput fromConfig = CommandOutput.run("ledger", "--config", broken.toString());
        CommandOutput fromDataDir = CommandOutput.run("ledger", "--data-dir", dir.resolve("state").toString());

        assertThat(fromConfig.exitCode()).as(fromConfig.err()).isZero();
        assertThat(fromConfig.out()).contains("sink zabbix:").contains("sink=zabbix lost=40");
        assertThat(withoutReadTime(fromDataDir.out())).isEqualTo(withoutReadTime(fromConfig.out()));
    }

    private static String withoutReadTime(String out) {
        return out.replaceAll("as of \\S+\\)", "as of ...)");
    }

    @Test
    void saysWhatIsMissingWhenTheConfigurationHasNoDataDir() throws IOException {
        Path noDataDir = dir.resolve("no-data-dir.yaml");
        Files.writeString(noDataDir, "sources: []\n");

        CommandOutput result = CommandOutput.run("ledger", "--config", noDataDir.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("does not say where data_dir is").contains("data_dir");
    }

    /** An outage of zabbix past its budget at 10:00 (40 samples in 4 drops), one at 12:00 (2), refusals of app. */
    private void recordAnOutage() {
        Instant at = Instant.parse("2026-12-01T10:00:00Z");
        try (FileDeliveryLedger ledger = FileDeliveryLedger.open(dir.resolve("state"), Clock.fixed(at, ZoneOffset.UTC))) {
            FileSinkBacklog backlog = ledger.openBacklog("zabbix", 1 << 20);
            ledger.record(DeliveryRecord.settled("zabbix", new Batch(1, Samples.counters("y", 5)),
                    DeliveryRecord.Outcome.DELIVERED, 0, at.minusSeconds(60), "processed: 5"));
            for (int i = 0; i < 4; i++) {
                ledger.record(DeliveryRecord.dropped("zabbix", 10, at.plusSeconds(i), at.plusSeconds(i - 30),
                        at.plusSeconds(i - 20), "backlog over its budget of 4096 bytes on disk; oldest dropped"));
            }
            ledger.record(DeliveryRecord.dropped("zabbix", 2, at.plusSeconds(7200), at.plusSeconds(7190),
                    at.plusSeconds(7200), "backlog over its budget of 4096 bytes on disk; oldest dropped"));
            ledger.recordSourceLoss("app", 600, at, at.plusSeconds(1), "the ring was full");
            backlog.close(record -> { });
        }
    }

    @Test
    void showsEveryLossRangeKeptAndThoseSinceATime() throws IOException {
        recordAnOutage();

        CommandOutput all = CommandOutput.run("ledger", "--config", config().toString());
        CommandOutput since = CommandOutput.run("ledger", "--config", config().toString(), "--since",
                "2026-12-01T11:00:00Z");

        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).contains("losses (every range kept): 3 ranges, 642 samples")
                .contains("sink=zabbix lost=40 samples-from=2026-12-01T09:59:30Z to=2026-12-01T09:59:43Z"
                        + " lost-from=2026-12-01T10:00:00Z to=2026-12-01T10:00:03Z")
                .contains("source=app lost=600")
                .contains("sink=zabbix lost=2 ");
        assertThat(since.out()).contains("losses since 2026-12-01T11:00:00Z: 1 ranges, 2 samples")
                .doesNotContain("lost=40").doesNotContain("source=app");
        assertThat(CommandOutput.run("ledger", "--config", config().toString(), "--since", "nonsense").err())
                .contains("--since: nonsense (expected: an ISO-8601 time");
    }

    @Test
    void filtersBySinkAndOutcome() throws IOException {
        recordAnOutage();

        CommandOutput drops = CommandOutput.run("ledger", "--config", config().toString(), "--sink", "zabbix",
                "--outcome", "dropped", "--last", "100");
        CommandOutput delivered = CommandOutput.run("ledger", "--config", config().toString(), "--outcome",
                "delivered");
        CommandOutput otherSink = CommandOutput.run("ledger", "--config", config().toString(), "--sink", "graphite");

        assertThat(drops.out()).contains("last 100 records matching sink=zabbix outcome=dropped:")
                .doesNotContain("DELIVERED").doesNotContain("source=app");
        assertThat(drops.out().lines().filter(line -> line.contains(" DROPPED "))).hasSize(5);
        assertThat(delivered.out().lines().filter(line -> line.contains(" DELIVERED "))).hasSize(1);
        assertThat(delivered.out()).doesNotContain(" DROPPED ").contains("losses (every range kept): none");
        assertThat(otherSink.out()).doesNotContain("sink zabbix:").contains("losses (every range kept): none");
        assertThat(CommandOutput.run("ledger", "--data-dir", dir.toString(), "--outcome", "lost").exitCode())
                .isEqualTo(2);
    }

    @Test
    void saysSoWhenNothingWasRecordedYet() throws IOException {
        CommandOutput result = CommandOutput.run("ledger", "--config", config().toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("does not exist (nothing recorded yet)");
    }
}
