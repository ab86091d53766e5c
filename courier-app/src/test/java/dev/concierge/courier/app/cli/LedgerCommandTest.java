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
    void refusesToReadTheLedgerOfARunningCourier() throws IOException {
        try (FileDeliveryLedger running = FileDeliveryLedger.open(dir.resolve("state"), Clock.systemUTC())) {
            CommandOutput result = CommandOutput.run("ledger", "--config", config().toString());

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).startsWith("courier ledger: data_dir " + dir.resolve("state"));
        }
    }

    @Test
    void saysSoWhenNothingWasRecordedYet() throws IOException {
        CommandOutput result = CommandOutput.run("ledger", "--config", config().toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("does not exist (nothing recorded yet)");
    }
}
