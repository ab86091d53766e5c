package dev.concierge.courier.core.ledger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a file backlog does while its disk fails: counts every write, sync and cursor write that failed, logs
 * one ERROR when the disk starts failing (DEBUG while it goes on, INFO when a write succeeds again), and
 * spaces retries of the samples kept in memory meanwhile at least {@value #RETRY_SECONDS} second apart.
 * Keeping those samples is the {@link MemoryWindow}'s unwritten run; this class only decides when.
 *
 * <p>Times are {@link System#nanoTime} values passed in, so it reads no clock. Not thread-safe: used under its
 * backlog's lock only.
 */
final class WriteFailures {
    // Logs under the backlog's name, the one operators know.
    private static final Logger log = LoggerFactory.getLogger(FileSinkBacklog.class);

    private static final long RETRY_SECONDS = 1;
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(RETRY_SECONDS);

    private final String sink;
    private final Path dir;
    private final long byteBudget;
    private boolean failing;
    private long nextRetryNanos;
    private long errors;

    WriteFailures(String sink, Path dir, long byteBudget) {
        this.sink = sink;
        this.dir = dir;
        this.byteBudget = byteBudget;
    }

    /** A write of samples failed at {@code nowNanos}: the next retry is due a second later. */
    void writeFailed(IOException e, long nowNanos) {
        failed("write", e);
        nextRetryNanos = nowNanos + RETRY_NANOS;
    }

    /** Something else failed: {@code what} completes "cannot ... its backlog", e.g. "sync". */
    void failed(String what, IOException e) {
        errors++;
        if (!failing) {
            failing = true;
            log.error("sink {}: cannot {} its backlog in {}: {}; new samples stay in memory (up to the budget of "
                    + "{} bytes) and are written when the disk recovers; a crash meanwhile loses them", sink, what,
                    dir, e.toString(), byteBudget);
        } else {
            log.debug("sink {}: {} still failing: {}", sink, what, e.toString());
        }
    }

    /** A write succeeded: the disk has recovered, if it was failing. */
    void writeSucceeded() {
        if (failing) {
            failing = false;
            log.info("sink {}: writing its backlog to {} again", sink, dir);
        }
    }

    /** Whether the samples kept in memory may be written again at {@code nowNanos}. */
    boolean retryDue(long nowNanos) {
        return nowNanos - nextRetryNanos >= 0;
    }

    /** Whether the last write failed and none has succeeded since. */
    boolean failing() {
        return failing;
    }

    /** Writes, syncs and cursor writes that failed so far. */
    long errors() {
        return errors;
    }
}
