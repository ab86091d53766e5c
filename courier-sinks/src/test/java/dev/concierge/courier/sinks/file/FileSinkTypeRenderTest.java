package dev.concierge.courier.sinks.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.RendersSamples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link FileSinkType} renders is what the sink appends, line for line, and it writes nothing itself. */
class FileSinkTypeRenderTest {
    private static final List<Sample> SAMPLES = List.of(
            new Sample("app.requests", Labels.of("env", "prod"), MetricType.COUNTER, null, SampleValue.of(9L),
                    1_717_171_717L, 120_000_000, "web-01", "orders"),
            new Sample("app.ratio", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(Double.NaN),
                    1_717_171_717L, 0, "web-01", "orders"),
            new Sample("app.build", Labels.empty(), MetricType.GAUGE, null, SampleValue.of("say \"hi\""),
                    1_717_171_718L, 5, "web-01", "orders"),
            new Sample("app.epoch", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(1L), 0, 0, "web-01",
                    "orders"));

    @TempDir
    Path dir;

    @Test
    void rendersTheLinesTheSinkAppendsWithoutTouchingTheFile() throws Exception {
        FileSinkConfig config = FileSinkConfig.of("spool", dir.resolve("spool/zabbix.txt")).withHost("spool-host");
        List<String> lines = new ArrayList<>();
        List<String> skipped = new ArrayList<>();

        new FileSinkType().render(config, SAMPLES, new RendersSamples.Output() {
            @Override
            public void line(String text) {
                lines.add(text);
            }

            @Override
            public void skipped(Sample sample, String reason) {
                skipped.add(sample.name() + ": " + reason);
            }
        });

        assertThat(dir.resolve("spool")).doesNotExist();
        assertThat(lines).containsExactly("spool-host counter[app.requests,env=prod] 1717171717 120000000 9",
                "spool-host gauge[app.build] 1717171718 5 \"say \\\"hi\\\"\"");
        assertThat(skipped).containsExactly("app.ratio: non-finite value",
                "app.epoch: clock outside 1..2147483647");
        try (FileSink sink = FileSink.create(config)) {
            sink.send(new Batch(1, SAMPLES)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        assertThat(Files.readString(config.path())).isEqualTo(String.join("\n", lines) + "\n");
    }
}
