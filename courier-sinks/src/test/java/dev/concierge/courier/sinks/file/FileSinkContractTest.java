package dev.concierge.courier.sinks.file;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.testing.SinkContractTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;

class FileSinkContractTest extends SinkContractTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("spool").resolve("values.txt");
    }

    @Override
    protected Sink createSink(String name) {
        return FileSink.create(FileSinkConfig.of(name, file()));
    }

    /** A path whose parent is a regular file: no directory can be created there, as with a refused connection. */
    @Override
    protected Sink createSinkToRefusingDestination(String name) throws IOException {
        Path regularFile = Files.writeString(dir.resolve("not-a-directory"), "x");
        return FileSink.create(FileSinkConfig.of(name, regularFile.resolve("values.txt")));
    }

    @Override
    protected long receivedOf(List<Sample> sent) throws IOException {
        if (!Files.exists(file())) {
            return 0;
        }
        Set<String> lines = new HashSet<>(Files.readAllLines(file(), StandardCharsets.UTF_8));
        ZabbixSenderLineWriter writer = new ZabbixSenderLineWriter(null);
        return sent.stream().filter(sample -> {
            StringBuilder line = new StringBuilder();
            writer.append(line, sample);
            return lines.contains(line.substring(0, line.length() - 1));
        }).count();
    }
}
