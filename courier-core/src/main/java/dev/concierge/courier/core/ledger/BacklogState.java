package dev.concierge.courier.core.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one sink's backlog expects to find on disk at its next open: the file {@value #NAME} in its directory.
 * Without it a backlog trusts whatever the directory holds, and a segment that vanished or shrank, or a cursor
 * moved ahead, would lose samples without a word; with it the next open tells a drained segment from a damaged
 * one and records the difference.
 *
 * <p><b>Reserved space.</b> The file is created once at its full size ({@value #FILE_BYTES} bytes, zeros written,
 * so its blocks are allocated) and then only overwritten in place, two slots taken in turn. Overwriting
 * allocated blocks needs no free space, so the state can still be written while the disk is full: that is how a
 * kill -9 during a full disk leaves the next start the count of samples that were held in memory only. A slot
 * holds a generation number and a CRC32C; a torn write spoils one slot and the other, one generation older,
 * still reads.
 *
 * <p>Slot layout (big-endian): {@code "CBST"}, generation (u64), cursor (u64), next sequence (u64), samples not
 * on disk (u64), their oldest and newest timestamps (i64 second + i32 nanos each; second
 * {@code Long.MIN_VALUE} = unknown), flags (u32: bit 0 = every segment is listed), segment count (u32), then per
 * segment its first sequence (u64), last sequence (u64) and records (u32), and a CRC32C of everything before it.
 * At most {@value #MAX_SEGMENTS} segments are listed, the newest; bit 0 is clear when older ones were left out.
 *
 * <p>Not thread-safe: used under its backlog's lock only.
 */
final class BacklogState {
    // Logs under the backlog's name, the one operators know.
    private static final Logger log = LoggerFactory.getLogger(FileSinkBacklog.class);

    static final String NAME = "state";
    private static final int MAGIC = 0x43425354;
    private static final int SLOT_BYTES = 8192;
    private static final int FILE_BYTES = 2 * SLOT_BYTES;
    private static final int HEADER_BYTES = 4 + 8 + 8 + 8 + 8 + 12 + 12 + 4 + 4;
    private static final int SEGMENT_BYTES = 8 + 8 + 4;
    static final int MAX_SEGMENTS = (SLOT_BYTES - HEADER_BYTES - 4) / SEGMENT_BYTES;
    private static final int COMPLETE = 1;

    /** A segment as the backlog last recorded it: its first and last sequence and how many records it held. */
    record SegmentExpectation(long baseSeq, long lastSeq, int records) {
    }

    /**
     * One state: every sequence below {@code cursor} settled, every one below {@code nextSeq} given out;
     * {@code notOnDisk} samples owed but held in memory only (their write failed), with their time range where
     * known; the segments, oldest first, {@code complete} when none was left out.
     */
    record Snapshot(long cursor, long nextSeq, long notOnDisk, Instant oldestNotOnDisk, Instant newestNotOnDisk,
                    boolean complete, List<SegmentExpectation> segments) {
    }

    private final Path path;
    private final ByteBuffer slot = ByteBuffer.allocate(SLOT_BYTES);
    private FileChannel channel;
    private long generation;

    BacklogState(Path dir) {
        this.path = dir.resolve(NAME);
    }

    /**
     * The newest slot that passes its checks, or null when the file is missing (a directory written by an
     * older version, or a new one) or neither slot reads (logged as a WARN).
     */
    Snapshot read() {
        ByteBuffer bytes = ByteBuffer.allocate(FILE_BYTES);
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            while (bytes.hasRemaining() && file.read(bytes, bytes.position()) >= 0) {
                // read on until full or the end of the file
            }
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            log.warn("cannot read {}: {}; what the backlog should hold is unknown", path, e.toString());
            return null;
        }
        bytes.flip();
        Snapshot best = null;
        long bestGeneration = -1;
        for (int i = 0; i < 2; i++) {
            int at = i * SLOT_BYTES;
            if (bytes.limit() < at + HEADER_BYTES + 4) {
                continue;
            }
            long slotGeneration = bytes.getLong(at + 4);
            Snapshot snapshot = decode(bytes, at);
            if (snapshot != null && slotGeneration > bestGeneration) {
                best = snapshot;
                bestGeneration = slotGeneration;
            }
        }
        if (best == null) {
            log.warn("{} holds no readable state ({} bytes); what the backlog should hold is unknown", path,
                    bytes.limit());
        }
        generation = Math.max(generation, bestGeneration + 1);
        return best;
    }

    private static Snapshot decode(ByteBuffer bytes, int at) {
        if (bytes.getInt(at) != MAGIC) {
            return null;
        }
        int count = bytes.getInt(at + HEADER_BYTES - 4);
        if (count < 0 || count > MAX_SEGMENTS) {
            return null;
        }
        int length = HEADER_BYTES + count * SEGMENT_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(bytes.array(), at, length);
        if (bytes.getInt(at + length) != (int) crc.getValue()) {
            return null;
        }
        ByteBuffer in = bytes.duplicate().position(at + 12);
        long cursor = in.getLong();
        long nextSeq = in.getLong();
        long notOnDisk = in.getLong();
        Instant oldest = instant(in.getLong(), in.getInt());
        Instant newest = instant(in.getLong(), in.getInt());
        boolean complete = (in.getInt() & COMPLETE) != 0;
        in.getInt();
        List<SegmentExpectation> segments = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            segments.add(new SegmentExpectation(in.getLong(), in.getLong(), in.getInt()));
        }
        return new Snapshot(cursor, nextSeq, notOnDisk, oldest, newest, complete, List.copyOf(segments));
    }

    private static Instant instant(long second, int nanos) {
        return second == Long.MIN_VALUE ? null : Instant.ofEpochSecond(second, nanos);
    }

    /**
     * Overwrites the older slot with {@code snapshot}; fsyncs it when {@code durable}. The first write creates the
     * file at its full size.
     */
    void write(Snapshot snapshot, boolean durable) throws IOException {
        if (channel == null) {
            open();
        }
        List<SegmentExpectation> segments = snapshot.segments();
        boolean complete = snapshot.complete();
        if (segments.size() > MAX_SEGMENTS) {
            segments = segments.subList(segments.size() - MAX_SEGMENTS, segments.size());
            complete = false;
        }
        long slotGeneration = generation++;
        slot.clear();
        slot.putInt(MAGIC).putLong(slotGeneration).putLong(snapshot.cursor()).putLong(snapshot.nextSeq())
                .putLong(snapshot.notOnDisk());
        putInstant(snapshot.oldestNotOnDisk());
        putInstant(snapshot.newestNotOnDisk());
        slot.putInt(complete ? COMPLETE : 0).putInt(segments.size());
        for (SegmentExpectation segment : segments) {
            slot.putLong(segment.baseSeq()).putLong(segment.lastSeq()).putInt(segment.records());
        }
        CRC32C crc = new CRC32C();
        crc.update(slot.array(), 0, slot.position());
        slot.putInt((int) crc.getValue()).flip();
        LogFrames.writeFully(channel, slot, (slotGeneration & 1) * SLOT_BYTES);
        if (durable) {
            channel.force(false);
        }
    }

    private void putInstant(Instant instant) {
        slot.putLong(instant == null ? Long.MIN_VALUE : instant.getEpochSecond())
                .putInt(instant == null ? 0 : instant.getNano());
    }

    // Allocates the whole file once, so that every later write overwrites blocks it already has.
    private void open() throws IOException {
        FileChannel opened = OwnerOnlyFiles.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long size = opened.size();
            if (size < FILE_BYTES) {
                LogFrames.writeFully(opened, ByteBuffer.allocate((int) (FILE_BYTES - size)), size);
                opened.force(true);
                CursorFile.forceDirectory(path.getParent());
            }
        } catch (IOException e) {
            opened.close();
            throw e;
        }
        channel = opened;
    }

    /** Closes the file; a later write opens it again. */
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
