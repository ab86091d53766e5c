package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.Samples;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Run in a child JVM by {@link LedgerCrashTest}: appends {@code args[1]} samples, takes three batches,
 * settles the second and then the first, leaves the third in flight, syncs and says so on stdout, then
 * appends until it is killed. Values are the sample numbers.
 */
public final class LedgerCrashChild {
    static final String SINK = "crash";
    static final int BATCH = 100;

    private LedgerCrashChild() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int synced = Integer.parseInt(args[1]);
        // No periodic fsync: only the explicit sync below is durable, which is what the parent relies on.
        FileDeliveryLedger ledger = FileDeliveryLedger.open(dir, Clock.systemUTC(), FileDeliveryLedger.Options
                .defaults().withSegmentBytes(64 << 10).withSyncInterval(Duration.ofHours(1)));
        FileSinkBacklog backlog = ledger.openBacklog(SINK, 1L << 30);
        for (int i = 0; i < synced; i++) {
            backlog.append(Samples.counter("s", i, 1_700_000_000L + i), r -> { });
        }
        Batch first = backlog.takeBatch(BATCH);
        Batch second = backlog.takeBatch(BATCH);
        Batch third = backlog.takeBatch(BATCH);
        backlog.settle(second);
        backlog.settle(first);
        backlog.sync();
        System.out.println("SETTLED " + (first.size() + second.size()) + " IN_FLIGHT " + third.size());
        System.out.println("SYNCED " + synced);
        System.out.flush();
        for (long i = synced; ; i++) {
            backlog.append(Samples.counter("s", i, 1_700_000_000L + i), r -> { });
            if (i == synced + 1000) {
                System.out.println("APPENDING");
                System.out.flush();
            }
        }
    }
}
