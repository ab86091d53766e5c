package dev.concierge.courier.core.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A ledger on disk: each sink's backlog survives restarts and crashes (see {@link FileSinkBacklog}), and
 * every settlement is appended to {@code ledger.log} so that {@link #recent} and {@link #totals} survive
 * them too. Totals count from the creation of the data directory, not from the last open.
 *
 * <pre>
 * dataDir/lock                       held while open: one process per data directory
 * dataDir/ledger.log[.1, .2, ...]    settlements; rotated at Options.ledgerLogBytes
 * dataDir/losses                     loss ranges ({@link #losses}), compacted, never rotated away
 * dataDir/&lt;sink&gt;/cursor              every sequence below it is settled (16 bytes, CRC32C)
 * dataDir/&lt;sink&gt;/NNNN...NNNN.seg     samples from sequence NNN on (20 digits), up to Options.segmentBytes
 * </pre>
 *
 * The sink's directory is its name with every byte outside {@code [A-Za-z0-9_-]} written as {@code %XX}.
 *
 * <p>Thread-safe. Opening recovers from a torn or corrupt tail by cutting it and reporting what was lost
 * (a WARN log and a {@link DeliveryRecord.Outcome#DROPPED} record); it does not fail on damaged data.
 */
public final class FileDeliveryLedger implements DeliveryLedger {
    private static final Logger log = LoggerFactory.getLogger(FileDeliveryLedger.class);

    /**
     * How a file ledger stores and syncs.
     *
     * <p>Durability: every append is written to the operating system before it returns, so a killed
     * process loses nothing it appended; what is not yet fsynced can be lost when the machine fails. A
     * backlog fsyncs its segment (and writes its cursor) when it is dirty and {@code syncInterval} has passed
     * since its last sync, and after every {@code syncEveryAppends} appends when that is above 0, and always
     * on {@link #sync()} and close. A shorter interval or a small N narrows what a power cut can take, at an
     * fsync each time (from a tenth of a millisecond on SSDs to tens of milliseconds on disks and network
     * volumes, on the sink's own thread). Settlements not yet in a durable cursor are resent after a crash:
     * duplicates are bounded by the batches in flight plus those settled within the last interval.
     *
     * @param segmentBytes      size at which a segment file is closed and a new one started (default 8 MiB)
     * @param memoryWindowBytes estimated heap of the waiting samples each backlog keeps in memory; the rest
     *                          are read back from disk when the window drains (default 4 MiB)
     * @param syncInterval      at most this long between a write and its fsync (default 100 ms; zero
     *                          syncs at every call that finds something dirty)
     * @param syncEveryAppends  also fsync after this many appends; 0 turns it off (default 0)
     * @param ledgerLogBytes    size at which {@code ledger.log} rotates (default 4 MiB)
     * @param ledgerLogFiles    files of the ledger log kept, the current one included (default 3)
     * @param recentCapacity    records {@link #recent} can return (default 1000)
     */
    public record Options(long segmentBytes, long memoryWindowBytes, Duration syncInterval, int syncEveryAppends,
                          long ledgerLogBytes, int ledgerLogFiles, int recentCapacity) {

        /** Validates every field and reports every problem at once. */
        public Options {
            List<String> problems = new ArrayList<>();
            if (segmentBytes < 4096) {
                problems.add("segmentBytes: " + segmentBytes + " (expected: >= 4096)");
            }
            if (memoryWindowBytes < 1) {
                problems.add("memoryWindowBytes: " + memoryWindowBytes + " (expected: >= 1)");
            }
            if (syncInterval == null || syncInterval.isNegative()) {
                problems.add("syncInterval: " + syncInterval + " (expected: zero or more)");
            }
            if (syncEveryAppends < 0) {
                problems.add("syncEveryAppends: " + syncEveryAppends + " (expected: >= 0)");
            }
            if (ledgerLogBytes < 4096) {
                problems.add("ledgerLogBytes: " + ledgerLogBytes + " (expected: >= 4096)");
            }
            if (ledgerLogFiles < 1) {
                problems.add("ledgerLogFiles: " + ledgerLogFiles + " (expected: >= 1)");
            }
            if (recentCapacity < 1) {
                problems.add("recentCapacity: " + recentCapacity + " (expected: >= 1)");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
        }

        public static Options defaults() {
            return new Options(8L << 20, 4L << 20, Duration.ofMillis(100), 0, 4L << 20, 3, 1000);
        }

        public Options withSegmentBytes(long value) {
            return new Options(value, memoryWindowBytes, syncInterval, syncEveryAppends, ledgerLogBytes,
                    ledgerLogFiles, recentCapacity);
        }

        public Options withMemoryWindowBytes(long value) {
            return new Options(segmentBytes, value, syncInterval, syncEveryAppends, ledgerLogBytes, ledgerLogFiles,
                    recentCapacity);
        }

        public Options withSyncInterval(Duration value) {
            return new Options(segmentBytes, memoryWindowBytes, value, syncEveryAppends, ledgerLogBytes,
                    ledgerLogFiles, recentCapacity);
        }

        public Options withSyncEveryAppends(int value) {
            return new Options(segmentBytes, memoryWindowBytes, syncInterval, value, ledgerLogBytes, ledgerLogFiles,
                    recentCapacity);
        }

        public Options withLedgerLog(long bytes, int files) {
            return new Options(segmentBytes, memoryWindowBytes, syncInterval, syncEveryAppends, bytes, files,
                    recentCapacity);
        }

        public Options withRecentCapacity(int value) {
            return new Options(segmentBytes, memoryWindowBytes, syncInterval, syncEveryAppends, ledgerLogBytes,
                    ledgerLogFiles, value);
        }
    }

    private final Path dataDir;
    private final Clock clock;
    private final Options options;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final LedgerLog ledgerLog;
    private final LossLog lossLog;
    private final LossRanges losses;
    private boolean lossesFailing;
    private final ArrayDeque<DeliveryRecord> recent;
    private final Map<String, LedgerTotals> totals = new LinkedHashMap<>();
    // What ledger.log holds: the totals a rotation seeds the next file with must not count records still unwritten.
    private final Map<String, LedgerTotals> writtenTotals = new LinkedHashMap<>();
    private final ArrayDeque<DeliveryRecord> unwritten = new ArrayDeque<>();
    private long unwrittenDiscarded;
    private long nextRetryNanos;
    private final Map<String, FileSinkBacklog> backlogs = new LinkedHashMap<>();
    private final List<Consumer<DeliveryRecord>> listeners = new CopyOnWriteArrayList<>();
    private long writeErrors;
    private boolean failing;
    private boolean closed;

    private final FileSinkBacklog.SegmentChannels channels;

    private FileDeliveryLedger(Path dataDir, Clock clock, Options options, FileChannel lockChannel, FileLock lock,
                               FileSinkBacklog.SegmentChannels channels) {
        this.dataDir = dataDir;
        this.clock = clock;
        this.options = options;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.channels = channels;
        this.ledgerLog = new LedgerLog(dataDir, options.ledgerLogBytes(), options.ledgerLogFiles(), channels);
        this.lossLog = new LossLog(dataDir);
        this.losses = LossRanges.withDefaults(this::persistLoss);
        this.recent = new ArrayDeque<>(Math.min(options.recentCapacity(), 4096));
    }

    /** Opens the ledger in {@code dataDir} with {@link Options#defaults()}. */
    public static FileDeliveryLedger open(Path dataDir, Clock clock) {
        return open(dataDir, clock, Options.defaults());
    }

    /**
     * Opens (creating it if needed) the ledger in {@code dataDir} and reads back its records.
     *
     * @throws UncheckedIOException  when the directory cannot be created or read
     * @throws IllegalStateException when another ledger holds the directory
     */
    public static FileDeliveryLedger open(Path dataDir, Clock clock, Options options) {
        return open(dataDir, clock, options, FileSinkBacklog.SegmentChannels.DEFAULT);
    }

    /** As {@link #open(Path, Clock, Options)}, opening ledger.log and the segments through {@code channels}. */
    static FileDeliveryLedger open(Path dataDir, Clock clock, Options options,
                                   FileSinkBacklog.SegmentChannels channels) {
        FileChannel lockChannel = null;
        try {
            OwnerOnlyFiles.createDirectories(dataDir);
            lockChannel = OwnerOnlyFiles.open(dataDir.resolve("lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("dataDir: " + dataDir
                        + " is in use by another ledger (expected: one courier per data directory)");
            }
            FileDeliveryLedger ledger = new FileDeliveryLedger(dataDir, clock, options, lockChannel, lock, channels);
            // A data directory from before loss ranges were kept: the drops ledger.log still holds become ranges.
            boolean rangesFromLog = !Files.exists(dataDir.resolve(LossLog.FILE));
            ledger.lossLog.open(ledger.losses::restore);
            ledger.ledgerLog.open(new DeliveryRecordCodec.Visitor() {
                @Override
                public void record(DeliveryRecord record) {
                    ledger.remember(record);
                    ledger.writtenTotals.merge(record.sink(), LedgerTotals.ZERO.plus(record), LedgerTotals::sum);
                    if (rangesFromLog) {
                        ledger.trackLoss(record);
                    }
                }

                @Override
                public void totals(String sink, LedgerTotals sinkTotals) {
                    ledger.totals.put(sink, sinkTotals);
                    ledger.writtenTotals.put(sink, sinkTotals);
                }
            });
            log.info("opened the ledger in {}: {} records read back; {}", dataDir, ledger.recent.size(), options);
            return ledger;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new UncheckedIOException("cannot open the ledger in " + dataDir, e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing the lock file failed", e);
            }
        }
    }

    /**
     * Opens the backlog of {@code sink} in its directory and recovers what it still owes; damage found on
     * the way is cut and recorded here as dropped.
     *
     * <p>A backlog that was closed (its sink stopped, say for a reload) may be opened again; it resumes from
     * what its files hold.
     *
     * @throws IllegalStateException when the sink's backlog is already open
     * @throws UncheckedIOException  when its directory cannot be created or read
     */
    @Override
    public synchronized FileSinkBacklog openBacklog(String sink, long byteBudget) {
        if (closed) {
            throw new IllegalStateException("the ledger in " + dataDir + " is closed");
        }
        FileSinkBacklog existing = backlogs.get(sink);
        if (existing != null && !existing.isClosed()) {
            throw new IllegalStateException("sink: " + sink + " already has an open backlog (expected: one per sink)");
        }
        totals.putIfAbsent(sink, LedgerTotals.ZERO);
        try {
            FileSinkBacklog backlog = FileSinkBacklog.open(sink, dataDir.resolve(directoryName(sink)), byteBudget,
                    options, clock, this::record, channels);
            backlogs.put(sink, backlog);
            return backlog;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the backlog of sink " + sink + " in " + dataDir, e);
        }
    }

    /** The directory of a sink: its name with every byte outside {@code [A-Za-z0-9_-]} as {@code %XX}. */
    static String directoryName(String sink) {
        if (sink.isEmpty()) {
            throw new IllegalArgumentException("sink: \"\" (expected: a name)");
        }
        StringBuilder name = new StringBuilder();
        for (byte b : sink.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                name.append(c);
            } else {
                name.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return name.toString();
    }

    /**
     * Records one settlement in memory and appends it to {@code ledger.log}. A record that cannot be written
     * (disk full, I/O error) is kept, in order, with every later one, and written when a write succeeds again:
     * retried at most once a second by the next record, and at every {@link #sync}. At most
     * {@value #MAX_UNWRITTEN_RECORDS} are kept; past that the oldest are discarded and counted. The failure is
     * logged once (ERROR), and so is the recovery (INFO, with how many were written late and discarded).
     */
    @Override
    public void record(DeliveryRecord record) {
        synchronized (this) {
            if (!closed) {
                writeUnwritten(false);
                if (unwritten.isEmpty()) {
                    try {
                        append(record);
                    } catch (IOException e) {
                        keepUnwritten(record, e);
                    }
                } else {
                    keepUnwritten(record, null);
                }
            }
            remember(record);
            trackLoss(record);
        }
        // Outside the lock: a listener never holds up another sink's settlement.
        for (Consumer<DeliveryRecord> listener : listeners) {
            try {
                listener.accept(record);
            } catch (RuntimeException e) {
                log.warn("ledger listener failed on a record of sink {}; the record is kept and the other listeners run",
                        record.sink(), e);
            }
        }
    }

    // Under the lock: a drop extends its sink's loss range; a delivery may close it.
    private void trackLoss(DeliveryRecord record) {
        if (record.outcome() == DeliveryRecord.Outcome.DROPPED) {
            losses.lost(LossRange.Origin.SINK, record.sink(), record.detail(), record.dropped(), record.oldestSample(),
                    record.newestSample(), record.at());
        } else if (record.accepted() > 0) {
            losses.delivered(record.sink(), record.at());
        }
    }

    /** Records the loss in its source's range, kept in memory and appended to {@code losses}. */
    @Override
    public synchronized void recordSourceLoss(String source, long count, Instant oldest, Instant newest,
                                              String reason) {
        losses.lost(LossRange.Origin.SOURCE, source, reason, count, oldest, newest, clock.instant());
    }

    /** Loss ranges since {@code since}, as the {@code losses} file keeps them: across restarts and rotations. */
    @Override
    public synchronized List<LossRange> losses(Instant since) {
        losses.expire(clock.instant());
        return List.copyOf(losses.since(since));
    }

    // Called by the loss ranges, under the lock, for every range that changed. A failed write is logged
    // (ERROR once, until a write succeeds again) and counted; the range is still kept in memory.
    private void persistLoss(LossRange range) {
        if (closed) {
            return;
        }
        try {
            lossLog.append(range, losses::all);
            lossesFailing = false;
        } catch (IOException e) {
            writeErrors++;
            if (!lossesFailing) {
                lossesFailing = true;
                log.error("cannot append to {} in {}: {}; loss ranges are kept in memory only until it recovers",
                        LossLog.FILE, dataDir, e.toString());
            }
        }
    }

    /** The most records kept while {@code ledger.log} cannot be written (about 100 bytes each). */
    static final int MAX_UNWRITTEN_RECORDS = 100_000;
    private static final long RETRY_NANOS = 1_000_000_000L;

    private void append(DeliveryRecord record) throws IOException {
        ledgerLog.append(record, writtenTotals);
        writtenTotals.merge(record.sink(), LedgerTotals.ZERO.plus(record), LedgerTotals::sum);
    }

    private void keepUnwritten(DeliveryRecord record, IOException e) {
        if (e != null) {
            writeErrors++;
            nextRetryNanos = System.nanoTime() + RETRY_NANOS;
            if (!failing) {
                failing = true;
                log.error("cannot append to {} in {}: {}; records are kept in memory (up to {}) and written when it "
                        + "recovers", LedgerLog.FILE, dataDir, e.toString(), MAX_UNWRITTEN_RECORDS);
            }
        }
        if (unwritten.size() == MAX_UNWRITTEN_RECORDS) {
            unwritten.pollFirst();
            unwrittenDiscarded++;
        }
        unwritten.addLast(record);
    }

    // Writes the records kept while ledger.log could not be written, oldest first; stops at the first failure.
    private void writeUnwritten(boolean now) {
        if (unwritten.isEmpty() || !now && System.nanoTime() - nextRetryNanos < 0) {
            return;
        }
        int written = 0;
        while (!unwritten.isEmpty()) {
            try {
                append(unwritten.peekFirst());
            } catch (IOException e) {
                writeErrors++;
                nextRetryNanos = System.nanoTime() + RETRY_NANOS;
                log.debug("{} in {} still cannot be written: {}", LedgerLog.FILE, dataDir, e.toString());
                return;
            }
            unwritten.pollFirst();
            written++;
        }
        failing = false;
        log.info("{} in {} can be written again: wrote {} records kept meanwhile{}", LedgerLog.FILE, dataDir, written,
                unwrittenDiscarded == 0 ? "" : "; " + unwrittenDiscarded + " older ones were discarded past the bound"
                        + " of " + MAX_UNWRITTEN_RECORDS + " (the totals in memory still count them)");
        unwrittenDiscarded = 0;
    }

    /** Records kept in memory because {@code ledger.log} could not be written. */
    public synchronized int unwrittenRecords() {
        return unwritten.size();
    }

    @Override
    public void addListener(Consumer<DeliveryRecord> listener) {
        listeners.add(listener);
    }

    private void remember(DeliveryRecord record) {
        if (recent.size() == options.recentCapacity()) {
            recent.removeFirst();
        }
        recent.addLast(record);
        totals.put(record.sink(), totals.getOrDefault(record.sink(), LedgerTotals.ZERO).plus(record));
    }

    @Override
    public synchronized List<DeliveryRecord> recent(int limit) {
        List<DeliveryRecord> all = new ArrayList<>(recent);
        return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
    }

    /** Totals since the data directory was created. */
    @Override
    public synchronized LedgerTotals totals(String sink) {
        return totals.getOrDefault(sink, LedgerTotals.ZERO);
    }

    /** Fsyncs every backlog, writes their cursors, and fsyncs the ledger log. */
    @Override
    public void sync() {
        List<FileSinkBacklog> open;
        synchronized (this) {
            open = new ArrayList<>(backlogs.values());
        }
        open.forEach(FileSinkBacklog::sync);
        synchronized (this) {
            if (closed) {
                return;
            }
            writeUnwritten(true);
            try {
                lossLog.sync();
            } catch (IOException e) {
                writeErrors++;
                log.error("cannot fsync {} in {}: {}; loss ranges written so far may be lost if the machine fails, trying"
                        + " again at the next sync", LossLog.FILE, dataDir, e.toString());
            }
            try {
                ledgerLog.sync();
            } catch (IOException e) {
                writeErrors++;
                log.error("cannot fsync {} in {}: {}; records written so far may be lost if the machine fails, trying again"
                        + " at the next sync", LedgerLog.FILE, dataDir, e.toString());
            }
        }
    }

    /** Writes to the ledger log that failed since the ledger was opened. */
    public synchronized long writeErrors() {
        return writeErrors;
    }

    /**
     * Closes every backlog still open (keeping what it owes on disk), then the ledger log, then releases
     * the directory.
     */
    @Override
    public void close() {
        List<FileSinkBacklog> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            open = new ArrayList<>(backlogs.values());
        }
        open.forEach(backlog -> backlog.close(this::record));
        synchronized (this) {
            writeUnwritten(true);
            if (!unwritten.isEmpty()) {
                log.error("{} records could not be written to {} in {} and are lost with this stop; the totals it "
                        + "holds miss them", unwritten.size(), LedgerLog.FILE, dataDir);
            }
            closed = true;
            try {
                lossLog.close();
            } catch (IOException e) {
                log.error("cannot close {} in {}: {}; its torn tail, if any, is cut at the next start", LossLog.FILE, dataDir,
                        e.toString());
            }
            try {
                ledgerLog.close();
            } catch (IOException e) {
                log.error("cannot close {} in {}: {}; its torn tail, if any, is cut at the next start", LedgerLog.FILE, dataDir,
                        e.toString());
            }
            try {
                lock.release();
            } catch (IOException e) {
                log.debug("releasing the lock of {} failed", dataDir, e);
            }
            closeQuietly(lockChannel);
        }
    }
}
