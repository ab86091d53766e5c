package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDeliveryLedgerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-02T10:00:00Z"), ZoneOffset.UTC);
    private static final long BIG_BUDGET = 1L << 30;
    private static final FileDeliveryLedger.Options SMALL_SEGMENTS = FileDeliveryLedger.Options.defaults()
            .withSegmentBytes(4096);

    @TempDir
    Path dir;

    private final List<DeliveryRecord> evicted = new ArrayList<>();
    private FileDeliveryLedger ledger;

    @AfterEach
    void closeLedger() {
        if (ledger != null) {
            ledger.close();
        }
    }

    private FileSinkBacklog open(String sink, long budget, FileDeliveryLedger.Options options) {
        if (ledger != null) {
            ledger.close();
        }
        ledger = FileDeliveryLedger.open(dir, CLOCK, options);
        return ledger.openBacklog(sink, budget);
    }

    private FileSinkBacklog open(String sink) {
        return open(sink, BIG_BUDGET, SMALL_SEGMENTS);
    }

    private List<Sample> appendCounters(FileSinkBacklog backlog, int count) {
        List<Sample> samples = Samples.counters("x", count);
        samples.forEach(s -> backlog.append(s, evicted::add));
        return samples;
    }

    private List<Path> segments(String sink) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(sink))) {
            return files.filter(p -> p.toString().endsWith(FileSinkBacklog.SEGMENT_SUFFIX)).sorted().toList();
        }
    }

    private List<DeliveryRecord> dropped() {
        return ledger.recent(1000).stream().filter(r -> r.outcome() == DeliveryRecord.Outcome.DROPPED).toList();
    }

    @Test
    void keepsWhatIsOwedAcrossCloseAndOpen() {
        FileSinkBacklog backlog = open("zabbix");
        List<Sample> samples = new ArrayList<>(appendCounters(backlog, 300));
        Sample rich = new Sample("app.temp", Labels.of("room", "küche"), MetricType.GAUGE, "value",
                SampleValue.of("warm ☀"), 1_700_000_500L, 42, "host-b", "dropwizard");
        backlog.append(rich, evicted::add);
        samples.add(rich);
        Batch inFlight = backlog.takeBatch(10);

        ledger.close();
        FileSinkBacklog reopened = open("zabbix");

        assertThat(inFlight.samples()).isEqualTo(samples.subList(0, 10));
        assertThat(reopened.pendingSamples()).isEqualTo(301);
        assertThat(Backlogs.drain(reopened)).isEqualTo(samples);
        assertThat(evicted).isEmpty();
        assertThat(dropped()).isEmpty();
    }

    @Test
    void outOfOrderSettlementMovesTheCursorOverTheContiguousPrefixOnly() {
        FileSinkBacklog backlog = open("zabbix");
        List<Sample> samples = appendCounters(backlog, 30);
        Batch first = backlog.takeBatch(10);
        Batch second = backlog.takeBatch(10);
        Batch third = backlog.takeBatch(10);

        backlog.settle(third);
        assertThat(backlog.cursor()).isZero();
        backlog.settle(first);
        assertThat(backlog.cursor()).isEqualTo(10);

        ledger.close();
        FileSinkBacklog reopened = open("zabbix");
        assertThat(Backlogs.drain(reopened)).as("the second batch never settled; the third cannot count yet")
                .isEqualTo(samples.subList(10, 30));
        assertThat(reopened.cursor()).isEqualTo(30);

        assertThat(second.samples()).isEqualTo(samples.subList(10, 20));
        assertThat(open("zabbix").pendingSamples()).isZero();
    }

    @Test
    void doesNotResendSettledSamplesAfterReopen() throws IOException {
        FileSinkBacklog backlog = open("zabbix");
        List<Sample> samples = appendCounters(backlog, 200);
        for (int i = 0; i < 15; i++) {
            backlog.settle(backlog.takeBatch(10));
        }

        ledger.close();
        FileSinkBacklog reopened = open("zabbix");

        assertThat(reopened.pendingSamples()).isEqualTo(50);
        assertThat(Backlogs.drain(reopened)).isEqualTo(samples.subList(150, 200));
        reopened.sync();
        assertThat(segments("zabbix")).as("settled segments are deleted once the cursor is durable").hasSize(1);
        ledger.close();
        assertThat(open("zabbix").pendingSamples()).isZero();
    }

    @Test
    void cutsATornTailReportsItAndOpens() throws IOException {
        FileSinkBacklog backlog = open("zabbix");
        List<Sample> samples = appendCounters(backlog, 100);
        ledger.close();
        Path last = segments("zabbix").get(segments("zabbix").size() - 1);
        long size = Files.size(last);
        try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE)) {
            channel.truncate(size - 3);
        }

        FileSinkBacklog reopened = open("zabbix");

        assertThat(dropped()).singleElement().satisfies(r -> {
            assertThat(r.sink()).isEqualTo("zabbix");
            assertThat(r.dropped()).isEqualTo(1);
            assertThat(r.detail()).contains("cut ").contains(last.getFileName().toString()).contains("bytes");
        });
        assertThat(Backlogs.drain(reopened)).isEqualTo(samples.subList(0, 99));
        ledger.close();
        open("zabbix");
        assertThat(dropped()).as("the cut is reported once").hasSize(1);
    }

    @Test
    void skipsARecordWhoseChecksumFailsKeepsEverythingBehindItAndReportsOnlyThatOne() throws IOException {
        FileSinkBacklog backlog = open("zabbix");
        List<Sample> samples = appendCounters(backlog, 10);
        ledger.close();
        Path segment = segments("zabbix").get(0);
        long[] offsets = frameOffsets(segment);
        flipByte(segment, offsets[5] + LogFrames.HEADER_BYTES + 10);

        FileSinkBacklog reopened = open("zabbix");

        assertThat(dropped()).singleElement().satisfies(r -> {
            assertThat(r.dropped()).isEqualTo(1);
            assertThat(r.detail()).contains("segment damaged").contains("CRC32C").contains("offset " + offsets[5])
                    .contains(segment.toString());
        });
        List<Sample> expected = new ArrayList<>(samples);
        expected.remove(5);
        assertThat(Backlogs.drain(reopened)).isEqualTo(expected);
        Sample next = Samples.counter("after", 1, 1_800_000_000L);
        reopened.append(next, evicted::add);
        assertThat(Backlogs.drain(reopened)).containsExactly(next);
        ledger.close();
        open("zabbix");
        assertThat(dropped()).as("the damage is reported once").hasSize(1);
    }

    @Test
    void countsOnlyOwedSamplesWhenADamagedRecordWasAlreadyDelivered() throws IOException {
        FileSinkBacklog backlog = open("zabbix");
        List<Sample> samples = appendCounters(backlog, 10);
        backlog.settle(backlog.takeBatch(7));
        ledger.close();
        Path segment = segments("zabbix").get(0);
        long[] offsets = frameOffsets(segment);
        flipByte(segment, offsets[3] + LogFrames.HEADER_BYTES + 10);
        flipByte(segment, offsets[8] + LogFrames.HEADER_BYTES + 10);

        FileSinkBacklog reopened = open("zabbix");

        assertThat(dropped()).singleElement().satisfies(r -> assertThat(r.dropped()).isEqualTo(1));
        assertThat(Backlogs.drain(reopened)).containsExactly(samples.get(7), samples.get(9));
    }

    @Test
    void ignoresAStaleCursorTempFile() throws IOException {
        FileSinkBacklog backlog = open("zabbix");
        List<Sample> samples = appendCounters(backlog, 20);
        backlog.settle(backlog.takeBatch(5));
        ledger.close();
        Path temp = dir.resolve("zabbix").resolve(FileSinkBacklog.CURSOR_TEMP_FILE);
        Files.copy(dir.resolve("zabbix").resolve(FileSinkBacklog.CURSOR_FILE), temp);
        Files.write(temp, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

        FileSinkBacklog reopened = open("zabbix");

        assertThat(temp).doesNotExist();
        assertThat(Backlogs.drain(reopened)).isEqualTo(samples.subList(5, 20));
        assertThat(dropped()).isEmpty();
    }

    @Test
    void deletesASegmentLeftBehindByACrashBeforeItsDeletion() throws IOException {
        FileSinkBacklog backlog = open("zabbix");
        appendCounters(backlog, 200);
        Path oldest = segments("zabbix").get(0);
        byte[] saved = Files.readAllBytes(oldest);
        Backlogs.drain(backlog);
        backlog.sync();
        assertThat(oldest).doesNotExist();
        ledger.close();
        Files.write(oldest, saved);

        FileSinkBacklog reopened = open("zabbix");

        assertThat(reopened.pendingSamples()).isZero();
        assertThat(oldest).doesNotExist();
    }

    @Test
    void reportsACursorPointingBeforeTheOldestSegmentAndGoesOnFromThere() throws IOException {
        FileSinkBacklog backlog = open("zabbix");
        List<Sample> samples = appendCounters(backlog, 200);
        backlog.settle(backlog.takeBatch(1));
        ledger.close();
        List<Path> files = segments("zabbix");
        long secondBase = Long.parseLong(files.get(1).getFileName().toString().substring(0, 20));
        Files.delete(files.get(0));

        FileSinkBacklog reopened = open("zabbix");

        assertThat(dropped()).singleElement().satisfies(r -> {
            assertThat(r.dropped()).isEqualTo(secondBase - 1);
            assertThat(r.detail()).contains("missing");
        });
        assertThat(Backlogs.drain(reopened)).isEqualTo(samples.subList((int) secondBase, 200));
        assertThat(reopened.cursor()).isEqualTo(200);
    }

    @Test
    void evictsOnlyTheOldestOfTheSinkOverItsBudgetAndRecordsTheRange() {
        ledger = FileDeliveryLedger.open(dir, CLOCK, SMALL_SEGMENTS);
        FileSinkBacklog other = ledger.openBacklog("graphite", BIG_BUDGET);
        List<Sample> otherSamples = gauges(50);
        otherSamples.forEach(s -> other.append(s, evicted::add));
        List<DeliveryRecord> evictedFromOther = new ArrayList<>(evicted);
        int frame = frameBytes(otherSamples.get(0));
        FileSinkBacklog small = ledger.openBacklog("zabbix", 10L * frame);

        List<Sample> samples = gauges(25);
        samples.forEach(s -> small.append(s, evicted::add));

        assertThat(evictedFromOther).isEmpty();
        assertThat(evicted).hasSize(15).allSatisfy(r -> {
            assertThat(r.sink()).isEqualTo("zabbix");
            assertThat(r.outcome()).isEqualTo(DeliveryRecord.Outcome.DROPPED);
            assertThat(r.dropped()).isEqualTo(1);
        });
        assertThat(evicted.get(0).oldestSample()).isEqualTo(samples.get(0).timestamp());
        assertThat(evicted.get(14).newestSample()).isEqualTo(samples.get(14).timestamp());
        assertThat(small.pendingBytes()).isEqualTo(10L * frame);
        assertThat(Backlogs.drain(small)).isEqualTo(samples.subList(15, 25));
        assertThat(Backlogs.drain(other)).isEqualTo(otherSamples);
    }

    @Test
    void evictsFromTheDiskOnlyPartOfABacklogToo() {
        List<Sample> samples = gauges(2000);
        int frame = frameBytes(samples.get(0));
        FileSinkBacklog backlog = open("zabbix", 1500L * frame,
                SMALL_SEGMENTS.withMemoryWindowBytes(20L * samples.get(0).estimatedBytes()));

        samples.forEach(s -> backlog.append(s, evicted::add));

        assertThat(evicted.stream().mapToInt(DeliveryRecord::dropped).sum()).isEqualTo(500);
        assertThat(backlog.samplesInMemory()).isLessThanOrEqualTo(20);
        assertThat(Backlogs.drain(backlog)).isEqualTo(samples.subList(500, 2000));
    }

    @Test
    void keepsOnlyItsMemoryWindowOfABigBacklogInMemory() {
        int window = 256;
        long windowBytes = (long) window * Samples.counter("x", 0, 0).estimatedBytes();
        FileSinkBacklog backlog = open("zabbix", BIG_BUDGET, FileDeliveryLedger.Options.defaults()
                .withMemoryWindowBytes(windowBytes));
        int total = 200_000;
        for (int i = 0; i < total; i++) {
            backlog.append(Samples.counter("x", i, 1_700_000_000L + i), evicted::add);
            if (i % 10_000 == 0) {
                assertThat(backlog.samplesInMemory()).isLessThanOrEqualTo(window);
            }
        }
        assertThat(backlog.samplesInMemory()).isLessThanOrEqualTo(window);
        assertThat(backlog.pendingSamples()).isEqualTo(total);

        ledger.close();
        backlog = open("zabbix", BIG_BUDGET, FileDeliveryLedger.Options.defaults().withMemoryWindowBytes(windowBytes));
        assertThat(backlog.samplesInMemory()).isLessThanOrEqualTo(window);

        long expected = 0;
        Batch batch;
        while ((batch = backlog.takeBatch(100)) != null) {
            assertThat(backlog.samplesInMemory()).isLessThanOrEqualTo(window);
            for (Sample sample : batch.samples()) {
                assertThat(((SampleValue.Integer) sample.value()).value()).isEqualTo(expected++);
            }
            backlog.settle(batch);
        }
        assertThat(expected).isEqualTo(total);
    }

    @Test
    void keepsRecentRecordsAndTotalsAcrossRestartsAndRotation() {
        FileDeliveryLedger.Options options = SMALL_SEGMENTS.withLedgerLog(4096, 2).withRecentCapacity(5);
        ledger = FileDeliveryLedger.open(dir, CLOCK, options);
        for (int i = 0; i < 200; i++) {
            ledger.record(DeliveryRecord.settled("zabbix", new Batch(i, Samples.counters("x", 10)),
                    DeliveryRecord.Outcome.PARTIALLY_REJECTED, 1, CLOCK.instant(), "processed: 9; failed: 1"));
        }
        ledger.record(DeliveryRecord.dropped("graphite", 3, CLOCK.instant(), null, null, "budget"));
        List<DeliveryRecord> before = ledger.recent(5);
        ledger.close();

        ledger = FileDeliveryLedger.open(dir, CLOCK, options);

        assertThat(ledger.recent(5)).isEqualTo(before);
        assertThat(ledger.totals("zabbix")).isEqualTo(new LedgerTotals(200, 1800, 200, 0));
        assertThat(ledger.totals("graphite")).isEqualTo(new LedgerTotals(0, 0, 0, 3));
        assertThat(dir.resolve(LedgerLog.FILE + ".1")).exists();
        assertThat(dir.resolve(LedgerLog.FILE + ".2")).doesNotExist();
    }

    @Test
    void readsTheLedgerLogBackPastATornTail() throws IOException {
        ledger = FileDeliveryLedger.open(dir, CLOCK);
        DeliveryRecord delivered = DeliveryRecord.settled("zabbix", new Batch(7, Samples.counters("x", 2)),
                DeliveryRecord.Outcome.DELIVERED, 0, CLOCK.instant(), "ok");
        ledger.record(delivered);
        ledger.record(delivered);
        ledger.close();
        Path log = dir.resolve(LedgerLog.FILE);
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(log) - 1);
        }

        ledger = FileDeliveryLedger.open(dir, CLOCK);
        ledger.record(delivered);
        ledger.close();
        ledger = FileDeliveryLedger.open(dir, CLOCK);

        assertThat(ledger.recent(10)).containsExactly(delivered, delivered);
        assertThat(ledger.totals("zabbix").accepted()).isEqualTo(4);
    }

    @Test
    void passesEveryNewRecordToItsListenersButNotThoseReadBackAtOpen() {
        DeliveryRecord delivered = DeliveryRecord.settled("zabbix", new Batch(1, Samples.counters("x", 2)),
                DeliveryRecord.Outcome.DELIVERED, 0, CLOCK.instant(), "ok");
        ledger = FileDeliveryLedger.open(dir, CLOCK);
        ledger.record(delivered);
        ledger.close();
        ledger = FileDeliveryLedger.open(dir, CLOCK);
        List<DeliveryRecord> heard = new ArrayList<>();
        ledger.addListener(record -> {
            throw new IllegalStateException("a broken listener");
        });
        ledger.addListener(heard::add);

        DeliveryRecord rejected = DeliveryRecord.settled("zabbix", new Batch(2, Samples.counters("x", 1)),
                DeliveryRecord.Outcome.REJECTED, 1, CLOCK.instant(), "failed: 1");
        ledger.record(rejected);
        FileSinkBacklog backlog = ledger.openBacklog("graphite", 1);
        backlog.append(Samples.counter("x", 1, 1_700_000_000L), ledger::record);
        backlog.append(Samples.counter("x", 2, 1_700_000_001L), ledger::record);

        assertThat(heard).hasSizeGreaterThan(1).first().isEqualTo(rejected);
        assertThat(heard.subList(1, heard.size())).allSatisfy(record -> {
            assertThat(record.sink()).isEqualTo("graphite");
            assertThat(record.outcome()).isEqualTo(DeliveryRecord.Outcome.DROPPED);
        });
        assertThat(ledger.recent(10)).endsWith(heard.toArray(DeliveryRecord[]::new));
    }

    /** Gauges whose frames all have the same size, so that a budget is an exact count. */
    private static List<Sample> gauges(int count) {
        List<Sample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            samples.add(new Sample("x", Labels.empty(), MetricType.GAUGE, null, SampleValue.of((double) i),
                    1_700_000_000L + i, 0, "test-host", "test"));
        }
        return samples;
    }

    private static int frameBytes(Sample sample) {
        CompactWriter out = new CompactWriter();
        out.reset(LogFrames.HEADER_BYTES + 8);
        SampleCodec.encode(sample, out);
        return out.length();
    }

    private static long[] frameOffsets(Path segment) throws IOException {
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

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x5A)).rewind();
            channel.write(one, offset);
        }
    }

    @Test
    void reopensTheBacklogOfAStoppedSinkWithWhatItOwes(@TempDir Path reopenDir) {
        try (FileDeliveryLedger ledger = FileDeliveryLedger.open(reopenDir, Clock.systemUTC())) {
            FileSinkBacklog first = ledger.openBacklog("zabbix", 1 << 20);
            Samples.counters("x", 3).forEach(sample -> first.append(sample, ledger::record));
            assertThatThrownBy(() -> ledger.openBacklog("zabbix", 1 << 20)).isInstanceOf(IllegalStateException.class);

            first.close(ledger::record);
            FileSinkBacklog second = ledger.openBacklog("zabbix", 1 << 20);

            assertThat(second.takeBatch(10).samples()).containsExactlyElementsOf(Samples.counters("x", 3));
        }
    }
}
