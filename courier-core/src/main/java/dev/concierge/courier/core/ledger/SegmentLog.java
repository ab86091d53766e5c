package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.model.Sample;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment files of one sink's backlog: an append-only log of sample records in files named after the
 * sequence of their first record ({@code %020d.seg}). A record is one frame ({@link LogFrames}) whose payload
 * is the sample's sequence number (8 bytes, big-endian) and the sample ({@link SampleCodec}).
 *
 * <ul>
 *   <li>Appending: {@link #append} writes whole frames to the active segment, rolling to a new one first when
 *       they would not fit (the full segment is fsynced first). A write that fails is cut off again, so the
 *       segment holds whole frames only.</li>
 *   <li>Reading back: one read position, set by {@link #readActiveFrom} and moved by {@link #readNext} frame by
 *       frame and on to the next segment. A frame that no longer reads back is reported by {@link #readNext}
 *       returning null; {@link #skipDamaged} then skips the rest of its segment.</li>
 *   <li>Durability: {@link #force} fsyncs the active segment and, after a roll, the directory;
 *       {@link #deleteSettled} deletes the segments wholly below a cursor. When each is called is the
 *       backlog's order of durable steps ({@link FileSinkBacklog}).</li>
 *   <li>Opening: {@link #recover} scans every segment in order, cuts a torn or corrupt tail (reported as one
 *       {@code DROPPED} record), and puts the read position at the first record not below the cursor.</li>
 * </ul>
 *
 * <p>Not thread-safe: used under its backlog's lock only.
 */
final class SegmentLog {
    // Logs under the backlog's name, the one operators know.
    private static final Logger log = LoggerFactory.getLogger(FileSinkBacklog.class);

    static final String SUFFIX = ".seg";
    private static final int SEQUENCE_BYTES = 8;

    /** Sees every intact record found at open, in order. */
    interface RecoveredRecord {
        void record(long seq, int frameBytes);
    }

    /**
     * The rest of a segment skipped after a record that no longer reads back: where and why it failed, the
     * first sequence of the next segment (none at the last segment), and the records and bytes skipped.
     */
    record Skipped(String where, String problem, boolean lastSegment, long nextBaseSeq, int recordsLeft,
                   long bytesLeft) {
    }

    private static final class Segment {
        final long baseSeq;
        final Path path;
        final FileSinkBacklog.SegmentChannels channels;
        long size;
        int records;
        FileChannel channel;

        Segment(long baseSeq, Path path, FileSinkBacklog.SegmentChannels channels) {
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
    private final long segmentBytes;
    private final FileSinkBacklog.SegmentChannels channels;
    private final Clock clock;
    private final Consumer<DeliveryRecord> report;
    private final CompactWriter frame = new CompactWriter();

    private final List<Segment> segments = new ArrayList<>();
    private Segment active;
    private boolean activeBroken;
    private boolean dirtyData;
    private boolean dirtyDir;
    private long rollSyncFailures;

    // The next record to read back is the frame at the reader's position in readSegment, record readIndex there.
    private Segment readSegment;
    private LogFrames.Reader reader;
    private int readIndex;
    private String readProblem;
    private long readProblemAt;

    /**
     * A log in {@code dir}, which must exist, rolling when a segment would pass {@code segmentBytes}; cut tails
     * are reported to {@code report}. Call {@link #recover} before anything else.
     */
    SegmentLog(String sink, Path dir, long segmentBytes, FileSinkBacklog.SegmentChannels channels, Clock clock,
               Consumer<DeliveryRecord> report) {
        this.sink = sink;
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.channels = channels;
        this.clock = clock;
        this.report = report;
    }

    // ---------------------------------------------------------------- opening

    /**
     * Finds the segments in the directory and scans them in order, from the durable cursor {@code start}
     * ({@code >= 0}). Deletes the segments wholly below it, reports data missing before it, cuts each segment
     * at its first bad record, and shows every intact record to {@code recovered}, those below {@code start}
     * included; the read position goes to the first record at or above {@code start}.
     *
     * @return the last sequence at or above {@code start} found, or {@code start - 1}
     */
    long recover(long start, RecoveredRecord recovered) throws IOException {
        List<Segment> found = list();
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
                report.accept(DeliveryRecord.dropped(sink, (int) Math.min(Integer.MAX_VALUE, missing),
                        clock.instant(), null, null, "segment data before sequence " + found.get(0).baseSeq
                                + " is missing from " + dir + " (the cursor was at " + start + ")"));
            }
        }
        long lastSeq = start - 1;
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
                if (seq >= start) {
                    if (!readerSet) {
                        readSegment = segment;
                        reader = new LogFrames.Reader(channel, at, size);
                        readIndex = segment.records - 1;
                        readerSet = true;
                    }
                    lastSeq = seq;
                }
                recovered.record(seq, scan.lastFrameBytes());
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
        return lastSeq;
    }

    private List<Segment> list() throws IOException {
        List<Segment> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String digits = name.substring(0, name.length() - SUFFIX.length());
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
        report.accept(DeliveryRecord.dropped(sink, records, clock.instant(), oldest, newest, detail));
    }

    // ---------------------------------------------------------------- appending

    /** The frame of the record of {@code sample} under {@code seq}: a view valid until the next call. */
    ByteBuffer encode(long seq, Sample sample) {
        frame.reset(LogFrames.HEADER_BYTES);
        frame.writeLong(seq);
        SampleCodec.encode(sample, frame);
        return LogFrames.seal(frame);
    }

    /** The size past which a segment rolls. */
    long segmentBytes() {
        return segmentBytes;
    }

    /** What the active segment takes before the next append rolls it; a whole segment when that append rolls. */
    long room() {
        if (active == null || activeBroken || active.size == 0) {
            return segmentBytes;
        }
        return segmentBytes - active.size;
    }

    /**
     * Appends {@code records} whole frames, all of {@code frames}, to the active segment, rolling first when they
     * do not fit (the new segment starts at {@code firstSeq}, the first frame's).
     *
     * @return the offset in the active segment at which the first frame starts
     * @throws IOException when nothing was written; the segment is cut back to where it was, or when that fails
     *                     too, written to no more (the next append rolls)
     */
    long append(ByteBuffer frames, long firstSeq, int records) throws IOException {
        if (active == null || activeBroken || (active.size > 0 && active.size + frames.remaining() > segmentBytes)) {
            roll(firstSeq);
        }
        long at = active.size;
        long end;
        try {
            end = LogFrames.writeFully(active.channel(), frames, at);
        } catch (IOException e) {
            try {
                active.channel().truncate(at);
            } catch (IOException again) {
                activeBroken = true;
            }
            throw e;
        }
        active.size = end;
        active.records += records;
        dirtyData = true;
        return at;
    }

    /** Records in the active segment, the last append's included. */
    int activeRecords() {
        return active.records;
    }

    private void roll(long seq) throws IOException {
        if (active != null) {
            if (dirtyData && !activeBroken) {
                try {
                    active.channel().force(false);
                } catch (IOException e) {
                    // The new segment must still open; the next sync reports a disk that keeps failing.
                    rollSyncFailures++;
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
        Segment segment = new Segment(seq, dir.resolve(String.format("%020d", seq) + SUFFIX), channels);
        segment.channel = channels.open(segment.path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        segments.add(segment);
        active = segment;
        activeBroken = false;
        dirtyDir = true;
    }

    // ---------------------------------------------------------------- reading back

    /** Moves the read position to {@code position} in the active segment, the frame of its record {@code index}. */
    void readActiveFrom(long position, int index) {
        setReader(active, position, index);
    }

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

    /**
     * Reads the record at the read position and moves past it, on to the next segment at the end of one. Call
     * it only for a record that was appended: the end of the log is a problem too.
     *
     * @return the record, on disk; null when it does not read back, and then {@link #skipDamaged} says why
     */
    SequencedSample readNext() {
        while (true) {
            if (readSegment == null) {
                readProblem = "no segment to read from";
                readProblemAt = 0;
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
                    readIndex++;
                    return new SequencedSample(seq, sample, reader.lastFrameBytes(), true);
                }
                if (problem == null) {
                    int index = segments.indexOf(readSegment);
                    if (index < 0 || index + 1 >= segments.size()) {
                        problem = "the log ends before every waiting sample was read";
                    } else {
                        setReader(segments.get(index + 1), 0, 0);
                        continue;
                    }
                }
            } catch (IOException | RuntimeException e) {
                problem = e.toString();
            }
            readProblem = problem;
            readProblemAt = at;
            return null;
        }
    }

    /**
     * After {@link #readNext} returned null: moves the read position past the rest of the segment it failed in,
     * to the start of the next segment or the end of the last one, and writes to that segment no more if it
     * is the active one.
     */
    Skipped skipDamaged() {
        int index = readSegment == null ? -1 : segments.indexOf(readSegment);
        Segment next = index >= 0 && index + 1 < segments.size() ? segments.get(index + 1) : null;
        long at = readProblemAt;
        String where = readSegment == null ? dir.toString() : readSegment.path + " at offset " + at;
        Skipped skipped = readSegment == null
                ? new Skipped(where, readProblem, true, -1, 0, 0)
                : new Skipped(where, readProblem, next == null, next == null ? -1 : next.baseSeq,
                        readSegment.records - readIndex, readSegment.size - at);
        if (readSegment == active) {
            activeBroken = true;
        }
        if (next != null) {
            setReader(next, 0, 0);
        } else if (readSegment != null) {
            setReader(readSegment, readSegment.size, readSegment.records);
        }
        return skipped;
    }

    // ---------------------------------------------------------------- durability

    /** Whether there are appends or a roll that {@link #force} has not yet made durable. */
    boolean dirty() {
        return dirtyData || dirtyDir;
    }

    /** Fsyncs the active segment when it was appended to, and the directory after a roll. */
    void force() throws IOException {
        if (dirtyData && active != null && !activeBroken) {
            active.channel().force(false);
        }
        dirtyData = false;
        if (dirtyDir) {
            CursorFile.forceDirectory(dir);
            dirtyDir = false;
        }
    }

    /**
     * Deletes the segments wholly below {@code durableCursor}, which must be durable already; the active one
     * stays. When the read position was in one, it moves to the start of the next if {@code moreToRead}.
     */
    void deleteSettled(long durableCursor, boolean moreToRead) throws IOException {
        while (segments.size() >= 2 && segments.get(1).baseSeq <= durableCursor) {
            Segment segment = segments.get(0);
            if (segment == readSegment) {
                if (moreToRead) {
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

    /** Fsyncs of a full segment that failed just before a roll; each is one write error. */
    long rollSyncFailures() {
        return rollSyncFailures;
    }

    /** Closes every segment file it holds open. */
    void release() {
        for (Segment segment : segments) {
            segment.release();
        }
    }
}
