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
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable record of what one sink's backlog has settled: the file {@value #NAME} in its directory, holding
 * the sequence below which every sample is settled. 16 bytes: {@code "CCUR"}, the sequence (u64, big-endian),
 * and a CRC32C of the 12 bytes before it.
 *
 * <p>{@link #write} replaces it atomically: a temp file ({@value #TEMP_NAME}), fsync, rename over the cursor,
 * fsync of the directory. A crash leaves the old cursor or the new one, never a torn one; a temp file left
 * by a crash is deleted at the next open ({@link #deleteUnfinishedUpdate}). A cursor that is missing, cannot
 * be read or fails its checks reads as none, and the backlog resends everything still on disk.
 *
 * <p>Not thread-safe: used under its backlog's lock only.
 */
final class CursorFile {
    // Logs under the backlog's name, the one operators know.
    private static final Logger log = LoggerFactory.getLogger(FileSinkBacklog.class);

    static final String NAME = "cursor";
    static final String TEMP_NAME = "cursor.tmp";
    private static final int MAGIC = 0x43435552;
    private static final int BYTES = 16;

    private final String sink;
    private final Path dir;

    CursorFile(String sink, Path dir) {
        this.sink = sink;
        this.dir = dir;
    }

    /** Deletes a temp file left by a write that a crash interrupted; true when there was one. */
    boolean deleteUnfinishedUpdate() throws IOException {
        return Files.deleteIfExists(dir.resolve(TEMP_NAME));
    }

    /** The durable cursor, or -1 when there is none or it cannot be read (logged as a WARN). */
    long read() {
        Path path = dir.resolve(NAME);
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
        crc.update(bytes, 0, Math.min(bytes.length, BYTES - 4));
        if (bytes.length != BYTES || buffer.getInt(0) != MAGIC
                || buffer.getInt(BYTES - 4) != (int) crc.getValue() || buffer.getLong(4) < 0) {
            log.warn("sink {}: {} is corrupt ({} bytes); resending everything still on disk", sink, path,
                    bytes.length);
            return -1;
        }
        return buffer.getLong(4);
    }

    /** Replaces the cursor with {@code seq}, durably and atomically (see the class comment). */
    void write(long seq) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(BYTES);
        bytes.putInt(MAGIC).putLong(seq);
        CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 0, BYTES - 4);
        bytes.putInt((int) crc.getValue()).flip();
        Path temp = dir.resolve(TEMP_NAME);
        try (FileChannel channel = OwnerOnlyFiles.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            LogFrames.writeFully(channel, bytes, 0);
            channel.force(true);
        }
        try {
            Files.move(temp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, dir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(dir);
    }

    /** Makes the directory's entries durable: files created, renamed or deleted in it. */
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
}
