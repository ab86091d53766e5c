package dev.concierge.courier.core.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ledger.log}: every settlement, framed like the segments. When the file would pass its size cap
 * it becomes {@code ledger.log.1} (older ones shift up, the oldest beyond the kept count is deleted) and
 * the new file starts with every sink's running totals. Not thread-safe: the ledger serialises access.
 */
final class LedgerLog {
    private static final Logger log = LoggerFactory.getLogger(LedgerLog.class);
    static final String FILE = "ledger.log";

    private final Path dir;
    private final long maxBytes;
    private final int keepFiles;
    private final CompactWriter frame = new CompactWriter();
    private final FileSinkBacklog.SegmentChannels channels;
    private FileChannel channel;
    private long size;
    private boolean dirty;

    LedgerLog(Path dir, long maxBytes, int keepFiles) {
        this(dir, maxBytes, keepFiles, FileSinkBacklog.SegmentChannels.DEFAULT);
    }

    /** A log whose current file is opened through {@code channels}; tests substitute a disk that fills up. */
    LedgerLog(Path dir, long maxBytes, int keepFiles, FileSinkBacklog.SegmentChannels channels) {
        this.channels = channels;
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.keepFiles = keepFiles;
    }

    /**
     * Reads every kept file, oldest first, into {@code visitor}, then opens the current one for appending.
     * A torn or corrupt tail of the current file is cut; one in an older file ends the reading of that file.
     * Either is logged.
     */
    void open(DeliveryRecordCodec.Visitor visitor) throws IOException {
        for (int i = keepFiles - 1; i >= 1; i--) {
            read(dir.resolve(FILE + "." + i), visitor, false);
        }
        Path current = dir.resolve(FILE);
        channel = channels.open(current, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        size = read(current, visitor, true);
    }

    /**
     * Reads every file there is, oldest first, into {@code visitor} without writing or cutting anything: for a
     * reader beside the ledger that holds the directory. A torn tail (an append in progress) ends the reading
     * of its file; a rotation during the read may show some records twice or not at all.
     */
    static void readOnly(Path dir, DeliveryRecordCodec.Visitor visitor) throws IOException {
        LedgerLog files = new LedgerLog(dir, Long.MAX_VALUE, Integer.MAX_VALUE);
        int older = 0;
        while (Files.exists(dir.resolve(FILE + "." + (older + 1)))) {
            older++;
        }
        for (int i = older; i >= 1; i--) {
            files.read(dir.resolve(FILE + "." + i), visitor, false);
        }
        files.read(dir.resolve(FILE), visitor, false);
    }

    private long read(Path path, DeliveryRecordCodec.Visitor visitor, boolean cut) throws IOException {
        FileChannel file;
        try {
            file = cut ? channel : FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return 0;
        }
        try {
            long length = file.size();
            LogFrames.Reader reader = new LogFrames.Reader(file, 0, length);
            while (true) {
                long at = reader.position();
                ByteBuffer payload = reader.next();
                String problem = reader.problem();
                if (payload != null) {
                    try {
                        DeliveryRecordCodec.decode(payload, visitor);
                        continue;
                    } catch (IllegalArgumentException e) {
                        problem = e.getMessage();
                    }
                }
                if (problem == null) {
                    return length;
                }
                if (cut) {
                    log.warn("cut {} bytes of a torn or corrupt tail from {} at offset {}: {}", length - at, path,
                            at, problem);
                    file.truncate(at);
                    file.force(true);
                } else {
                    log.warn("ignoring {} bytes of a corrupt tail of {} at offset {}: {}", length - at, path, at,
                            problem);
                }
                return at;
            }
        } finally {
            if (!cut) {
                file.close();
            }
        }
    }

    /** Appends one record, rotating first when the file is full; {@code totals} seed the next file. */
    void append(DeliveryRecord record, Map<String, LedgerTotals> totals) throws IOException {
        if (!channel.isOpen()) {
            // A rotation that failed half-way: carry on in whatever file is current now.
            channel = channels.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            size = channel.size();
        }
        frame.reset(LogFrames.HEADER_BYTES);
        DeliveryRecordCodec.encode(record, frame);
        ByteBuffer encoded = LogFrames.seal(frame);
        if (size > 0 && size + encoded.remaining() > maxBytes) {
            rotate(totals);
            frame.reset(LogFrames.HEADER_BYTES);
            DeliveryRecordCodec.encode(record, frame);
            encoded = LogFrames.seal(frame);
        }
        write(encoded);
    }

    private void write(ByteBuffer encoded) throws IOException {
        try {
            size = LogFrames.writeFully(channel, encoded, size);
            dirty = true;
        } catch (IOException e) {
            channel.truncate(size);
            throw e;
        }
    }

    private void rotate(Map<String, LedgerTotals> totals) throws IOException {
        channel.force(false);
        channel.close();
        Path current = dir.resolve(FILE);
        if (keepFiles == 1) {
            Files.delete(current);
        } else {
            for (int i = keepFiles - 1; i >= 2; i--) {
                Path older = dir.resolve(FILE + "." + (i - 1));
                if (Files.exists(older)) {
                    Files.move(older, dir.resolve(FILE + "." + i), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(current, dir.resolve(FILE + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
        channel = channels.open(current, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        size = 0;
        for (Map.Entry<String, LedgerTotals> entry : totals.entrySet()) {
            frame.reset(LogFrames.HEADER_BYTES);
            DeliveryRecordCodec.encodeTotals(entry.getKey(), entry.getValue(), frame);
            write(LogFrames.seal(frame));
        }
        CursorFile.forceDirectory(dir);
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
