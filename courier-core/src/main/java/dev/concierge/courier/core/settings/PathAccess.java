package dev.concierge.courier.core.settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What this process may do with a path named in the configuration, as {@code courier check} reports it before
 * anything runs. Each method returns what stands in the way, written as a problem's {@code found} text
 * ({@code "/var/lib/courier", which is a file}), or empty when nothing does. The answers are this moment's
 * (the file system may change before the start); for the superuser, permission bits do not stand in the way.
 */
public final class PathAccess {
    private PathAccess() {
    }

    /**
     * Whether {@code dir} is a directory this process can write to, or can be created: its nearest existing
     * ancestor is a directory it can write to.
     */
    public static Optional<String> directoryProblem(Path dir) {
        Path absolute = dir.toAbsolutePath();
        if (Files.exists(absolute)) {
            if (!Files.isDirectory(absolute)) {
                return Optional.of(quote(dir) + ", which is not a directory");
            }
            return Files.isWritable(absolute) ? Optional.empty()
                    : Optional.of(quote(dir) + ", which this user cannot write to");
        }
        Path existing = absolute.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Optional.of(quote(dir) + ", which cannot be created");
        }
        if (!Files.isDirectory(existing)) {
            return Optional.of(quote(dir) + ", which cannot be created: " + existing + " is not a directory");
        }
        return Files.isWritable(existing) ? Optional.empty()
                : Optional.of(quote(dir) + ", which this user cannot create in " + existing);
    }

    /** Whether {@code file} is a regular file this process can read. */
    public static Optional<String> readableFileProblem(Path file) {
        if (!Files.exists(file)) {
            return Optional.of(quote(file) + ", which does not exist");
        }
        if (!Files.isRegularFile(file)) {
            return Optional.of(quote(file) + ", which is not a file");
        }
        return Files.isReadable(file) ? Optional.empty() : Optional.of(quote(file) + ", which this user cannot read");
    }

    private static String quote(Path path) {
        return InvalidValueException.quote(path.toString());
    }
}
