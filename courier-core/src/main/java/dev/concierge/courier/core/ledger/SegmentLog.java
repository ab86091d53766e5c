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
import java.util.Map;
import java.util.TreeMap;
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
 *       frame and on to the next segment, stepping over padding frames. A frame that no longer reads back is
 *       reported by {@link #readNext} returning null; {@link #skipDamaged} then moves on to the next good frame
 *       of the same segment, or else to the next segment.</li>
 *   <li>Durability: {@link #force} fsyncs the active segment and, after a roll, the directory;
 *       {@link #deleteSettled} deletes the segments wholly below a cursor. When each is called is the
 *       backlog's order of durable steps ({@link FileSinkBacklog}).</li>
 *   <li>Opening: {@link #recover} scans every segment in order, skips damaged frames (overwriting them with
 *       padding), cuts a torn tail, compares what it found with what the {@link BacklogState} recorded, reports
 *       each damaged or missing segment as one {@code DROPPED} record, and puts the read position at the first
 *       record not below the cursor.</li>
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
     * What was skipped after a record that no longer reads back: where and why it failed, the sequence of the
     * record the read position is now at (the next good one in the same segment, or the first of the next
     * segment; -1 when nothing is left to read), and the bytes skipped.
     */
    record Skipped(String where, String problem, long resumeSeq, long bytesSkipped) {
        boolean logEnds() {
            return resumeSeq < 0;
        }
    }

    private static final class Segment {
        final long baseSeq;
        final Path path;
        final FileSinkBacklog.SegmentChannels channels;
        long size;
        int records;
        long lastSeq;
        FileChannel channel;

        Segment(long baseSeq, Path path, FileSinkBacklog.SegmentChannels channels) {
            this.baseSeq = baseSeq;
            this.lastSeq = baseSeq - 1;
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
    // Samples read back share their series' name and labels, as parsed ones do.
    private final ReadBackSeries readBack = new ReadBackSeries();
    private int readIndex;
    private String readProblem;
    private long readProblemAt;
    private long lastReadSeq = -1;

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

    /** As {@link #recover(long, BacklogState.Snapshot, RecoveredRecord)} with nothing known of what should be there. */
    long recover(long start, RecoveredRecord recovered) throws IOException {
        return recover(start, null, recovered);
    }

    /**
     * Finds the segments in the directory and scans them in order, from the durable cursor {@code start}
     * ({@code >= 0}). Deletes the segments wholly below it; skips a damaged frame, resynchronising on the next
     * good one (and overwrites the damage with padding, so it is reported once), and cuts a segment at a bad
     * frame with nothing good behind it; shows every intact record to {@code recovered}, those below
     * {@code start} included; the read position goes to the first record at or above {@code start}.
     *
     * <p>What is lost is compared with {@code expected}, the state recorded at the last sync (null when unknown):
     * a listed segment that is gone, or holds fewer records than it did, lost the owed samples it held. Each
     * segment's loss is reported once, as a WARN naming its file and a {@code DROPPED} record counting only
     * owed samples (those at or above {@code start}).
     *
     * @return the last sequence at or above {@code start} found, or {@code start - 1}
     */
    long recover(long start, BacklogState.Snapshot expected, RecoveredRecord recovered) throws IOException {
        List<Segment> found = list();
        Map<Long, BacklogState.SegmentExpectation> expectations = new TreeMap<>();
        if (expected != null) {
            expected.segments().forEach(e -> expectations.put(e.baseSeq(), e));
        }
        if (start > 0) {
            while (found.size() >= 2 && found.get(1).baseSeq <= start) {
                Segment settledSegment = found.remove(0);
                Files.deleteIfExists(settledSegment.path);
                log.debug("sink {}: deleted {}, settled before the last stop", sink, settledSegment.path);
            }
            reportMissingBeforeOldest(start, found, expected);
        }
        long lastSeq = start - 1;
        boolean readerSet = false;
        for (int index = 0; index < found.size(); index++) {
            Segment segment = found.get(index);
            long upperBound = index + 1 < found.size() ? found.get(index + 1).baseSeq : Long.MAX_VALUE;
            FileChannel channel = segment.channel();
            long size = channel.size();
            SegmentDamage damage = new SegmentDamage(segment, start);
            LogFrames.Reader scan = new LogFrames.Reader(channel, 0, size);
            long segmentLast = segment.baseSeq - 1;
            boolean gapOpen = false;
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
                    } else if ((seq = payload.getLong(0)) == LogFrames.PADDING) {
                        continue;
                    } else if (seq <= segmentLast || seq >= upperBound || (seq >= start && seq <= lastSeq)) {
                        problem = "sequence: " + seq + " (expected: > " + Math.max(segmentLast, lastSeq) + ")";
                    }
                }
                if (problem != null) {
                    scan.seek(at);
                    long floor = segmentLast;
                    long resumed = scan.resync(s -> s > floor && s < upperBound);
                    if (resumed >= 0) {
                        damage.skipped(at, scan.position(), problem);
                        gapOpen = true;
                        continue;
                    }
                    scan.seek(at);
                    damage.cut(at, size, problem, countTail(scan, start));
                    size = at;
                    break;
                }
                if (gapOpen) {
                    damage.lost(segmentLast + 1, seq);
                    gapOpen = false;
                }
                segment.records++;
                segmentLast = seq;
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
            segment.lastSeq = segmentLast;
            BacklogState.SegmentExpectation expectation = expectations.remove(segment.baseSeq);
            if (expectation != null && expectation.lastSeq() > segmentLast) {
                damage.shorter(segmentLast, expectation);
            }
            damage.report();
            if (segment != readSegment) {
                segment.release();
            }
            if (size == 0) {
                Files.deleteIfExists(segment.path);
            } else {
                segments.add(segment);
            }
        }
        for (BacklogState.SegmentExpectation missing : expectations.values()) {
            reportMissing(missing, start);
        }
        if (reader != null) {
            reader.limit(readSegment.size);
        }
        return lastSeq;
    }

    // Without a complete list of what should be there, data missing between the cursor and the oldest segment
    // is all that can be seen; with one, the listed segments that are gone are reported one by one instead.
    private void reportMissingBeforeOldest(long start, List<Segment> found, BacklogState.Snapshot expected) {
        if (found.isEmpty() || (expected != null && expected.complete())) {
            return;
        }
        long missingTo = found.get(0).baseSeq;
        if (expected != null && !expected.segments().isEmpty()) {
            missingTo = Math.min(missingTo, expected.segments().get(0).baseSeq());
        }
        if (missingTo <= start) {
            return;
        }
        long missing = missingTo - start;
        log.warn("sink {}: the cursor is at sequence {} but the oldest segment {} starts at {}: up to {} "
                + "samples are missing; continuing from the oldest data on disk", sink, start,
                found.get(0).path.getFileName(), found.get(0).baseSeq, missing);
        report.accept(DeliveryRecord.dropped(sink, (int) Math.min(Integer.MAX_VALUE, missing),
                clock.instant(), null, null, "segment missing: data before sequence " + missingTo
                        + " is missing from " + dir + " (the cursor was at " + start + ")"));
    }

    private void reportMissing(BacklogState.SegmentExpectation missing, long start) {
        long owed = Math.min(missing.records(), missing.lastSeq() - Math.max(missing.baseSeq(), start) + 1);
        if (owed <= 0) {
            return; // drained before it went
        }
        Path path = dir.resolve(String.format("%020d", missing.baseSeq()) + SUFFIX);
        String detail = "segment missing: " + path + " held " + missing.records() + " records up to sequence "
                + missing.lastSeq() + " at the last sync; " + owed + " owed samples are lost";
        log.warn("sink {}: {}", sink, detail);
        report.accept(DeliveryRecord.dropped(sink, (int) Math.min(Integer.MAX_VALUE, owed), clock.instant(), null,
                null, detail));
    }

    // Counts the owed records readable after a bad frame with nothing good behind it (a frame whose length can be
    // trusted is stepped over), the bad frame included when it may be owed; leaves the reader anywhere.
    private int countTail(LogFrames.Reader scan, long start) throws IOException {
        int records = 0;
        do {
            records++;
            if (!scan.skip()) {
                break;
            }
            ByteBuffer payload;
            while ((payload = scan.next()) != null) {
                if (payload.remaining() >= SEQUENCE_BYTES && payload.getLong(0) >= start) {
                    records++;
                }
            }
        } while (scan.problem() != null);
        return records;
    }

    /** The damage found in one segment at open, reported as one record once the segment is scanned. */
    private final class SegmentDamage {
        private final Segment segment;
        private final long start;
        private final List<String> parts = new ArrayList<>();
        private long owed;
        private int tailOwed;
        private boolean any;
        private boolean shorter;

        SegmentDamage(Segment segment, long start) {
            this.segment = segment;
            this.start = start;
        }

        /** Sequences {@code [from, to)} are not in the segment. */
        void lost(long from, long to) {
            owed += Math.max(0, to - Math.max(from, start));
        }

        void skipped(long at, long resumedAt, String problem) {
            any = true;
            parts.add("skipped " + (resumedAt - at) + " damaged bytes at offset " + at + " (" + problem + ")");
            if (resumedAt - at >= LogFrames.HEADER_BYTES + SEQUENCE_BYTES) {
                try {
                    LogFrames.writeFully(segment.channel(), LogFrames.padding((int) (resumedAt - at)), at);
                    segment.channel().force(false);
                } catch (IOException e) {
                    log.error("sink {}: cannot overwrite the damaged bytes of {} at {}: {}; they are skipped again "
                            + "(and reported again) at the next start", sink, segment.path, at, e.toString());
                }
            }
        }

        void cut(long at, long size, String problem, int tailRecords) {
            any = true;
            parts.add("cut " + (size - at) + " bytes of a torn or corrupt tail at offset " + at + ": " + problem);
            tailOwed = tailRecords;
            try {
                segment.channel().truncate(at);
                segment.channel().force(true);
            } catch (IOException e) {
                log.error("sink {}: cannot truncate {} at {}: {}; the tail is ignored instead", sink, segment.path, at,
                        e.toString());
            }
        }

        // The segment ends before the last record it held at the last sync: what is missing is known exactly.
        void shorter(long lastFound, BacklogState.SegmentExpectation expected) {
            shorter = true;
            long missing = Math.min(expected.records(), expected.lastSeq() - Math.max(lastFound, start - 1));
            owed += Math.max(0, missing);
            if (parts.isEmpty()) {
                parts.add("it ends at sequence " + lastFound + " but held records up to " + expected.lastSeq()
                        + " at the last sync");
            }
        }

        void report() {
            if (!any && !shorter) {
                return;
            }
            // A tail cut from a segment the state does not know (appended after the last sync) counts what it cut.
            long lost = shorter ? owed : owed + tailOwed;
            String detail = "segment damaged: " + segment.path + ": " + String.join("; ", parts) + "; " + lost
                    + " owed samples lost";
            log.warn("sink {}: {}", sink, detail);
            if (lost > 0) {
                report.accept(DeliveryRecord.dropped(sink, (int) Math.min(Integer.MAX_VALUE, lost), clock.instant(),
                        null, null, detail));
            }
        }
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
        return append(frames, firstSeq, firstSeq + records - 1, records);
    }

    /** As {@link #append(ByteBuffer, long, int)}, for frames whose sequences run from {@code firstSeq} to {@code lastSeq}. */
    long append(ByteBuffer frames, long firstSeq, long lastSeq, int records) throws IOException {
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
        active.lastSeq = lastSeq;
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
                    if (seq == LogFrames.PADDING) {
                        continue;
                    }
                    lastReadSeq = seq;
                    Sample sample = SampleCodec.decode(payload.position(SEQUENCE_BYTES), readBack);
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
     * After {@link #readNext} returned null: moves the read position past the damage, to the next frame in the same
     * segment that passes its checks (see {@link LogFrames.Reader#resync}), or else to the start of the next
     * segment or the end of the last one; writes to the segment no more if it is the active one and nothing good
     * was found after the damage.
     */
    Skipped skipDamaged() {
        int index = readSegment == null ? -1 : segments.indexOf(readSegment);
        Segment next = index >= 0 && index + 1 < segments.size() ? segments.get(index + 1) : null;
        long at = readProblemAt;
        String where = readSegment == null ? dir.toString() : readSegment.path + " at offset " + at;
        if (readSegment == null) {
            return new Skipped(where, readProblem, -1, 0);
        }
        if (reader != null) {
            long floor = Math.max(lastReadSeq, readSegment.baseSeq - 1);
            long ceiling = next == null ? Long.MAX_VALUE : next.baseSeq;
            try {
                reader.seek(at);
                reader.limit(readSegment.size);
                long resumed = reader.resync(s -> s > floor && s < ceiling);
                if (resumed >= 0) {
                    return new Skipped(where, readProblem, resumed, reader.position() - at);
                }
            } catch (IOException e) {
                log.debug("sink {}: looking past the damage in {} failed", sink, readSegment.path, e);
            }
        }
        Skipped skipped = new Skipped(where, readProblem, next == null ? -1 : next.baseSeq, readSegment.size - at);
        if (readSegment == active) {
            activeBroken = true;
        }
        if (next != null) {
            setReader(next, 0, 0);
        } else {
            setReader(readSegment, readSegment.size, readSegment.records);
        }
        return skipped;
    }

    /** What the segments held at this moment, oldest first, for the {@link BacklogState}. */
    List<BacklogState.SegmentExpectation> expectations() {
        List<BacklogState.SegmentExpectation> list = new ArrayList<>(segments.size());
        for (Segment segment : segments) {
            if (segment.records > 0) {
                list.add(new BacklogState.SegmentExpectation(segment.baseSeq, segment.lastSeq, segment.records));
            }
        }
        return list;
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
