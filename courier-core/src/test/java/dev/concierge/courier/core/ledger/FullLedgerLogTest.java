package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.Samples;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settlements that cannot reach {@code ledger.log} while the disk is full are written once it has room again. */
class FullLedgerLogTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-02T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private final FaultyDisk disk = new FaultyDisk();

    private static DeliveryRecord delivered(long batch) {
        return DeliveryRecord.settled("zabbix", new Batch(batch, Samples.counters("x", 10)),
                DeliveryRecord.Outcome.DELIVERED, 0, CLOCK.instant(), "ok");
    }

    @Test
    void writesTheSettlementsKeptWhileTheDiskWasFullOnceItRecovers() {
        try (FileDeliveryLedger ledger = FileDeliveryLedger.open(dir, CLOCK, FileDeliveryLedger.Options.defaults(),
                disk)) {
            for (int i = 0; i < 5; i++) {
                ledger.record(delivered(i));
            }
            disk.full = true;
            for (int i = 5; i < 1005; i++) {
                ledger.record(delivered(i));
            }
            assertThat(ledger.writeErrors()).isPositive();
            assertThat(ledger.unwrittenRecords()).isEqualTo(1000);

            disk.full = false;
            ledger.sync();
            assertThat(ledger.unwrittenRecords()).isZero();
            ledger.record(delivered(1005));
        }

        try (FileDeliveryLedger reopened = FileDeliveryLedger.open(dir, CLOCK)) {
            assertThat(reopened.totals("zabbix")).isEqualTo(new LedgerTotals(1006, 10_060, 0, 0));
            assertThat(reopened.recent(1000)).extracting(DeliveryRecord::batchId)
                    .as("in the order they were recorded").containsExactlyElementsOf(
                            LongStream.range(6, 1006).boxed().toList());
        }
    }

    @Test
    void keepsTheTotalsRightWhenTheLogRotatesWhileRecordsWaitToBeWritten() {
        FileDeliveryLedger.Options smallLog = FileDeliveryLedger.Options.defaults().withLedgerLog(4096, 3);
        try (FileDeliveryLedger ledger = FileDeliveryLedger.open(dir, CLOCK, smallLog, disk)) {
            disk.full = true;
            for (int i = 0; i < 300; i++) {
                ledger.record(delivered(i));
            }
            disk.full = false;
            ledger.sync();
        }

        try (FileDeliveryLedger reopened = FileDeliveryLedger.open(dir, CLOCK, smallLog)) {
            assertThat(reopened.totals("zabbix")).isEqualTo(new LedgerTotals(300, 3000, 0, 0));
        }
    }

    @Test
    void keepsAtMostItsBoundOfUnwrittenRecordsDiscardingTheOldest() {
        int extra = 10;
        try (FileDeliveryLedger ledger = FileDeliveryLedger.open(dir, CLOCK, FileDeliveryLedger.Options.defaults(),
                disk)) {
            disk.full = true;
            for (int i = 0; i < FileDeliveryLedger.MAX_UNWRITTEN_RECORDS + extra; i++) {
                ledger.record(delivered(i));
            }
            assertThat(ledger.unwrittenRecords()).isEqualTo(FileDeliveryLedger.MAX_UNWRITTEN_RECORDS);
            disk.full = false;
            ledger.sync();
        }

        try (FileDeliveryLedger reopened = FileDeliveryLedger.open(dir, CLOCK)) {
            assertThat(reopened.totals("zabbix").batches()).isEqualTo(FileDeliveryLedger.MAX_UNWRITTEN_RECORDS);
            assertThat(reopened.recent(1).get(0).batchId()).isEqualTo(FileDeliveryLedger.MAX_UNWRITTEN_RECORDS + extra - 1);
        }
    }
}
