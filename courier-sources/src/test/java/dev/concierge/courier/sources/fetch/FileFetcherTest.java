package dev.concierge.courier.sources.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.spi.SourceException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFetcherTest {
    private static final long CAP = 16L << 20;

    @TempDir
    Path dir;

    @Test
    void readsWholeFile() throws Exception {
        Path file = Files.writeString(dir.resolve("metrics.json"), "{\"gauges\":{}}");

        assertThat(new String(DocumentFetcher.file(file, CAP).fetch(), StandardCharsets.UTF_8))
                .isEqualTo("{\"gauges\":{}}");
    }

    @Test
    void refusesFileLargerThanTheCapWithoutReadingIt() throws IOException {
        Path file = dir.resolve("huge.json");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(50_000_000L);
        }

        assertThatThrownBy(() -> DocumentFetcher.file(file, CAP).fetch())
                .isInstanceOf(SourceException.class)
                .hasMessage(file + ": file exceeds 16MiB cap (size: 50000000)");
    }

    @Test
    void namesMissingFile() {
        Path file = dir.resolve("absent.json");

        assertThatThrownBy(() -> DocumentFetcher.file(file, CAP).fetch())
                .isInstanceOf(SourceException.class)
                .hasMessage(file + ": no such file");
    }
}
