package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.Samples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileSinkBacklog#appendAll}: a chunk written with one write, and kept as single appends keep it. */
class FileSinkBacklogChunkTest {
    private static final FileDeliveryLedger.Options SMALL_SEGMENTS = FileDeliveryLedger.Options.defaults()
            .withSegmentBytes(4096);

    @TempDir
    Path dir;

    private final List<DeliveryRecord> records = new ArrayList<>();
    private final FaultyDisk disk = new FaultyDisk();

    private FileSinkBacklog open(Path in, FileDeliveryLedger.Options options) throws IOException {
        return FileSinkBacklog.open("zabbix", in, 1L << 30, options, Clock.systemUTC(), records::add,
                disk);
    }

    private FileSinkBacklog open(FileDeliveryLedger.Options options) throws IOException {
        return open(dir, options);
    }

    private void appendAll(FileSinkBacklog backlog, List<Sample> samples) {
        // Larger than the chunk, with stale entries past count, as a reused intake array is.
        Sample[] chunk = samples.toArray(new Sample[samples.size() + 3]);
        chunk[samples.size()] = Samples.counter("stale", 0, 1);
        backlog.appendAll(chunk, samples.size(), records::add);
    }

    /**
     * What a backlog opened on a copy of the files (as after a kill) owes, taken without settling it; a copy, so
     * that the open's own bookkeeping leaves the running backlog's files alone.
     */
    private List<Sample> owedOnDisk(Path in, FileDeliveryLedger.Options options) throws IOException {
        Path copy = Files.createTempDirectory(dir, "peek");
        try (Stream<Path> files = Files.list(in)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        FileSinkBacklog reopened = FileSinkBacklog.open("zabbix", copy, 1L << 30, options, Clock.systemUTC(),
                r -> { }, FileSinkBacklog.SegmentChannels.DEFAULT);
        List<Sample> all = new ArrayList<>();
        Batch batch;
        while ((batch = reopened.takeBatch(1000)) != null) {
            all.addAll(batch.samples());
        }
        return all;
    }

    private static Map<String, Long> segmentSizes(Path in) throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        try (Stream<Path> files = Files.list(in)) {
            for (Path file : files.filter(p -> p.toString().endsWith(FileSinkBacklog.SEGMENT_SUFFIX)).toList()) {
                sizes.put(file.getFileName().toString(), Files.size(file));
            }
        }
        return sizes;
    }

    @Test
    void writesAChunkWithOneWrite() throws IOException {
        FileSinkBacklog backlog = open(FileDeliveryLedger.Options.defaults());
        appendAll(backlog, Samples.counters("x", 1000));

        assertThat(disk.writes).isEqualTo(1);
        assertThat(backlog.pendingSamples()).isEqualTo(1000);
    }

    @Test
    void aChunkIsOnDiskWhenAppendAllReturns() throws IOException {
        FileSinkBacklog backlog = open(FileDeliveryLedger.Options.defaults());
        List<Sample> samples = Samples.counters("x", 3000);
        appendAll(backlog, samples.subList(0, 1000));
        backlog.append(samples.get(1000), records::add);
        appendAll(backlog, samples.subList(1001, 3000));

        // Opened again without a close or a sync, as after the process was killed.
        assertThat(owedOnDisk(dir, FileDeliveryLedger.Options.defaults())).isEqualTo(samples);
        assertThat(records).isEmpty();
    }

    @Test
    void rollsSegmentsInsideAChunkAsSingleAppendsDo() throws IOException {
        List<Sample> samples = Samples.counters("x", 500);
        Path single = Files.createDirectory(dir.resolve("single"));
        FileSinkBacklog oneByOne = open(single, SMALL_SEGMENTS);
        samples.forEach(s -> oneByOne.append(s, records::add));
        oneByOne.close(records::add);
        Path chunked = Files.createDirectory(dir.resolve("chunked"));
        FileSinkBacklog backlog = open(chunked, SMALL_SEGMENTS);
        disk.writes = 0;

        appendAll(backlog, samples.subList(0, 7));
        appendAll(backlog, samples.subList(7, 500));

        Map<String, Long> segments = segmentSizes(chunked);
        assertThat(segments).hasSizeGreaterThan(2).isEqualTo(segmentSizes(single));
        assertThat(disk.writes).isEqualTo(segments.size() + 1);
        assertThat(owedOnDisk(chunked, SMALL_SEGMENTS)).isEqualTo(samples);
        assertThat(Backlogs.drain(backlog)).isEqualTo(samples);
        assertThat(records).isEmpty();
    }

    @Test
    void dropsAnOversizedSampleInsideAChunkAndKeepsTheOthers() throws IOException {
        FileSinkBacklog backlog = open(FileDeliveryLedger.Options.defaults());
        List<Sample> samples = new ArrayList<>(Samples.counters("x", 6));
        Sample huge = new Sample("h".repeat(LogFrames.MAX_PAYLOAD_BYTES + 1), Labels.empty(), MetricType.COUNTER,
                null, SampleValue.of(1), 1_800_000_000L, 0, "test-host", "test");
        samples.add(3, huge);

        appendAll(backlog, samples);

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(DeliveryRecord.Outcome.DROPPED);
            assertThat(r.dropped()).isEqualTo(1);
            assertThat(r.oldestSample()).isEqualTo(huge.timestamp());
        });
        samples.remove(huge);
        assertThat(backlog.pendingSamples()).isEqualTo(6);
        assertThat(owedOnDisk(dir, FileDeliveryLedger.Options.defaults())).isEqualTo(samples);
        assertThat(Backlogs.drain(backlog)).isEqualTo(samples);
    }

    @Test
    void keepsAChunkThatCannotBeWrittenInMemoryAndWritesItWhenTheDiskRecovers() throws IOException {
        FileSinkBacklog backlog = open(FileDeliveryLedger.Options.defaults());
        List<Sample> samples = Samples.counters("x", 30);
        appendAll(backlog, samples.subList(0, 10));

        disk.full = true;
        appendAll(backlog, samples.subList(10, 20));
        assertThat(backlog.writeErrors()).isPositive();
        assertThat(backlog.pendingSamples()).isEqualTo(20);
        assertThat(backlog.samplesInMemory()).isEqualTo(20);
        assertThat(owedOnDisk(dir, FileDeliveryLedger.Options.defaults())).isEqualTo(samples.subList(0, 10));

        disk.full = false;
        appendAll(backlog, samples.subList(20, 30));
        assertThat(owedOnDisk(dir, FileDeliveryLedger.Options.defaults())).isEqualTo(samples.subList(0, 10));
        backlog.sync();

        assertThat(owedOnDisk(dir, FileDeliveryLedger.Options.defaults())).isEqualTo(samples);
        assertThat(Backlogs.drain(backlog)).isEqualTo(samples);
        assertThat(records).isEmpty();
    }
}
