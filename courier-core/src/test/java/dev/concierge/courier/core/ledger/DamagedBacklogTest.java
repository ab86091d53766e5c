package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.Samples;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog whose files were damaged behind its back, while it was stopped or while it ran: every owed sample
 * that is gone is recorded as dropped (counting only owed ones) with the file concerned in its detail; nothing
 * owed that is still there is lost with it. (The WARN lines are checked by the app's real-process tests.)
 */
class DamagedBacklogTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-02T10:00:00Z"), ZoneOffset.UTC);
    private static final FileDeliveryLedger.Options SMALL_SEGMENTS = FileDeliveryLedger.Options.defaults()
            .withSegmentBytes(4096).withMemoryWindowBytes(1);

    @TempDir
    Path dir;

    private final List<DeliveryRecord> records = new ArrayList<>();
    private final FaultyDisk disk = new FaultyDisk();

    private FileSinkBacklog open() throws IOException {
        return FileSinkBacklog.open("zabbix", dir, 1L << 30, SMALL_SEGMENTS, CLOCK, records::add, disk);
    }

    private List<Sample> append(FileSinkBacklog backlog, int count) {
        List<Sample> samples = Samples.counters("x", count);
        samples.forEach(s -> backlog.append(s, records::add));
        return samples;
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(FileSinkBacklog.SEGMENT_SUFFIX)).sorted().toList();
        }
    }

    private static long baseOf(Path segment) {
        return Long.parseLong(segment.getFileName().toString().substring(0, 20));
    }

    private long dropped() {
        return records.stream().mapToLong(DeliveryRecord::dropped).sum();
    }

    @Test
    void recordsASegmentDeletedWhileStoppedAndDeliversTheRest() throws IOException {
        FileSinkBacklog backlog = open();
        List<Sample> samples = append(backlog, 300);
        backlog.settle(backlog.takeBatch(10));
        backlog.close(records::add);
        List<Path> files = segments();
        assertThat(files).hasSizeGreaterThan(3);
        Path middle = files.get(1);
        long from = baseOf(middle);
        long to = baseOf(files.get(2));
        Files.delete(middle);

        List<Sample> delivered = Backlogs.drain(open());

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(DeliveryRecord.Outcome.DROPPED);
            assertThat(r.dropped()).isEqualTo(to - from);
            assertThat(r.detail()).contains("segment missing").contains(middle.toString());
        });
        List<Sample> expected = new ArrayList<>(samples.subList(10, (int) from));
        expected.addAll(samples.subList((int) to, 300));
        assertThat(delivered).isEqualTo(expected);
    }

    @Test
    void recordsTheOwedPartOfTheLastSegmentDeletedOrEmptiedWhileStopped() throws IOException {
        FileSinkBacklog backlog = open();
        append(backlog, 100);
        backlog.settle(backlog.takeBatch(5));
        backlog.close(records::add);
        List<Path> files = segments();
        Path last = files.get(files.size() - 1);
        long base = baseOf(last);
        Files.write(last, new byte[0]);

        FileSinkBacklog reopened = open();

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.dropped()).isEqualTo(100 - base);
            assertThat(r.detail()).contains(last.toString());
        });
        assertThat(Backlogs.drain(reopened)).hasSize((int) (base - 5));
    }

    @Test
    void recordsASegmentCutCleanlyAtARecordBoundary() throws IOException {
        FileSinkBacklog backlog = open();
        List<Sample> samples = append(backlog, 20);
        backlog.close(records::add);
        Path segment = segments().get(0);
        long[] offsets = frameOffsets(segment);
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            channel.truncate(offsets[12]);
        }

        FileSinkBacklog reopened = open();

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.dropped()).isEqualTo(8);
            assertThat(r.detail()).contains("segment damaged").contains(segment.toString());
        });
        assertThat(Backlogs.drain(reopened)).isEqualTo(samples.subList(0, 12));
        reopened.close(records::add);
        open();
        assertThat(records).as("reported once").hasSize(1);
    }

    @Test
    void aCorruptLengthFieldCostsOneRecordToo() throws IOException {
        FileSinkBacklog backlog = open();
        List<Sample> samples = append(backlog, 20);
        backlog.close(records::add);
        Path segment = segments().get(0);
        long[] offsets = frameOffsets(segment);
        flipByte(segment, offsets[4] + 1); // the length field's second byte: the frame now claims ~5 MiB

        FileSinkBacklog reopened = open();

        List<Sample> expected = new ArrayList<>(samples);
        expected.remove(4);
        assertThat(Backlogs.drain(reopened)).isEqualTo(expected);
        assertThat(records).singleElement().satisfies(r -> assertThat(r.dropped()).isEqualTo(1));
    }

    @Test
    void drainedSegmentsAreNotLosses() throws IOException {
        FileSinkBacklog backlog = open();
        append(backlog, 300);
        Backlogs.drain(backlog);
        append(backlog, 3);
        backlog.close(records::add);

        FileSinkBacklog reopened = open();

        assertThat(records).isEmpty();
        assertThat(Backlogs.drain(reopened)).hasSize(3);
    }

    @Test
    void resendsFromTheRecordedCursorWhenTheCursorFileWasMovedAhead() throws IOException {
        FileSinkBacklog backlog = open();
        List<Sample> samples = append(backlog, 50);
        backlog.settle(backlog.takeBatch(10));
        backlog.close(records::add);
        new CursorFile("zabbix", dir).write(40);

        List<Sample> delivered = Backlogs.drain(open());

        assertThat(delivered).isEqualTo(samples.subList(10, 50));
        assertThat(records).isEmpty();
    }

    @Test
    void aByteFlippedWhileRunningLosesOnlyItsRecord() throws IOException {
        FileSinkBacklog backlog = open();
        List<Sample> samples = append(backlog, 20);
        Path segment = segments().get(0);
        long[] offsets = frameOffsets(segment);
        flipByte(segment, offsets[15] + LogFrames.HEADER_BYTES + 10);

        List<Sample> delivered = Backlogs.drain(backlog);

        List<Sample> expected = new ArrayList<>(samples);
        expected.remove(15);
        assertThat(delivered).isEqualTo(expected);
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.dropped()).isEqualTo(1);
            assertThat(r.detail()).contains("segment damaged").contains(segment.toString());
        });
        assertThat(backlog.cursor()).isEqualTo(20);
    }

    @Test
    void aSegmentDeletedWhileRunningIsRecordedWhenReadAndTheRestDelivered() throws IOException {
        FileSinkBacklog backlog = open();
        List<Sample> samples = append(backlog, 300);
        List<Path> files = segments();
        Path second = files.get(1);
        long from = baseOf(second);
        long to = baseOf(files.get(2));
        Files.delete(second);

        List<Sample> delivered = Backlogs.drain(backlog);

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.dropped()).isEqualTo(to - from);
            assertThat(r.detail()).contains(second.toString());
        });
        assertThat(delivered).hasSize(300 - (int) (to - from));
        assertThat(delivered.get(delivered.size() - 1)).isEqualTo(samples.get(299));
    }

    @Test
    void aCrashWhileTheDiskIsFullIsRecordedAtTheNextOpenWithTheCountHeldInMemory() throws IOException {
        FileSinkBacklog backlog = open();
        append(backlog, 10);
        backlog.sync();
        disk.full = true;
        List<Sample> unwritten = append(backlog, 25);
        Batch batch = backlog.takeBatch(12);
        backlog.settle(batch);
        // No close: the process is killed. The state file was overwritten in place, which needs no free space.
        disk.full = false;

        records.clear();
        FileSinkBacklog reopened = open();

        // The batch took the 10 on disk and 2 held in memory, and was delivered: 23 were held in memory only.
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.dropped()).isEqualTo(23);
            assertThat(r.detail()).contains("lost in a crash");
            assertThat(r.oldestSample()).isEqualTo(unwritten.get(2).timestamp());
            assertThat(r.newestSample()).isEqualTo(unwritten.get(24).timestamp());
        });
        assertThat(Backlogs.drain(reopened)).as("settled after the last sync: sent again").hasSize(10);
        reopened.close(records::add);
        open();
        assertThat(records).as("reported once").hasSize(1);
    }

    static long[] frameOffsets(Path segment) throws IOException {
        List<Long> offsets = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            LogFrames.Reader reader = new LogFrames.Reader(channel, 0, channel.size());
            long at = reader.position();
            while (reader.next() != null) {
                offsets.add(at);
                at = reader.position();
            }
        }
        return offsets.stream().mapToLong(Long::longValue).toArray();
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
            channel.write(one, offset);
        }
    }
}
