package dev.concierge.courier.core.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creates what the courier keeps under {@code data_dir} (the ledger, its segments and cursors, discovery
 * snapshots, state files) readable by its own user only: directories {@code 0700}, files {@code 0600}. The
 * permissions are given at creation, so no other user can open a file in the moment between creating it and
 * tightening it, and the process umask can only take bits away from them. On a file system without POSIX
 * permissions files are created as before. What already exists keeps the permissions it has.
 */
public final class OwnerOnlyFiles {
    private static final FileAttribute<?> DIRECTORY = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<?> FILE = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"));

    private OwnerOnlyFiles() {
    }

    /** As {@link Files#createDirectories}, each directory it creates {@code 0700}. */
    public static Path createDirectories(Path dir) throws IOException {
        return posix(dir) ? Files.createDirectories(dir, DIRECTORY) : Files.createDirectories(dir);
    }

    /** As {@link FileChannel#open(Path, OpenOption...)}; a file it creates is {@code 0600}. */
    public static FileChannel open(Path path, OpenOption... options) throws IOException {
        return posix(path) ? FileChannel.open(path, Set.of(options), FILE) : FileChannel.open(path, options);
    }

    /**
     * Writes {@code bytes} to a new {@code 0600} file at {@code path} (the temporary file of an atomic replace),
     * deleting what was there first so a leftover keeps no other permissions; no fsync.
     */
    public static void write(Path path, byte[] bytes) throws IOException {
        Files.deleteIfExists(path);
        try (FileChannel channel = open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
