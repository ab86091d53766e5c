package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.Samples;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkBacklogContractTest extends SinkBacklogContractTest {
    @TempDir
    Path dir;

    private FileDeliveryLedger ledger;

    @AfterEach
    void closeLedger() {
        if (ledger != null) {
            ledger.close();
        }
    }

    @Override
    SinkBacklog backlog(long byteBudget) {
        ledger = FileDeliveryLedger.open(dir, CLOCK, FileDeliveryLedger.Options.defaults().withSegmentBytes(4096));
        return ledger.openBacklog("sink", byteBudget);
    }

    /** The sample's frame in the segment log: the budget counts bytes on disk. */
    @Override
    long budgetBytes(Sample sample) {
        CompactWriter out = new CompactWriter();
        out.reset(LogFrames.HEADER_BYTES + 8);
        SampleCodec.encode(sample, out);
        return out.length();
    }

    @Override
    boolean keepsWhatIsOwedAcrossClose() {
        return true;
    }

    @Test
    void aBatchReadBackFromDiskComesBackWholeAfterRequeue() {
        List<Sample> samples = Samples.counters("x", 300);
        ledger = FileDeliveryLedger.open(dir, CLOCK, FileDeliveryLedger.Options.defaults().withSegmentBytes(4096)
                .withMemoryWindowBytes(10L * samples.get(0).estimatedBytes()));
        FileSinkBacklog backlog = ledger.openBacklog("sink", BIG_BUDGET);
        samples.forEach(sample -> backlog.append(sample, evicted::add));
        backlog.settle(backlog.takeBatch(100));

        Batch failed = backlog.takeBatch(100);
        backlog.requeue(failed);
        Batch again = backlog.takeBatch(100);

        assertThat(again.id()).isEqualTo(failed.id());
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.samples()).isEqualTo(samples.subList(100, 200));
        assertThat(backlog.takeBatch(100).samples()).isEqualTo(samples.subList(200, 300));
    }

    @Test
    void whatARequeuedBatchStillOwedAtCloseIsSentAfterReopenAsAFirstAttempt() {
        SinkBacklog backlog = backlog(BIG_BUDGET);
        List<Sample> samples = Samples.counters("x", 3);
        samples.forEach(sample -> backlog.append(sample, evicted::add));
        backlog.requeue(backlog.takeBatch(2));
        ledger.close();

        SinkBacklog reopened = backlog(BIG_BUDGET);
        Batch batch = reopened.takeBatch(10);

        assertThat(batch.samples()).isEqualTo(samples);
        assertThat(batch.attempt()).isEqualTo(1);
    }
}
