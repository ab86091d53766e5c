package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink's backlog on disk, in its own directory: an append-only log of accepted samples in segment
 * files, and a cursor below which every sample is settled. Opened by {@link FileDeliveryLedger#openBacklog}.
 *
 * <p>Every appended sample gets the next sequence number and is written to the current segment before
 * {@link #append} or {@link #appendAll} returns, so it survives the process being killed; it survives the
 * machine failing once the segment is fsynced (see {@link FileDeliveryLedger.Options} for when). A sample
 * is forgotten only when it settles or is evicted: the cursor then moves over the contiguous prefix of
 * settled sequences and is made durable at the next sync.
 *
 * <p><b>Order of durable steps</b>, at every sync ({@link #sync}, a periodic one, or one every
 * {@code syncEveryAppends}): first the appends (fsync of the active segment) and the directory after a roll;
 * then the {@link BacklogState} (what the segments hold and the cursor; fsynced when a cursor follows), then, if
 * the cursor moved, the cursor file, replaced atomically and durably ({@link CursorFile#write});
 * only after that are the segments wholly below the durable cursor deleted. The cursor covers
 * settled samples only, so it need not wait for the data to be durable. A crash between the cursor and the
 * deletions leaves a redundant segment that the next open deletes; a cursor whose data is missing anyway is
 * reported, and the backlog goes on from the oldest data there is. Besides, a roll fsyncs the full segment
 * before it creates the next one.
 *
 * <p>After every append or chunk the {@link BacklogState} is overwritten too (no fsync: it must survive the
 * process, as the appends do), so that damage done to the segments after a kill -9 is still told from a drained
 * backlog at the next open; that is one more small write per chunk, not per sample.
 *
 * <p>A chunk given to {@link #appendAll} is written with one write (per MiB of frames) rather than one per
 * sample, the system call being most of the cost of an append. Until that call its samples were only in
 * memory, as they were in the ring before it, so batching makes no accepted sample less safe.
 *
 * <p>Only a window of the oldest waiting samples is held in memory (bounded by estimated heap bytes,
 * plus whatever comes back from {@link #requeue}); the rest is read back from the segments as the window
 * drains. The byte budget counts the on-disk frame bytes of waiting samples.
 *
 * <p>When a write fails (disk full, I/O error) the sample is kept in memory instead, and so is every later
 * one until a write succeeds again, retried at most once a second; the budget still bounds them. They are
 * delivered as usual meanwhile. Those still waiting are written once the disk recovers; those sent
 * meanwhile are never written, and a crash before recovery loses every sample that was not written: their
 * count and time range are kept in the {@link BacklogState} (overwritten in place, which needs no free space), so
 * the next open records the loss. A close that still cannot write them reports them as dropped.
 *
 * <p>Its parts, each tested alone: the {@link SegmentLog} (segment files: append, roll, read back, delete,
 * scan at open), the {@link CursorFile} (the durable cursor's format and atomic write), the
 * {@link SettledCursor} (which sequences are settled), the {@link MemoryWindow} (which waiting samples are in
 * memory, on disk only, or unwritten), the {@link RequeuedBatches}, the {@link OverBudgetEviction} and the
 * {@link WriteFailures} (when to retry a failing disk, and what to log). This class gives out batches and holds
 * those in flight, writes intake chunks, schedules syncs, and keeps the order of durable steps above.
 *
 * <p>Owned by its sink's pipeline thread; every method is synchronized so that {@link #sync}, and the counts
 * an admin page reads, may come from another thread. The parts are not thread-safe and are used under this
 * lock only. Periodic syncs happen inside the sink thread's calls, {@link #pendingSamples} included, so an idle
 * sink thread syncs when it next wakes.
 */
public final class FileSinkBacklog implements SinkBacklog {
    private static final Logger log = LoggerFactory.getLogger(FileSinkBacklog.class);

    // File names, for the tests that open the files themselves.
    static final String CURSOR_FILE = CursorFile.NAME;
    static final String CURSOR_TEMP_FILE = CursorFile.TEMP_NAME;
    static final String SEGMENT_SUFFIX = SegmentLog.SUFFIX;
    static final String STATE_FILE = BacklogState.NAME;
    // The most one write of a chunk's frames takes (a larger frame is written alone), so that no chunk
    // makes a large buffer.
    private static final int PIECE_BYTES = 1 << 20;

    /** Opens segment files; tests substitute one that fails on demand. */
    interface SegmentChannels {
        SegmentChannels DEFAULT = OwnerOnlyFiles::open;

        FileChannel open(Path path, StandardOpenOption... options) throws IOException;
    }

    private final String sink;
    private final Path dir;
    private final long syncIntervalNanos;
    private final int syncEveryAppends;
    private final Clock clock;
    private final Consumer<DeliveryRecord> report;

    private final CursorFile cursorFile;
    private final BacklogState state;
    private final SegmentLog segments;
    private final SettledCursor settled = new SettledCursor();
    private final MemoryWindow window;
    private final RequeuedBatches requeued = new RequeuedBatches();
    private final OverBudgetEviction eviction;
    private final WriteFailures failures;

    private final Sample[] one = new Sample[1];
    // The frames of a chunk not yet written, and their entries (as they will be once written). Direct, so that the
    // channel writes it without first copying it into a direct buffer of its own.
    private ByteBuffer pieceBytes = ByteBuffer.allocateDirect(64 << 10);
    private final List<SequencedSample> piece = new ArrayList<>();

    private final Map<Long, List<SequencedSample>> inFlight = new HashMap<>();
    private long inFlightSamples;
    private long nextBatchId;

    private long lastWriteAt;
    // Owed samples not on disk as the state file last recorded them.
    private long stateNotOnDisk;
    private long lastSyncNanos = System.nanoTime();
    private int appendsSinceSync;
    private boolean closed;

    private FileSinkBacklog(String sink, Path dir, long byteBudget, FileDeliveryLedger.Options options, Clock clock,
                            Consumer<DeliveryRecord> report, SegmentChannels channels) {
        this.sink = sink;
        this.dir = dir;
        this.syncIntervalNanos = options.syncInterval().toNanos();
        this.syncEveryAppends = options.syncEveryAppends();
        this.clock = clock;
        this.report = report;
        this.cursorFile = new CursorFile(sink, dir);
        this.state = new BacklogState(dir);
        this.segments = new SegmentLog(sink, dir, options.segmentBytes(), channels, clock, report);
        this.window = new MemoryWindow(sink, options.memoryWindowBytes(), segments, settled, clock, report);
        this.eviction = new OverBudgetEviction(sink, byteBudget, requeued, window, settled, clock);
        this.failures = new WriteFailures(sink, dir, byteBudget);
    }

    /**
     * Opens the backlog in {@code dir}, recovering what it still owes. A torn or corrupt tail is cut and
     * reported to {@code report}; only an I/O error that leaves the directory unusable throws.
     */
    static FileSinkBacklog open(String sink, Path dir, long byteBudget, FileDeliveryLedger.Options options,
                                Clock clock, Consumer<DeliveryRecord> report) throws IOException {
        return open(sink, dir, byteBudget, options, clock, report, SegmentChannels.DEFAULT);
    }

    static FileSinkBacklog open(String sink, Path dir, long byteBudget, FileDeliveryLedger.Options options,
                                Clock clock, Consumer<DeliveryRecord> report, SegmentChannels channels)
            throws IOException {
        if (byteBudget < 1) {
            throw new IllegalArgumentException("byteBudget: " + byteBudget + " (expected: >= 1)");
        }
        OwnerOnlyFiles.createDirectories(dir);
        FileSinkBacklog backlog = new FileSinkBacklog(sink, dir, byteBudget, options, clock, report, channels);
        backlog.recover();
        return backlog;
    }

    private void recover() throws IOException {
        if (cursorFile.deleteUnfinishedUpdate()) {
            log.info("sink {}: ignored an unfinished cursor update in {}", sink, dir);
        }
        long fileCursor = cursorFile.read();
        BacklogState.Snapshot expected = state.read();
        long durableCursor = Math.max(0, fileCursor);
        if (expected != null && fileCursor > expected.cursor()) {
            // The state is written, durably, before every cursor: a cursor ahead of it was not written by a sync.
            log.warn("sink {}: the cursor in {} is at sequence {}, ahead of sequence {} that the backlog recorded as "
                    + "settled: it was moved or damaged; resending from {}", sink, dir.resolve(CURSOR_FILE),
                    fileCursor, expected.cursor(), expected.cursor());
            durableCursor = expected.cursor();
        } else if (expected == null && fileCursor >= 0) {
            log.warn("sink {}: {} has a cursor but no {} file (expected only after an upgrade): damage to its "
                    + "segments since the last stop cannot be told from a drained backlog this once", sink, dir,
                    STATE_FILE);
        }
        long start = durableCursor;
        window.startAt(start);
        segments.recover(start, expected, (seq, frameBytes) -> window.recovered(start, seq, frameBytes));
        settled.startAt(start);
        if (expected != null && expected.notOnDisk() > 0) {
            String detail = "lost in a crash: " + expected.notOnDisk() + " samples were held in memory only, "
                    + "because writing to " + dir + " failed (disk full or failing)";
            log.warn("sink {}: {}", sink, detail);
            report.accept(DeliveryRecord.dropped(sink, (int) Math.min(Integer.MAX_VALUE, expected.notOnDisk()),
                    clock.instant(), expected.oldestNotOnDisk(), expected.newestNotOnDisk(), detail));
        }
        window.refill(0);
        if (eviction.overBudget()) {
            eviction.evict(report);
        }
        // From now on the state describes this directory as it is, so nothing above is reported twice.
        writeState(true, true);
        log.info("sink {}: opened its backlog in {}: {} samples ({} bytes) waiting from sequence {}", sink, dir,
                waitingSamples(), eviction.waitingBytes(), settled.cursor());
    }

    // ---------------------------------------------------------------- the SinkBacklog contract

    @Override
    public synchronized void append(Sample sample, Consumer<DeliveryRecord> evicted) {
        requireOpen();
        one[0] = sample;
        try {
            appendChunk(one, 1, evicted);
            writeState(false, true);
        } finally {
            one[0] = null;
        }
    }

    /**
     * Writes the whole chunk to the segments before it returns, with one write (one per MiB of frames, and one
     * more where a segment rolls); otherwise as {@link #append} one by one.
     */
    @Override
    public synchronized void appendAll(Sample[] samples, int count, Consumer<DeliveryRecord> evicted) {
        requireOpen();
        appendChunk(samples, count, evicted);
        writeState(false, true);
    }

    private void appendChunk(Sample[] samples, int count, Consumer<DeliveryRecord> evicted) {
        maintain();
        long room = segments.room();
        for (int i = 0; i < count; i++) {
            Sample sample = samples[i];
            long seq = window.nextSequence();
            ByteBuffer encoded = segments.encode(seq, sample);
            int frameBytes = encoded.remaining();
            if (frameBytes - LogFrames.HEADER_BYTES > LogFrames.MAX_PAYLOAD_BYTES) {
                settled.add(seq, seq + 1);
                settled.advance();
                evicted.accept(DeliveryRecord.dropped(sink, 1, clock.instant(), sample.timestamp(),
                        sample.timestamp(), "sample of " + frameBytes + " bytes is larger than a ledger record may be ("
                                + LogFrames.MAX_PAYLOAD_BYTES + ")"));
                continue;
            }
            // A piece ends where the segment would roll, so the segments come out as single appends make them.
            if (!piece.isEmpty() && pieceBytes.position() + frameBytes > Math.min(room, PIECE_BYTES)) {
                writePiece(pieceBytes.flip());
                room = segments.room();
            }
            if (piece.isEmpty() && frameBytes > room) {
                room = segments.segmentBytes(); // the write rolls first
            }
            SequencedSample entry = new SequencedSample(seq, sample, frameBytes, true);
            if (frameBytes > PIECE_BYTES) {
                piece.add(entry);
                writePiece(encoded);
                room = segments.room();
                continue;
            }
            if (pieceBytes.remaining() < frameBytes) {
                growPiece(frameBytes);
            }
            pieceBytes.put(encoded);
            piece.add(entry);
        }
        if (!piece.isEmpty()) {
            writePiece(pieceBytes.flip());
        }
        if (eviction.overBudget()) {
            eviction.evict(evicted);
        }
        if (syncEveryAppends > 0 && appendsSinceSync >= syncEveryAppends) {
            syncNow();
        }
    }

    @Override
    public synchronized Batch takeBatch(int max) {
        requireOpen();
        maintain();
        RequeuedBatches.Requeued again = requeued.pollOldest();
        if (again != null) {
            inFlight.put(again.batch().id(), again.samples());
            inFlightSamples += again.samples().size();
            return again.batch().nextAttempt();
        }
        window.refillForBatch(max);
        // Sized for what the window holds now: grown from a small list, a batch of 16,000 copied its array six times.
        List<SequencedSample> taken = new ArrayList<>((int) Math.max(1, Math.min(max, window.samplesInMemory())));
        while (taken.size() < max) {
            SequencedSample entry = window.takeOldest(max - taken.size());
            if (entry == null) {
                break;
            }
            taken.add(entry);
        }
        if (taken.isEmpty()) {
            return null;
        }
        List<Sample> samples = new ArrayList<>(taken.size());
        for (SequencedSample entry : taken) {
            samples.add(entry.sample());
        }
        Batch batch = new Batch(nextBatchId++, samples);
        inFlight.put(batch.id(), taken);
        inFlightSamples += taken.size();
        return batch;
    }

    @Override
    public synchronized void requeue(Batch batch) {
        requireOpen();
        requeued.add(batch, removeInFlight(batch));
        maintain();
    }

    @Override
    public synchronized void settle(Batch batch) {
        requireOpen();
        List<SequencedSample> entries = removeInFlight(batch);
        long from = entries.get(0).seq();
        long to = from + 1;
        for (int i = 1; i < entries.size(); i++) {
            long seq = entries.get(i).seq();
            if (seq != to) {
                settled.add(from, to);
                from = seq;
            }
            to = seq + 1;
        }
        settled.add(from, to);
        settled.advance();
        maintain();
        recordNotOnDisk();
    }

    private List<SequencedSample> removeInFlight(Batch batch) {
        List<SequencedSample> entries = inFlight.remove(batch.id());
        if (entries == null) {
            throw new IllegalStateException("batch " + batch.id() + " of sink " + sink + " is not in flight");
        }
        inFlightSamples -= entries.size();
        return entries;
    }

    @Override
    public synchronized long pendingSamples() {
        if (!closed) {
            maintain();
        }
        return waitingSamples() + inFlightSamples;
    }

    /** On-disk frame bytes of the samples waiting (not in flight), the measure of the byte budget. */
    @Override
    public synchronized long pendingBytes() {
        return eviction.waitingBytes();
    }

    @Override
    public synchronized long waitingSamples() {
        return requeued.samples() + window.samples();
    }

    /**
     * Keeps everything still owed on disk for the next open, which resends it. Reports as dropped only the
     * samples that could not be written (see the class comment); in-flight batches are resent too.
     */
    @Override
    public synchronized void close(Consumer<DeliveryRecord> dropped) {
        if (closed) {
            return;
        }
        if (window.hasUnwritten()) {
            retryUnwritten();
        }
        syncNow();
        closed = true;
        List<SequencedSample> lost = new ArrayList<>();
        window.addUnwrittenTo(lost);
        requeued.addNotOnDiskTo(lost);
        window.addWindowNotOnDiskTo(lost);
        inFlight.values().forEach(entries -> entries.stream().filter(e -> !e.onDisk()).forEach(lost::add));
        if (!lost.isEmpty()) {
            // Reported below: the next open must not report them again.
            writeState(true, false);
        }
        segments.release();
        state.release();
        if (!lost.isEmpty()) {
            List<Sample> samples = lost.stream().map(SequencedSample::sample).toList();
            dropped.accept(DeliveryRecord.dropped(sink, samples, clock.instant(),
                    "not on disk at shutdown: writing the backlog failed"));
        }
        log.info("sink {}: closed its backlog with {} samples owed on disk", sink, pendingSamples() - lost.size());
    }

    /** Whether {@link #close} was called; a closed backlog may be opened again by its ledger. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Makes every sample appended and every settlement so far durable. */
    public synchronized void sync() {
        if (closed) {
            return;
        }
        if (window.hasUnwritten()) {
            retryUnwritten();
        }
        syncNow();
    }

    /** Syncs as {@link #sync} does; false when a sample is still unwritten or a write or the sync failed. */
    @Override
    public synchronized boolean syncAppends() {
        if (closed) {
            return false;
        }
        long errorsBefore = writeErrors();
        sync();
        return !window.hasUnwritten() && writeErrors() == errorsBefore;
    }

    /** Waiting samples held in memory; the rest of the backlog is on disk only. */
    public synchronized int samplesInMemory() {
        return requeued.samples() + window.samplesInMemory();
    }

    /** Every sequence below this one is settled (the in-memory cursor; the durable one follows at a sync). */
    synchronized long cursor() {
        return settled.cursor();
    }

    /** Writes and syncs that failed since the backlog was opened. */
    public synchronized long writeErrors() {
        return failures.errors() + segments.rollSyncFailures();
    }

    // ---------------------------------------------------------------- writing

    private void growPiece(int frameBytes) {
        int capacity = pieceBytes.capacity();
        while (capacity - pieceBytes.position() < frameBytes) {
            capacity *= 2;
        }
        ByteBuffer grown = ByteBuffer.allocateDirect(Math.min(capacity, PIECE_BYTES));
        grown.put(pieceBytes.flip());
        pieceBytes = grown;
    }

    /**
     * Writes the frames of the entries in {@code piece}, all in {@code bytes}, with one write, and places
     * the entries as written; when it fails, or samples already wait unwritten, they join the unwritten
     * run. Empties the piece.
     */
    private void writePiece(ByteBuffer bytes) {
        if (!window.hasUnwritten() && write(bytes, piece.get(0).seq(), piece.get(piece.size() - 1).seq(),
                piece.size())) {
            long at = lastWriteAt;
            int index = segments.activeRecords() - piece.size();
            for (SequencedSample entry : piece) {
                window.placeWritten(entry, at, index++);
                at += entry.frameBytes();
            }
        } else {
            for (SequencedSample entry : piece) {
                window.addUnwritten(new SequencedSample(entry.seq(), entry.sample(), entry.frameBytes(), false));
            }
        }
        piece.clear();
        pieceBytes.clear();
    }

    /** Appends {@code records} whole frames to the segment log; false when it failed, and nothing was written. */
    private boolean write(ByteBuffer encoded, long seq, long lastSeq, int records) {
        try {
            lastWriteAt = segments.append(encoded, seq, lastSeq, records);
            appendsSinceSync += records;
            failures.writeSucceeded();
            return true;
        } catch (IOException e) {
            failures.writeFailed(e, System.nanoTime());
            return false;
        }
    }

    private void retryUnwritten() {
        while (window.hasUnwritten()) {
            SequencedSample entry = window.firstUnwritten();
            if (!write(segments.encode(entry.seq(), entry.sample()), entry.seq(), entry.seq(), 1)) {
                return;
            }
            window.placeFirstUnwritten(lastWriteAt, segments.activeRecords() - 1);
        }
    }

    // ---------------------------------------------------------------- syncing

    private void maintain() {
        long now = System.nanoTime();
        if (window.hasUnwritten() && failures.retryDue(now)) {
            retryUnwritten();
        }
        if ((segments.dirty() || settled.aheadOfDurable()) && now - lastSyncNanos >= syncIntervalNanos) {
            syncNow();
        }
    }

    // The order of durable steps of the class comment.
    private void syncNow() {
        lastSyncNanos = System.nanoTime();
        appendsSinceSync = 0;
        try {
            segments.force();
        } catch (IOException e) {
            failures.failed("sync", e);
        }
        // The state first, durably when a cursor follows it: a cursor is never ahead of the state that knew it.
        boolean stateWritten = writeState(settled.aheadOfDurable(), true);
        if (settled.aheadOfDurable() && stateWritten) {
            long cursor = settled.cursor();
            try {
                cursorFile.write(cursor);
                settled.madeDurable(cursor);
                segments.deleteSettled(cursor, window.hasDiskOnly());
            } catch (IOException e) {
                failures.failed("write the cursor of", e);
            }
        }
    }

    /**
     * Overwrites the state file with what the backlog holds now (see {@link BacklogState}); its owed samples not
     * on disk only when {@code withNotOnDisk}. False when it failed (counted and logged as a write failure).
     */
    private boolean writeState(boolean durable, boolean withNotOnDisk) {
        long count = 0;
        Instant oldest = null;
        Instant newest = null;
        // Samples get off the disk only by a failed write, which joins the unwritten run first.
        if (withNotOnDisk && (window.hasUnwritten() || stateNotOnDisk > 0)) {
            List<SequencedSample> notOnDisk = notOnDiskOutsideWindow();
            count = notOnDisk.size() + window.unwrittenSamples();
            // The unwritten run is in sequence order, so close to time order: its ends stand for its range.
            if (window.hasUnwritten()) {
                notOnDisk.add(window.firstUnwritten());
                notOnDisk.add(window.lastUnwritten());
            }
            for (SequencedSample entry : notOnDisk) {
                Instant at = entry.sample().timestamp();
                oldest = oldest == null || at.isBefore(oldest) ? at : oldest;
                newest = newest == null || at.isAfter(newest) ? at : newest;
            }
        }
        try {
            state.write(new BacklogState.Snapshot(settled.cursor(), window.peekNextSequence(), count, oldest, newest,
                    true, segments.expectations()), durable);
            stateNotOnDisk = count;
            return true;
        } catch (IOException e) {
            failures.failed("write the state of", e);
            return false;
        }
    }

    // While samples are held in memory only, keeps their count in the state file as they settle, so that a crash
    // before the disk recovers is recorded as a loss of no more than were owed.
    private void recordNotOnDisk() {
        if (window.hasUnwritten() || stateNotOnDisk > 0) {
            long count = window.unwrittenSamples() + notOnDiskOutsideWindow().size();
            if (count != stateNotOnDisk) {
                writeState(false, true);
            }
        }
    }

    // Requeued and in-flight samples whose write failed; the window's unwritten run is counted apart.
    private List<SequencedSample> notOnDiskOutsideWindow() {
        List<SequencedSample> notOnDisk = new ArrayList<>();
        requeued.addNotOnDiskTo(notOnDisk);
        for (List<SequencedSample> entries : inFlight.values()) {
            for (SequencedSample entry : entries) {
                if (!entry.onDisk()) {
                    notOnDisk.add(entry);
                }
            }
        }
        return notOnDisk;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the backlog of sink " + sink + " is closed");
        }
    }
}
