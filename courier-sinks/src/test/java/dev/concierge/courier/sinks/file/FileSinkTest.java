package dev.concierge.courier.sinks.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.testing.Samples;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {
    private static final Path DEV_FULL = Path.of("/dev/full");

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("values.txt");
    }

    private static DeliveryOutcome outcomeOf(FileSink sink, Batch batch) throws Exception {
        return sink.send(batch).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** The exact text the sink should append for {@code samples}. */
    private static String linesOf(List<Sample> samples) {
        StringBuilder text = new StringBuilder();
        ZabbixSenderLineWriter writer = new ZabbixSenderLineWriter(null);
        samples.forEach(s -> writer.append(text, s));
        return text.toString();
    }

    private String content() throws IOException {
        return Files.readString(file(), StandardCharsets.UTF_8);
    }

    @Test
    void appendsEachBatchAsCompleteLinesAndSaysWhere() throws Exception {
        List<Sample> first = Samples.counters("first", 3);
        List<Sample> second = Samples.counters("second", 2);
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", file()))) {
            DeliveryOutcome one = outcomeOf(sink, new Batch(1, first));
            DeliveryOutcome two = outcomeOf(sink, new Batch(2, second));

            assertThat(one).isEqualTo(new DeliveryOutcome.Delivered("appended 3 lines to " + file() + ", fsynced"));
            assertThat(two).isEqualTo(new DeliveryOutcome.Delivered("appended 2 lines to " + file() + ", fsynced"));
        }
        assertThat(content()).isEqualTo(linesOf(first) + linesOf(second))
                .startsWith("test-host counter[first.0] 1700000000 0 0\n");
    }

    @Test
    void appendsToWhatIsAlreadyThereAfterARestart() throws Exception {
        List<Sample> before = Samples.counters("before", 2);
        List<Sample> after = Samples.counters("after", 2);
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", file()))) {
            outcomeOf(sink, new Batch(1, before));
        }
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", file()).withFsync(FileSinkConfig.Fsync.NONE))) {
            assertThat(outcomeOf(sink, new Batch(1, after)))
                    .isEqualTo(new DeliveryOutcome.Delivered("appended 2 lines to " + file()));
        }
        assertThat(content()).isEqualTo(linesOf(before) + linesOf(after));
    }

    @Test
    void createsMissingParentDirectories() throws Exception {
        Path deep = dir.resolve("a/b/c/values.txt");
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", deep))) {
            assertThat(outcomeOf(sink, new Batch(1, Samples.counters("x", 1))))
                    .isInstanceOf(DeliveryOutcome.Delivered.class);
        }
        assertThat(deep).hasContent("test-host counter[x.0] 1700000000 0 0");
    }

    @Test
    void writesEveryLineForTheConfiguredHost() throws Exception {
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", file()).withHost("Linux DB3"))) {
            outcomeOf(sink, new Batch(1, Samples.counters("x", 1)));
        }
        assertThat(content()).isEqualTo("\"Linux DB3\" counter[x.0] 1700000000 0 0\n");
    }

    @Test
    void skipsAndCountsNonFiniteValuesAndWritesTheRest() throws Exception {
        Sample nan = new Sample("ratio", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(Double.NaN),
                1_700_000_000L, 0, "test-host", "test");
        Sample good = Samples.counter("ok", 1, 1_700_000_000L);
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", file()))) {
            DeliveryOutcome outcome = outcomeOf(sink, new Batch(1, List.of(nan, good)));

            assertThat(outcome).isEqualTo(new DeliveryOutcome.PartiallyRejected(1, 1,
                    "appended 1 lines to " + file() + ", fsynced; skipped 1 (1 non-finite value)"));
            assertThat(sink.nonFiniteSkipped()).isEqualTo(1);
            assertThat(sink.unwritableSkipped()).isZero();
        }
        assertThat(content()).isEqualTo(linesOf(List.of(good)));
    }

    @Test
    void touchesNoFileWhenNothingInTheBatchCanBeWritten() throws Exception {
        Sample ancient = Samples.counter("ancient", 1, 0);
        Sample infinite = new Sample("inf", Labels.empty(), MetricType.GAUGE, null,
                SampleValue.of(Double.POSITIVE_INFINITY), 1_700_000_000L, 0, "test-host", "test");
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", file()))) {
            DeliveryOutcome outcome = outcomeOf(sink, new Batch(1, List.of(ancient, infinite)));

            assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.PartiallyRejected.class, p -> {
                assertThat(p.accepted()).isZero();
                assertThat(p.rejected()).isEqualTo(2);
                assertThat(p.detail()).isEqualTo(
                        "nothing to append; skipped 2 (1 non-finite value, 1 clock outside 1..2147483647)");
            });
            assertThat(sink.unwritableSkipped()).isEqualTo(1);
            assertThat(sink.events().get("unwritable_skipped").getAsLong()).isEqualTo(1);
        }
        assertThat(file()).doesNotExist();
    }

    @Test
    void answersAFullDiskWithRetryAndLosesNothingOnceItCanWriteAgain() throws Exception {
        assumeTrue(Files.isWritable(DEV_FULL), "/dev/full is not available");
        Files.createSymbolicLink(file(), DEV_FULL);
        List<Sample> samples = Samples.counters("full", 4);
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", file()))) {
            Batch batch = new Batch(7, samples);
            DeliveryOutcome refused = outcomeOf(sink, batch);

            assertThat(refused).isInstanceOf(DeliveryOutcome.Retry.class);
            assertThat(refused.detail()).startsWith(file() + ": ").contains("No space left on device");
            assertThat(sink.writeErrors()).isEqualTo(1);

            Files.delete(file()); // the link, not /dev/full: the next open creates a regular file
            DeliveryOutcome retried = outcomeOf(sink, batch.nextAttempt());

            assertThat(retried).isInstanceOf(DeliveryOutcome.Delivered.class);
        }
        assertThat(content()).isEqualTo(linesOf(samples));
    }

    @Test
    void cutsAnIncompleteLastLineLeftByACrashBeforeAppending() throws Exception {
        Files.writeString(file(), "web-01 counter[a] 1700000000 0 1\nweb-01 counter[b] 17000", StandardCharsets.UTF_8);
        List<Sample> samples = Samples.counters("next", 2);
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", file()))) {
            assertThat(outcomeOf(sink, new Batch(1, samples))).isInstanceOf(DeliveryOutcome.Delivered.class);
            assertThat(sink.tornLinesCut()).isEqualTo(1);
        }
        assertThat(content()).isEqualTo("web-01 counter[a] 1700000000 0 1\n" + linesOf(samples));
    }

    @Test
    void cutsAFileWithoutAnyCompleteLineToNothing() throws Exception {
        Files.writeString(file(), "x".repeat(20_000), StandardCharsets.UTF_8);
        List<Sample> samples = Samples.counters("next", 1);
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", file()))) {
            outcomeOf(sink, new Batch(1, samples));
        }
        assertThat(content()).isEqualTo(linesOf(samples));
    }

    @Test
    void takesBackWhatAFailedWriteLeftSoNoHalfLineRemains() throws Exception {
        TornDisk disk = new TornDisk();
        List<Sample> first = Samples.counters("first", 2);
        List<Sample> second = Samples.counters("second", 3);
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", file()), disk)) {
            outcomeOf(sink, new Batch(1, first));
            disk.failAfter = 10;

            DeliveryOutcome failed = outcomeOf(sink, new Batch(2, second));

            assertThat(failed).isInstanceOf(DeliveryOutcome.Retry.class);
            assertThat(failed.detail()).contains("Input/output error");
            assertThat(content()).isEqualTo(linesOf(first));

            assertThat(outcomeOf(sink, new Batch(2, second))).isInstanceOf(DeliveryOutcome.Delivered.class);
        }
        assertThat(content()).isEqualTo(linesOf(first) + linesOf(second));
    }

    @Test
    void cutsTheTornLineOnReopenWhenTakingItBackFailedToo() throws Exception {
        TornDisk disk = new TornDisk();
        List<Sample> first = Samples.counters("first", 2);
        List<Sample> second = Samples.counters("second", 3);
        int secondLineEnds = linesOf(second.subList(0, 1)).length();
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", file()), disk)) {
            outcomeOf(sink, new Batch(1, first));
            disk.failAfter = secondLineEnds + 5; // one whole line of the batch and part of the next
            disk.truncateFails = true;

            assertThat(outcomeOf(sink, new Batch(2, second))).isInstanceOf(DeliveryOutcome.Retry.class);
            assertThat(content()).isEqualTo(linesOf(first) + linesOf(second).substring(0, secondLineEnds + 5));

            disk.truncateFails = false;
            assertThat(outcomeOf(sink, new Batch(2, second))).isInstanceOf(DeliveryOutcome.Delivered.class);
        }
        // At least once: the line that was complete before the failure stays and comes again with the retry.
        assertThat(content()).isEqualTo(linesOf(first) + linesOf(second.subList(0, 1)) + linesOf(second));
    }

    @Test
    void rotatesToNumberedFilesThatTogetherHoldEveryLineInOrder() throws Exception {
        Files.writeString(dir.resolve("values.txt.7"), "older\n");
        Files.writeString(dir.resolve("values.txt.x"), "not a rotation\n");
        List<List<Sample>> batches = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batches.add(Samples.counters("batch" + i, 2));
        }
        int batchBytes = linesOf(batches.get(0)).length();
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", file()).withRotateSize(batchBytes * 2L + 1))) {
            for (int i = 0; i < batches.size(); i++) {
                assertThat(outcomeOf(sink, new Batch(i, batches.get(i)))).isInstanceOf(DeliveryOutcome.Delivered.class);
            }
        }

        assertThat(Files.readString(dir.resolve("values.txt.8"))).isEqualTo(linesOf(batches.get(0)) + linesOf(batches.get(1)));
        assertThat(Files.readString(dir.resolve("values.txt.9"))).isEqualTo(linesOf(batches.get(2)) + linesOf(batches.get(3)));
        assertThat(content()).isEqualTo(linesOf(batches.get(4)) + linesOf(batches.get(5)));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted(Comparator.naturalOrder()))
                    .containsExactly("values.txt", "values.txt.7", "values.txt.8", "values.txt.9", "values.txt.x");
        }
    }

    @Test
    void putsABatchLargerThanTheRotationSizeIntoOneFile() throws Exception {
        List<Sample> big = Samples.counters("big", 10);
        List<Sample> next = Samples.counters("next", 1);
        try (FileSink sink = FileSink.create(FileSinkConfig.of("f", file()).withRotateSize(50))) {
            outcomeOf(sink, new Batch(1, big));
            outcomeOf(sink, new Batch(2, next));
        }
        assertThat(Files.readString(dir.resolve("values.txt.1"))).isEqualTo(linesOf(big));
        assertThat(content()).isEqualTo(linesOf(next));
    }

    @Test
    void answersRetryOnceClosed() throws Exception {
        FileSink sink = FileSink.create(FileSinkConfig.of("f", file()));
        sink.close();

        assertThat(outcomeOf(sink, new Batch(1, Samples.counters("late", 1)))).isInstanceOf(DeliveryOutcome.Retry.class);
        assertThat(file()).doesNotExist();
    }

    /**
     * A disk whose next write stores only {@code failAfter} bytes and then fails, as a write that runs out
     * of space or hits a bad sector part-way does; truncation can be made to fail as well.
     */
    private static final class TornDisk implements FileSink.Channels {
        volatile int failAfter = -1;
        volatile boolean truncateFails;

        @Override
        public FileChannel open(Path path) throws IOException {
            return new TornChannel(FileSink.Channels.DEFAULT.open(path));
        }

        private final class TornChannel extends FileChannel {
            private final FileChannel delegate;

            TornChannel(FileChannel delegate) {
                this.delegate = delegate;
            }

            @Override
            public int write(ByteBuffer src, long position) throws IOException {
                int allowed = failAfter;
                if (allowed == 0) {
                    failAfter = -1;
                    throw new IOException("Input/output error");
                }
                if (allowed > 0) {
                    // A short write first, as write(2) reports when it stored only part; the next call fails.
                    ByteBuffer part = src.duplicate();
                    part.limit(part.position() + Math.min(allowed, part.remaining()));
                    int written = delegate.write(part, position);
                    src.position(src.position() + written);
                    failAfter = 0;
                    return written;
                }
                return delegate.write(src, position);
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                throw new UnsupportedOperationException("the sink writes at explicit positions");
            }

            @Override
            public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
                throw new UnsupportedOperationException("the sink writes at explicit positions");
            }

            @Override
            public FileChannel truncate(long size) throws IOException {
                if (truncateFails) {
                    throw new IOException("Input/output error");
                }
                delegate.truncate(size);
                return this;
            }

            @Override
            public void force(boolean metaData) throws IOException {
                delegate.force(metaData);
            }

            @Override
            public int read(ByteBuffer dst) throws IOException {
                return delegate.read(dst);
            }

            @Override
            public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
                return delegate.read(dsts, offset, length);
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return delegate.read(dst, position);
            }

            @Override
            public long position() throws IOException {
                return delegate.position();
            }

            @Override
            public FileChannel position(long newPosition) throws IOException {
                delegate.position(newPosition);
                return this;
            }

            @Override
            public long size() throws IOException {
                return delegate.size();
            }

            @Override
            public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
                return delegate.transferTo(position, count, target);
            }

            @Override
            public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
                return delegate.transferFrom(src, position, count);
            }

            @Override
            public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
                return delegate.map(mode, position, size);
            }

            @Override
            public FileLock lock(long position, long size, boolean shared) throws IOException {
                return delegate.lock(position, size, shared);
            }

            @Override
            public FileLock tryLock(long position, long size, boolean shared) throws IOException {
                return delegate.tryLock(position, size, shared);
            }

            @Override
            protected void implCloseChannel() throws IOException {
                delegate.close();
            }
        }
    }
}
