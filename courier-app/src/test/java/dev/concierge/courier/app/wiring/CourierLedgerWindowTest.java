package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.ledger.FileSinkBacklog;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CourierLedgerWindowTest {
    private static final int OWED = 5000;
    private static final long WINDOW = 64 << 10;

    @TempDir
    Path dir;

    @Test
    void opensItsLedgerWithTheConfiguredMemoryWindow() throws Exception {
        Path state = dir.resolve("state");
        Sample sample = Sample.of("jobs.done", MetricType.GAUGE, null, SampleValue.of(1),
                Instant.parse("2026-01-01T00:00:00Z"), "app-01", "app");
        // Owed samples the default 4 MiB window would hold entirely, and the configured 64 KiB only in part.
        assertThat((long) OWED * sample.estimatedBytes()).isBetween(4 * WINDOW, 4L << 20);
        try (FileDeliveryLedger ledger = FileDeliveryLedger.open(state, Clock.systemUTC())) {
            FileSinkBacklog backlog = ledger.openBacklog("spool", Long.MAX_VALUE);
            for (int i = 0; i < OWED; i++) {
                backlog.append(sample, record -> { });
            }
            assertThat(backlog.samplesInMemory()).isEqualTo(OWED);
            backlog.close(record -> { });
        }
        Path file = dir.resolve("courier.yaml");
        Files.writeString(file, """
                data_dir: %s
                ledger: {memory_window: 64KiB}
                sources: []
                sinks: []
                """.formatted(state));
        CourierConfig config = CourierConfig.load(new YamlConfigParser(Map.of()), file);

        try (Courier courier = Courier.start(config)) {
            // The backlog of a sink not configured (yet) opens with the ledger's options, as a reload's would.
            FileSinkBacklog backlog = ((FileDeliveryLedger) courier.pipeline().ledger())
                    .openBacklog("spool", Long.MAX_VALUE);

            assertThat(backlog.pendingSamples()).isEqualTo(OWED);
            assertThat((long) backlog.samplesInMemory() * sample.estimatedBytes())
                    .isLessThan(WINDOW + sample.estimatedBytes());
            backlog.close(record -> { });
        }
    }
}
