package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
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
 * settled sequences, is written atomically at the next sync, and only after that are the segments wholly
 * below it deleted. A crash between the two leaves a redundant segment that the next open deletes.
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
 * meanwhile are never written, and a crash before recovery loses every sample that was not written. A
 * close that still cannot write them reports them as dropped.
 *
 * <p>Owned by its sink's pipeline thread; every method is synchronized so that {@link #sync} may come from
 * another thread. Periodic syncs happen inside the sink thread's calls, {@link #pendingSamples} included,
 * so an idle sink thread syncs when it next wakes.
 */
public final class FileSinkBacklog implements SinkBacklog {
    private static final Logger log = LoggerFactory.getLogger(FileSinkBacklog.class);

    static final String CURSOR_FILE = "cursor";
    static final String CURSOR_TEMP_FILE = "cursor.tmp";
    static final String SEGMENT_SUFFIX = ".seg";
    // "CCUR", then the sequence, then a CRC32C of the 12 bytes before it.
    private static final int CURSOR_MAGIC = 0x43435552;
    private static final int CURSOR_BYTES = 16;
    private static final int SEQUENCE_BYTES = 8;
    private static final long WRITE_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    // The most one write of a chunk's frames takes (a larger frame is written alone), so that no chunk
    // makes a large buffer.
    private static final int PIECE_BYTES = 1 << 20;

    private record Entry(long seq, Sample sample, int frameBytes, boolean onDisk) {
    }

    /** A batch put back after a failed attempt, held whole until it is taken again or evicted. */
    private record Requeued(Batch batch, List<Entry> entries, long frameBytes) {
    }

    /** Opens segment files; tests substitute one that fails on demand. */
    interface SegmentChannels {
        SegmentChannels DEFAULT = FileChannel::open;

        FileChannel open(Path path, StandardOpenOption... options) throws IOException;
    }

    private static final class Segment {
        final long baseSeq;
        final Path path;
        final SegmentChannels channels;
        long size;
        int records;
        FileChannel channel;

        Segment(long baseSeq, Path path, SegmentChannels channels) {
            this.baseSeq = baseSeq;
            this.path = path;
            this.channels = channels;
        }

        FileChannel channel() throws IOException {
            if (channel == null) {
                channel = channels.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            return channel;
        }

        void release() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    log.debug("closing {} failed", path, e);
                }
                channel = null;
            }
        }
    }

    private final String sink;
    private final Path dir;
    private final long byteBudget;
    private final long memoryWindowBytes;
    private final long segmentBytes;
    private final long syncIntervalNanos;
    private final int syncEveryAppends;
    private final Clock clock;
    private final Consumer<DeliveryRecord> report;
    private final SegmentChannels channels;
    private final CompactWriter frame = new CompactWriter();
    private final Sample[] one = new Sample[1];
    // The frames of a chunk not yet written, and their entries (as they will be once written). Direct, so that the
    // channel writes it without first copying it into a direct buffer of its own.
    private ByteBuffer pieceBytes = ByteBuffer.allocateDirect(64 << 10);
    private final List<Entry> piece = new ArrayList<>();

    // Waiting samples, oldest first, in three runs: memory (seq < every disk seq), then the disk-only run
    // from the reader onwards, then the unwritten run (seq > every written seq).
    private final ArrayDeque<Entry> memory = new ArrayDeque<>();
    private long memoryHeapBytes;
    private long memoryFrameBytes;
    private long diskSamples;
    private long diskBytes;
    private final ArrayDeque<Entry> unwritten = new ArrayDeque<>();
    private long unwrittenBytes;

    private final Map<Long, List<Entry>> inFlight = new HashMap<>();
    private long inFlightSamples;
    private long nextBatchId;
    // Waiting too, ahead of the three runs above: by batch id, which is sample order (see requeue).
    private final TreeMap<Long, Requeued> requeued = new TreeMap<>();
    private int requeuedSamples;
    private long requeuedFrameBytes;

    private final SettledRanges settled = new SettledRanges();
    private long cursor;
    private long durableCursor;
    private long nextSeq;

    private final List<Segment> segments = new ArrayList<>();
    private Segment active;
    private boolean activeBroken;
    private long lastWriteAt;
    // The next disk-only sample is the frame at the reader's position in readSegment; lastDiskSeq is the
    // sequence of the frame before it, so every sample in memory or in flight has a sequence <= lastDiskSeq.
    private Segment readSegment;
    private LogFrames.Reader reader;
    private int readIndex;
    private long lastDiskSeq = -1;

    private boolean dirtyData;
    private boolean dirtyDir;
    private long lastSyncNanos = System.nanoTime();
    private int appendsSinceSync;
    private boolean failing;
    private long nextWriteRetryNanos;
    private long writeErrors;
    private boolean closed;

    private FileSinkBacklog(String sink, Path dir, long byteBudget, FileDeliveryLedger.Options options, Clock clock,
                            Consumer<DeliveryRecord> report, SegmentChannels channels) {
        this.sink = sink;
        this.dir = dir;
        this.byteBudget = byteBudget;
        this.memoryWindowBytes = options.memoryWindowBytes();
        this.segmentBytes = options.segmentBytes();
        this.syncIntervalNanos = options.syncInterval().toNanos();
        this.syncEveryAppends = options.syncEveryAppends();
        this.clock = clock;
        this.report = report;
        this.channels = channels;
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
        Files.createDirectories(dir);
        FileSinkBacklog backlog = new FileSinkBacklog(sink, dir, byteBudget, options, clock, report, channels);
        backlog.recover();
        return backlog;
    }

    // ---------------------------------------------------------------- recovery

    private void recover() throws IOException {
        if (Files.deleteIfExists(dir.resolve(CURSOR_TEMP_FILE))) {
            log.info("sink {}: ignored an unfinished cursor update in {}", sink, dir);
        }
        long start = readCursor();
        List<Segment> found = listSegments();
        if (start > 0) {
            while (found.size() >= 2 && found.get(1).baseSeq <= start) {
                Segment settledSegment = found.remove(0);
                Files.deleteIfExists(settledSegment.path);
                log.debug("sink {}: deleted {}, settled before the last stop", sink, settledSegment.path);
            }
            if (!found.isEmpty() && found.get(0).baseSeq > start) {
                long missing = found.get(0).baseSeq - start;
                log.warn("sink {}: the cursor is at sequence {} but the oldest segment {} starts at {}: up to {} "
                        + "samples are missing; continuing from the oldest data on disk", sink, start,
                        found.get(0).path.getFileName(), found.get(0).baseSeq, missing);
                report.accept(dropRecord((int) Math.min(Integer.MAX_VALUE, missing), null, null,
                        "segment data before sequence " + found.get(0).baseSeq + " is missing from " + dir
                                + " (the cursor was at " + start + ")"));
            }
        } else if (start < 0) {
            start = 0;
        }
        long lastSeq = start - 1;
        long expected = start;
        boolean readerSet = false;
        for (Segment segment : found) {
            FileChannel channel = segment.channel();
            long size = channel.size();
            LogFrames.Reader scan = new LogFrames.Reader(channel, 0, size);
            while (true) {
                long at = scan.position();
                ByteBuffer payload = scan.next();
                String problem = scan.problem();
                if (payload == null && problem == null) {
                    break;
                }
                long seq = -1;
                if (payload != null) {
                    if (payload.remaining() < SEQUENCE_BYTES) {
                        problem = "payload: " + payload.remaining() + " bytes (expected: at least " + SEQUENCE_BYTES + ")";
                    } else if ((seq = payload.getLong(0)) <= lastSeq && seq >= start) {
                        problem = "sequence: " + seq + " (expected: > " + lastSeq + ")";
                    }
                }
                if (problem != null) {
                    scan.seek(at);
                    cutTail(segment, scan, at, problem, start);
                    size = at;
                    break;
                }
                segment.records++;
                if (seq < start) {
                    lastDiskSeq = seq;
                    continue;
                }
                if (!readerSet) {
                    readSegment = segment;
                    reader = new LogFrames.Reader(channel, at, size);
                    readIndex = segment.records - 1;
                    readerSet = true;
                }
                if (seq > expected) {
                    settled.add(expected, seq);
                }
                expected = seq + 1;
                lastSeq = seq;
                diskSamples++;
                diskBytes += scan.lastFrameBytes();
            }
            segment.size = size;
            if (segment != readSegment) {
                segment.release();
            }
            if (size == 0) {
                Files.deleteIfExists(segment.path);
            } else {
                segments.add(segment);
            }
        }
        if (reader != null) {
            reader.limit(readSegment.size);
        }
        nextSeq = Math.max(start, lastSeq + 1);
        durableCursor = start;
        cursor = settled.advance(start);
        refill(0);
        if (waitingBytes() > byteBudget) {
            evict(report);
        }
        log.info("sink {}: opened its backlog in {}: {} samples ({} bytes) waiting from sequence {}", sink, dir,
                waitingSamples(), waitingBytes(), cursor);
    }

    /** The durable cursor, or -1 when there is none or it cannot be read. */
    private long readCursor() {
        Path path = dir.resolve(CURSOR_FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            log.warn("sink {}: cannot read {}: {}; resending everything still on disk", sink, path, e.toString());
            return -1;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, Math.min(bytes.length, CURSOR_BYTES - 4));
        if (bytes.length != CURSOR_BYTES || buffer.getInt(0) != CURSOR_MAGIC
                || buffer.getInt(CURSOR_BYTES - 4) != (int) crc.getValue() || buffer.getLong(4) < 0) {
            log.warn("sink {}: {} is corrupt ({} bytes); resending everything still on disk", sink, path,
                    bytes.length);
            return -1;
        }
        return buffer.getLong(4);
    }

    private List<Segment> listSegments() throws IOException {
        List<Segment> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SEGMENT_SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String digits = name.substring(0, name.length() - SEGMENT_SUFFIX.length());
                if (digits.length() != 20 || !digits.chars().allMatch(Character::isDigit)) {
                    log.warn("sink {}: ignoring {}, not a segment name", sink, file);
                    continue;
                }
                found.add(new Segment(Long.parseLong(digits), file, channels));
            }
        }
        found.sort((a, b) -> Long.compare(a.baseSeq, b.baseSeq));
        return found;
    }

    // Cuts a segment at its first bad frame, tallying what the cut removes, and reports it.
    private void cutTail(Segment segment, LogFrames.Reader scan, long at, String problem, long start)
            throws IOException {
        long size = segment.channel().size();
        int records = 0;
        Instant oldest = null;
        Instant newest = null;
        do {
            records++;
            if (!scan.skip()) {
                break;
            }
            ByteBuffer payload;
            while ((payload = scan.next()) != null) {
                records++;
                try {
                    if (payload.getLong(0) >= start) {
                        Instant ts = SampleCodec.decode(payload.position(SEQUENCE_BYTES)).timestamp();
                        oldest = oldest == null || ts.isBefore(oldest) ? ts : oldest;
                        newest = newest == null || ts.isAfter(newest) ? ts : newest;
                    }
                } catch (RuntimeException e) {
                    log.debug("sink {}: an intact frame after the cut does not decode", sink, e);
                }
            }
        } while (scan.problem() != null);
        long cut = size - at;
        String detail = "cut " + cut + " bytes (" + records + " records) of a torn or corrupt tail from "
                + segment.path + " at offset " + at + ": " + problem;
        log.warn("sink {}: {}", sink, detail);
        try {
            segment.channel().truncate(at);
            segment.channel().force(true);
        } catch (IOException e) {
            log.error("sink {}: cannot truncate {} at {}: {}; the tail is ignored instead", sink, segment.path, at,
                    e.toString());
        }
        report.accept(dropRecord(records, oldest, newest, detail));
    }

    // ---------------------------------------------------------------- the SinkBacklog contract

    @Override
    public synchronized void append(Sample sample, Consumer<DeliveryRecord> evicted) {
        requireOpen();
        one[0] = sample;
        try {
            appendChunk(one, 1, evicted);
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
    }

    private void appendChunk(Sample[] samples, int count, Consumer<DeliveryRecord> evicted) {
        maintain();
        long room = segmentRoom();
        for (int i = 0; i < count; i++) {
            Sample sample = samples[i];
            long seq = nextSeq++;
            ByteBuffer encoded = encode(seq, sample);
            int frameBytes = encoded.remaining();
            if (frameBytes - LogFrames.HEADER_BYTES > LogFrames.MAX_PAYLOAD_BYTES) {
                settled.add(seq, seq + 1);
                cursor = settled.advance(cursor);
                evicted.accept(dropRecord(1, sample.timestamp(), sample.timestamp(), "sample of " + frameBytes
                        + " bytes is larger than a ledger record may be (" + LogFrames.MAX_PAYLOAD_BYTES + ")"));
                continue;
            }
            // A piece ends where the segment would roll, so the segments come out as single appends make them.
            if (!piece.isEmpty() && pieceBytes.position() + frameBytes > Math.min(room, PIECE_BYTES)) {
                writePiece(pieceBytes.flip());
                room = segmentRoom();
            }
            if (piece.isEmpty() && frameBytes > room) {
                room = segmentBytes; // the write rolls first
            }
            Entry entry = new Entry(seq, sample, frameBytes, true);
            if (frameBytes > PIECE_BYTES) {
                piece.add(entry);
                writePiece(encoded);
                room = segmentRoom();
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
        if (waitingBytes() > byteBudget) {
            evict(evicted);
        }
        if (syncEveryAppends > 0 && appendsSinceSync >= syncEveryAppends) {
            syncNow();
        }
    }

    @Override
    public synchronized Batch takeBatch(int max) {
        requireOpen();
        maintain();
        if (!requeued.isEmpty()) {
            Requeued again = requeued.pollFirstEntry().getValue();
            requeuedSamples -= again.entries().size();
            requeuedFrameBytes -= again.frameBytes();
            inFlight.put(again.batch().id(), again.entries());
            inFlightSamples += again.entries().size();
            return again.batch().nextAttempt();
        }
        if (diskSamples > 0 && (memoryHeapBytes < memoryWindowBytes / 2 || memory.size() < max)) {
            refill(max);
        }
        List<Entry> taken = new ArrayList<>(Math.min(max, 1024));
        while (taken.size() < max) {
            Entry entry = memory.pollFirst();
            if (entry != null) {
                memoryHeapBytes -= entry.sample().estimatedBytes();
                memoryFrameBytes -= entry.frameBytes();
            } else if (diskSamples > 0) {
                refill(max - taken.size());
                if (memory.isEmpty() && diskSamples > 0) {
                    break;
                }
                continue;
            } else if ((entry = unwritten.pollFirst()) != null) {
                unwrittenBytes -= entry.frameBytes();
            } else {
                break;
            }
            taken.add(entry);
        }
        if (taken.isEmpty()) {
            return null;
        }
        List<Sample> samples = new ArrayList<>(taken.size());
        for (Entry entry : taken) {
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
        List<Entry> entries = removeInFlight(batch);
        long frameBytes = 0;
        for (Entry entry : entries) {
            frameBytes += entry.frameBytes();
        }
        // Batches are taken oldest first, so id order is sample order even when they fail out of order.
        requeued.put(batch.id(), new Requeued(batch, entries, frameBytes));
        requeuedSamples += entries.size();
        requeuedFrameBytes += frameBytes;
        maintain();
    }

    @Override
    public synchronized void settle(Batch batch) {
        requireOpen();
        List<Entry> entries = removeInFlight(batch);
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
        cursor = settled.advance(cursor);
        maintain();
    }

    private List<Entry> removeInFlight(Batch batch) {
        List<Entry> entries = inFlight.remove(batch.id());
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
        return waitingBytes();
    }

    @Override
    public synchronized long waitingSamples() {
        return requeuedSamples + memory.size() + diskSamples + unwritten.size();
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
        if (!unwritten.isEmpty()) {
            retryUnwritten();
        }
        syncNow();
        closed = true;
        List<Entry> lost = new ArrayList<>(unwritten);
        requeued.values().forEach(again -> again.entries().stream().filter(e -> !e.onDisk()).forEach(lost::add));
        memory.stream().filter(e -> !e.onDisk()).forEach(lost::add);
        inFlight.values().forEach(entries -> entries.stream().filter(e -> !e.onDisk()).forEach(lost::add));
        for (Segment segment : segments) {
            segment.release();
        }
        if (!lost.isEmpty()) {
            List<Sample> samples = lost.stream().map(Entry::sample).toList();
            dropped.accept(dropRecord(samples, "not on disk at shutdown: writing the backlog failed"));
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
        if (!unwritten.isEmpty()) {
            retryUnwritten();
        }
        syncNow();
    }

    /** Waiting samples held in memory; the rest of the backlog is on disk only. */
    public synchronized int samplesInMemory() {
        return requeuedSamples + memory.size() + unwritten.size();
    }

    /** Every sequence below this one is settled (the in-memory cursor; the durable one follows at a sync). */
    synchronized long cursor() {
        return cursor;
    }

    /** Writes and syncs that failed since the backlog was opened. */
    public synchronized long writeErrors() {
        return writeErrors;
    }

    // ---------------------------------------------------------------- writing

    private ByteBuffer encode(long seq, Sample sample) {
        frame.reset(LogFrames.HEADER_BYTES);
        frame.writeLong(seq);
        SampleCodec.encode(sample, frame);
        return LogFrames.seal(frame);
    }

    // What the active segment takes before the next write rolls it; a whole segment when that write rolls.
    private long segmentRoom() {
        if (active == null || activeBroken || active.size == 0) {
            return segmentBytes;
        }
        return segmentBytes - active.size;
    }

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
        if (unwritten.isEmpty() && write(bytes, piece.get(0).seq(), piece.size())) {
            long at = lastWriteAt;
            int index = active.records - piece.size();
            for (Entry entry : piece) {
                placeWritten(entry, at, index++);
                at += entry.frameBytes();
            }
        } else {
            for (Entry entry : piece) {
                unwritten.addLast(new Entry(entry.seq(), entry.sample(), entry.frameBytes(), false));
                unwrittenBytes += entry.frameBytes();
            }
        }
        piece.clear();
        pieceBytes.clear();
    }

    /**
     * Appends {@code records} whole frames to the active segment, rolling first when they do not fit (the
     * new segment starts at {@code seq}, the first frame's); false when it failed, and nothing was written.
     */
    private boolean write(ByteBuffer encoded, long seq, int records) {
        try {
            if (active == null || activeBroken || (active.size > 0 && active.size + encoded.remaining() > segmentBytes)) {
                roll(seq);
            }
            long at = active.size;
            long end;
            try {
                end = LogFrames.writeFully(active.channel(), encoded, at);
            } catch (IOException e) {
                try {
                    active.channel().truncate(at);
                } catch (IOException again) {
                    activeBroken = true;
                }
                throw e;
            }
            lastWriteAt = at;
            active.size = end;
            active.records += records;
            dirtyData = true;
            appendsSinceSync += records;
            if (failing) {
                failing = false;
                log.info("sink {}: writing its backlog to {} again", sink, dir);
            }
            return true;
        } catch (IOException e) {
            failedIo("write", e);
            nextWriteRetryNanos = System.nanoTime() + WRITE_RETRY_NANOS;
            return false;
        }
    }

    private void failedIo(String what, IOException e) {
        writeErrors++;
        if (!failing) {
            failing = true;
            log.error("sink {}: cannot {} its backlog in {}: {}; new samples stay in memory (up to the budget of "
                    + "{} bytes) and are written when the disk recovers; a crash meanwhile loses them", sink, what,
                    dir, e.toString(), byteBudget);
        } else {
            log.debug("sink {}: {} still failing: {}", sink, what, e.toString());
        }
    }

    private void roll(long seq) throws IOException {
        if (active != null) {
            if (dirtyData && !activeBroken) {
                try {
                    active.channel().force(false);
                } catch (IOException e) {
                    // The new segment must still open; the next sync reports a disk that keeps failing.
                    writeErrors++;
                    log.debug("sink {}: fsync of {} failed before rolling", sink, active.path, e);
                }
            }
            dirtyData = false;
            if (active.records == 0) {
                segments.remove(active);
                if (active == readSegment) {
                    readSegment = null;
                    reader = null;
                }
            }
            if (active != readSegment) {
                active.release();
            }
        }
        Segment segment = new Segment(seq, dir.resolve(String.format("%020d", seq) + SEGMENT_SUFFIX), channels);
        segment.channel = channels.open(segment.path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        segments.add(segment);
        active = segment;
        activeBroken = false;
        dirtyDir = true;
    }

    // A sample just written (its frame at offset at, record index in the active segment) goes to the memory
    // window when nothing waits on disk before it and the window has room; otherwise it joins the disk-only run.
    private void placeWritten(Entry entry, long at, int index) {
        if (diskSamples == 0 && memoryHeapBytes < memoryWindowBytes) {
            memory.addLast(entry);
            memoryHeapBytes += entry.sample().estimatedBytes();
            memoryFrameBytes += entry.frameBytes();
            setReader(active, at + entry.frameBytes(), index + 1);
            lastDiskSeq = entry.seq();
        } else {
            if (diskSamples == 0) {
                setReader(active, at, index);
                lastDiskSeq = entry.seq() - 1;
            }
            diskSamples++;
            diskBytes += entry.frameBytes();
        }
    }

    private void retryUnwritten() {
        while (!unwritten.isEmpty()) {
            Entry entry = unwritten.peekFirst();
            if (!write(encode(entry.seq(), entry.sample()), entry.seq(), 1)) {
                return;
            }
            unwritten.pollFirst();
            unwrittenBytes -= entry.frameBytes();
            placeWritten(new Entry(entry.seq(), entry.sample(), entry.frameBytes(), true), lastWriteAt,
                    active.records - 1);
        }
    }

    // ---------------------------------------------------------------- syncing

    private void maintain() {
        long now = System.nanoTime();
        if (!unwritten.isEmpty() && now - nextWriteRetryNanos >= 0) {
            retryUnwritten();
        }
        if ((dirtyData || dirtyDir || cursor != durableCursor) && now - lastSyncNanos >= syncIntervalNanos) {
            syncNow();
        }
    }

    private void syncNow() {
        lastSyncNanos = System.nanoTime();
        appendsSinceSync = 0;
        try {
            if (dirtyData && active != null && !activeBroken) {
                active.channel().force(false);
            }
            dirtyData = false;
            if (dirtyDir) {
                forceDirectory(dir);
                dirtyDir = false;
            }
        } catch (IOException e) {
            failedIo("sync", e);
        }
        // The cursor covers settled samples only, so it need not wait for the data to be durable.
        if (cursor != durableCursor) {
            try {
                writeCursor(cursor);
                durableCursor = cursor;
                deleteSettledSegments();
            } catch (IOException e) {
                failedIo("write the cursor of", e);
            }
        }
    }

    // Temp file, fsync, rename over the cursor, fsync the directory: a crash leaves the old cursor or the
    // new one, never a torn one; a leftover temp file is deleted at the next open.
    private void writeCursor(long seq) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(CURSOR_BYTES);
        bytes.putInt(CURSOR_MAGIC).putLong(seq);
        CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 0, CURSOR_BYTES - 4);
        bytes.putInt((int) crc.getValue()).flip();
        Path temp = dir.resolve(CURSOR_TEMP_FILE);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            LogFrames.writeFully(channel, bytes, 0);
            channel.force(true);
        }
        try {
            Files.move(temp, dir.resolve(CURSOR_FILE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, dir.resolve(CURSOR_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(dir);
    }

    // Only after the cursor that makes them unnecessary is durable.
    private void deleteSettledSegments() throws IOException {
        while (segments.size() >= 2 && segments.get(1).baseSeq <= durableCursor) {
            Segment segment = segments.get(0);
            if (segment == readSegment) {
                if (diskSamples > 0) {
                    setReader(segments.get(1), 0, 0);
                } else {
                    readSegment = null;
                    reader = null;
                }
            }
            segment.release();
            Files.deleteIfExists(segment.path);
            segments.remove(0);
        }
    }

    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory; there the rename is as durable as it gets.
            if (Files.isDirectory(dir) && !System.getProperty("os.name", "").startsWith("Linux")) {
                return;
            }
            throw e;
        }
    }

    // ---------------------------------------------------------------- reading back

    private void setReader(Segment segment, long position, int index) {
        if (readSegment != segment) {
            if (readSegment != null && readSegment != active) {
                readSegment.release();
            }
            readSegment = segment;
            try {
                reader = new LogFrames.Reader(segment.channel(), position, segment.size);
            } catch (IOException e) {
                // Reading will fail on the next refill and be reported there.
                reader = null;
            }
        } else if (reader != null) {
            reader.seek(position);
        }
        readIndex = index;
    }

    private void refill(int atLeast) {
        while (diskSamples > 0 && (memoryHeapBytes < memoryWindowBytes || memory.size() < atLeast)) {
            Entry entry = readNextFromDisk();
            if (entry == null) {
                return;
            }
            memory.addLast(entry);
            memoryHeapBytes += entry.sample().estimatedBytes();
            memoryFrameBytes += entry.frameBytes();
        }
    }

    private Entry readNextFromDisk() {
        while (diskSamples > 0) {
            if (readSegment == null) {
                damaged("no segment to read from", 0);
                return null;
            }
            String problem;
            long at = reader == null ? 0 : reader.position();
            try {
                if (reader == null) {
                    reader = new LogFrames.Reader(readSegment.channel(), 0, readSegment.size);
                }
                reader.limit(readSegment.size);
                ByteBuffer payload = reader.next();
                problem = reader.problem();
                if (payload != null) {
                    long seq = payload.getLong(0);
                    Sample sample = SampleCodec.decode(payload.position(SEQUENCE_BYTES));
                    int frameBytes = reader.lastFrameBytes();
                    readIndex++;
                    lastDiskSeq = seq;
                    diskSamples--;
                    diskBytes -= frameBytes;
                    return new Entry(seq, sample, frameBytes, true);
                }
                if (problem == null) {
                    int index = segments.indexOf(readSegment);
                    if (index < 0 || index + 1 >= segments.size()) {
                        damaged("the log ends before every waiting sample was read", at);
                        return null;
                    }
                    setReader(segments.get(index + 1), 0, 0);
                    continue;
                }
            } catch (IOException | RuntimeException e) {
                problem = e.toString();
            }
            damaged(problem, at);
        }
        return null;
    }

    // A segment that passed its checks at open no longer reads back: report what is lost from there to the
    // end of the segment, count it settled so the cursor can pass, and go on with the next segment.
    private void damaged(String problem, long at) {
        int index = readSegment == null ? -1 : segments.indexOf(readSegment);
        Segment next = index >= 0 && index + 1 < segments.size() ? segments.get(index + 1) : null;
        long lost;
        long upTo;
        if (next == null) {
            lost = diskSamples;
            upTo = unwritten.isEmpty() ? nextSeq : unwritten.peekFirst().seq();
            diskSamples = 0;
            diskBytes = 0;
        } else {
            lost = Math.max(1, Math.min(diskSamples, readSegment.records - readIndex));
            upTo = next.baseSeq;
            diskSamples -= lost;
            diskBytes = Math.max(0, diskBytes - (readSegment.size - at));
        }
        if (upTo > lastDiskSeq + 1) {
            settled.add(lastDiskSeq + 1, upTo);
            cursor = settled.advance(cursor);
        }
        lastDiskSeq = upTo - 1;
        String where = readSegment == null ? dir.toString() : readSegment.path + " at offset " + at;
        String detail = "lost " + lost + " waiting samples that no longer read back from " + where + ": " + problem;
        log.warn("sink {}: {}", sink, detail);
        report.accept(dropRecord((int) Math.min(Integer.MAX_VALUE, lost), null, null, detail));
        if (readSegment == active) {
            activeBroken = true;
        }
        if (next != null) {
            setReader(next, 0, 0);
        } else if (readSegment != null) {
            setReader(readSegment, readSegment.size, readSegment.records);
        }
    }

    // ---------------------------------------------------------------- the budget

    private long waitingBytes() {
        return requeuedFrameBytes + memoryFrameBytes + diskBytes + unwrittenBytes;
    }

    private void evict(Consumer<DeliveryRecord> evicted) {
        int count = 0;
        Instant oldest = null;
        Instant newest = null;
        while (waitingBytes() > byteBudget && !requeued.isEmpty()) {
            // The oldest waiting samples; evicted whole, so that a batch never comes back changed.
            Requeued again = requeued.pollFirstEntry().getValue();
            requeuedSamples -= again.entries().size();
            requeuedFrameBytes -= again.frameBytes();
            for (Entry entry : again.entries()) {
                settled.add(entry.seq(), entry.seq() + 1);
                count++;
                Instant at = entry.sample().timestamp();
                oldest = oldest == null || at.isBefore(oldest) ? at : oldest;
                newest = newest == null || at.isAfter(newest) ? at : newest;
            }
        }
        while (waitingBytes() > byteBudget) {
            Entry entry = memory.pollFirst();
            if (entry != null) {
                memoryHeapBytes -= entry.sample().estimatedBytes();
                memoryFrameBytes -= entry.frameBytes();
            } else if (diskSamples > 0) {
                entry = readNextFromDisk();
                if (entry == null) {
                    continue;
                }
            } else if ((entry = unwritten.pollFirst()) != null) {
                unwrittenBytes -= entry.frameBytes();
            } else {
                break;
            }
            settled.add(entry.seq(), entry.seq() + 1);
            count++;
            Instant at = entry.sample().timestamp();
            oldest = oldest == null || at.isBefore(oldest) ? at : oldest;
            newest = newest == null || at.isAfter(newest) ? at : newest;
        }
        cursor = settled.advance(cursor);
        if (count > 0) {
            evicted.accept(dropRecord(count, oldest, newest,
                    "backlog over its budget of " + byteBudget + " bytes on disk; oldest dropped"));
        }
    }

    // ---------------------------------------------------------------- records

    private DeliveryRecord dropRecord(Collection<Sample> lost, String reason) {
        return DeliveryRecord.dropped(sink, lost, clock.instant(), reason);
    }

    private DeliveryRecord dropRecord(int count, Instant oldest, Instant newest, String reason) {
        return DeliveryRecord.dropped(sink, count, clock.instant(), oldest, newest, reason);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the backlog of sink " + sink + " is closed");
        }
    }
}
