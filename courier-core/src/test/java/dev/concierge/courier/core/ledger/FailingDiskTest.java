package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.Samples;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailingDiskTest {
    @TempDir
    Path dir;

    private final List<DeliveryRecord> records = new ArrayList<>();
    private final FaultyDisk disk = new FaultyDisk();

    private FileSinkBacklog open(FileSinkBacklog.SegmentChannels channels) throws IOException {
        return FileSinkBacklog.open("zabbix", dir, 1L << 30, FileDeliveryLedger.Options.defaults(),
                Clock.systemUTC(), records::add, channels);
    }

    private FileSinkBacklog openFailing() throws IOException {
        return open(disk);
    }

    @Test
    void keepsSamplesInMemoryWhileTheDiskIsFullAndWritesThemWhenItRecovers() throws IOException {
        FileSinkBacklog backlog = openFailing();
        List<Sample> samples = Samples.counters("x", 20);
        samples.subList(0, 10).forEach(s -> backlog.append(s, records::add));

        disk.full = true;
        samples.subList(10, 20).forEach(s -> backlog.append(s, records::add));
        Batch first = backlog.takeBatch(5);
        backlog.settle(first);

        assertThat(backlog.writeErrors()).isPositive();
        assertThat(backlog.pendingSamples()).isEqualTo(15);
        assertThat(records).isEmpty();

        disk.full = false;
        backlog.sync();
        backlog.close(records::add);
        FileSinkBacklog reopened = open(FileSinkBacklog.SegmentChannels.DEFAULT);

        assertThat(records).isEmpty();
        List<Sample> owed = new ArrayList<>();
        Batch batch;
        while ((batch = reopened.takeBatch(100)) != null) {
            owed.addAll(batch.samples());
            reopened.settle(batch);
        }
        assertThat(first.samples()).isEqualTo(samples.subList(0, 5));
        assertThat(owed).isEqualTo(samples.subList(5, 20));
    }

    @Test
    void syncAppendsSaysWhetherEverySampleAppendedIsDurable() throws IOException {
        FileSinkBacklog backlog = openFailing();
        List<Sample> samples = Samples.counters("x", 4);
        backlog.append(samples.get(0), records::add);

        assertThat(backlog.syncAppends()).isTrue();

        disk.full = true;
        backlog.append(samples.get(1), records::add);
        assertThat(backlog.syncAppends()).as("a sample held in memory is not durable").isFalse();

        disk.full = false;
        backlog.append(samples.get(2), records::add);
        assertThat(backlog.syncAppends()).as("once written again").isTrue();
    }

    @Test
    void deliversWhatItCouldNotWriteAndReportsOnlyWhatStillCannotBeKeptAtClose() throws IOException {
        FileSinkBacklog backlog = openFailing();
        List<Sample> samples = Samples.counters("x", 8);
        samples.subList(0, 2).forEach(s -> backlog.append(s, records::add));
        disk.full = true;
        samples.subList(2, 8).forEach(s -> backlog.append(s, records::add));

        Batch batch = backlog.takeBatch(5);
        backlog.settle(batch);
        backlog.close(records::add);

        assertThat(batch.samples()).isEqualTo(samples.subList(0, 5));
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(DeliveryRecord.Outcome.DROPPED);
            assertThat(r.dropped()).isEqualTo(3);
            assertThat(r.oldestSample()).isEqualTo(samples.get(5).timestamp());
            assertThat(r.newestSample()).isEqualTo(samples.get(7).timestamp());
        });
        assertThat(open(FileSinkBacklog.SegmentChannels.DEFAULT).pendingSamples()).isZero();
    }
}
