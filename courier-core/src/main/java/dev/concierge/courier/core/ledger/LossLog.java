package dev.concierge.courier.core.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code losses} file: every state a {@link LossRange} went through, one frame each (framed like every
 * ledger file); the latest frame of an id is the range. It is independent of {@code ledger.log}, so its
 * rotation never takes a loss away: when the file passes twice its size after the last compaction (at least
 * {@value #MIN_COMPACT_BYTES} bytes), it is rewritten with the latest state of the ranges kept, through a temp
 * file renamed over it, so a crash leaves the old file or the new one. The ranges kept are bounded by
 * {@link LossRanges}, so the file is too.
 *
 * <p>Not thread-safe: the ledger serialises access. {@link #readOnly} reads it without writing, beside a
 * running ledger.
 */
final class LossLog {
    private static final Logger log = LoggerFactory.getLogger(LossLog.class);
    static final String FILE = "losses";
    static final String TEMP_FILE = "losses.tmp";
    static final long MIN_COMPACT_BYTES = 256 << 10;

    private final Path dir;
    private final CompactWriter frame = new CompactWriter();
    private FileChannel channel;
    private long size;
    private long compactAt = MIN_COMPACT_BYTES;
    private boolean dirty;

    LossLog(Path dir) {
        this.dir = dir;
    }

    /** Reads the file into {@code restore}, oldest state first, cuts a torn or corrupt tail, and opens it for appending. */
    void open(Consumer<LossRange> restore) throws IOException {
        Files.deleteIfExists(dir.resolve(TEMP_FILE));
        Path path = dir.resolve(FILE);
        channel = OwnerOnlyFiles.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long length = channel.size();
        size = read(channel, path, restore);
        if (size < length) {
            channel.truncate(size);
            channel.force(true);
        }
        compactAt = Math.max(MIN_COMPACT_BYTES, 2 * size);
    }

    /**
     * Ranges as the file holds them now, in the order they were opened, read without a lock and without
     * writing: a torn tail (an append in progress) is ignored. Empty when there is no file.
     */
    static List<LossRange> readOnly(Path dir) throws IOException {
        Path path = dir.resolve(FILE);
        Map<Long, LossRange> ranges = new LinkedHashMap<>();
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            read(file, path, range -> ranges.put(range.id(), range));
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<LossRange> sorted = new ArrayList<>(ranges.values());
        sorted.sort((a, b) -> Long.compare(a.id(), b.id()));
        return sorted;
    }

    // Returns the end of the good part.
    private static long read(FileChannel file, Path path, Consumer<LossRange> visitor) throws IOException {
        long length = file.size();
        LogFrames.Reader reader = new LogFrames.Reader(file, 0, length);
        while (true) {
            long at = reader.position();
            ByteBuffer payload = reader.next();
            String problem = reader.problem();
            if (payload != null) {
                try {
                    visitor.accept(LossRangeCodec.decode(payload));
                    continue;
                } catch (IllegalArgumentException e) {
                    problem = e.getMessage();
                }
            }
            if (problem == null) {
                return length;
            }
            log.warn("{} bytes of a torn or corrupt tail of {} at offset {} are not read: {}", length - at, path, at,
                    problem);
            return at;
        }
    }

    /** Appends the new state of one range; compacts first to {@code kept} when the file has grown enough. */
    void append(LossRange range, Supplier<Collection<LossRange>> kept) throws IOException {
        if (!channel.isOpen()) {
            // A compaction that failed half-way: carry on in whatever file is there now.
            channel = OwnerOnlyFiles.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            size = channel.size();
        }
        if (size >= compactAt) {
            compact(kept.get());
        }
        frame.reset(LogFrames.HEADER_BYTES);
        LossRangeCodec.encode(range, frame);
        ByteBuffer encoded = LogFrames.seal(frame);
        try {
            size = LogFrames.writeFully(channel, encoded, size);
            dirty = true;
        } catch (IOException e) {
            channel.truncate(size);
            throw e;
        }
    }

    /** Rewrites the file with {@code kept} only: temp file, fsync, rename, fsync of the directory. */
    void compact(Collection<LossRange> kept) throws IOException {
        Path temp = dir.resolve(TEMP_FILE);
        long written = 0;
        try (FileChannel out = OwnerOnlyFiles.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            for (LossRange range : kept) {
                frame.reset(LogFrames.HEADER_BYTES);
                LossRangeCodec.encode(range, frame);
                written = LogFrames.writeFully(out, LogFrames.seal(frame), written);
            }
            out.force(true);
        }
        Path path = dir.resolve(FILE);
        try {
            Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING);
        }
        CursorFile.forceDirectory(dir);
        channel.close();
        channel = OwnerOnlyFiles.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        size = written;
        dirty = false;
        compactAt = Math.max(MIN_COMPACT_BYTES, 2 * size);
    }

    /** The file's size now, for tests. */
    long size() {
        return size;
    }

    void sync() throws IOException {
        if (dirty && channel.isOpen()) {
            channel.force(false);
            dirty = false;
        }
    }

    void close() throws IOException {
        try {
            sync();
        } finally {
            channel.close();
        }
    }
}
