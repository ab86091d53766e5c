package dev.concierge.courier.sources.fetch;

import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.spi.SourceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads one file whole, with a size cap. A regular file larger than the cap is refused before it is
 * opened; a file that grows while being read (or a pipe, whose size is unknown) is read at most one
 * byte past the cap.
 */
public final class FileFetcher implements DocumentFetcher {
    private final Path file;
    private final long maxBytes;

    public FileFetcher(Path file, long maxBytes) {
        this.file = Objects.requireNonNull(file, "file");
        if (maxBytes < 1 || maxBytes > LARGEST_CAP) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: 1.." + LARGEST_CAP + ")");
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public byte[] fetch() throws SourceException {
        try {
            if (Files.isRegularFile(file)) {
                long size = Files.size(file);
                if (size > maxBytes) {
                    throw tooLarge(" (size: " + size + ")");
                }
            }
            byte[] document;
            try (InputStream in = Files.newInputStream(file)) {
                document = in.readNBytes((int) maxBytes + 1);
            }
            if (document.length > maxBytes) {
                throw tooLarge("");
            }
            return document;
        } catch (NoSuchFileException e) {
            throw new SourceException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new SourceException(file + ": permission denied", e);
        } catch (IOException e) {
            throw new SourceException(file + ": " + e, e);
        }
    }

    private SourceException tooLarge(String detail) {
        return new SourceException(file + ": file exceeds " + ByteSize.format(maxBytes) + " cap" + detail);
    }

    @Override
    public String toString() {
        return "FileFetcher[" + file + ", cap " + ByteSize.format(maxBytes) + "]";
    }
}
