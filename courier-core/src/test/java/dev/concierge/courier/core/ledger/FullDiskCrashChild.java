package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.testing.Samples;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * Run in a child JVM by {@link FullDiskCrashTest}: appends {@link #WRITTEN} samples and syncs, then fills its
 * (fault-injected) disk, appends {@link #HELD} more, which stay in memory, says so on stdout and waits to be
 * killed. The seam stands in for a real full disk where a small tmpfs cannot be mounted.
 */
public final class FullDiskCrashChild {
    static final String SINK = "full";
    static final int WRITTEN = 1000;
    static final int HELD = 500;

    private FullDiskCrashChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        FaultyDisk disk = new FaultyDisk();
        FileDeliveryLedger ledger = FileDeliveryLedger.open(Path.of(args[0]), Clock.systemUTC(),
                FileDeliveryLedger.Options.defaults(), disk);
        FileSinkBacklog backlog = ledger.openBacklog(SINK, 1L << 30);
        for (int i = 0; i < WRITTEN; i++) {
            backlog.append(Samples.counter("s", i, 1_700_000_000L + i), r -> { });
        }
        backlog.sync();
        disk.full = true;
        for (int i = WRITTEN; i < WRITTEN + HELD; i++) {
            backlog.append(Samples.counter("s", i, 1_700_000_000L + i), r -> { });
        }
        System.out.println("HELD " + (backlog.pendingSamples() - WRITTEN) + " WRITE_ERRORS " + backlog.writeErrors());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
