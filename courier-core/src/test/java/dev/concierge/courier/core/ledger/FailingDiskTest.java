package dev.concierge.courier.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.testing.Samples;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailingDiskTest {
    @TempDir
    Path dir;

    private final List<DeliveryRecord> records = new ArrayList<>();
    private volatile boolean diskFull;

    private FileSinkBacklog open(FileSinkBacklog.SegmentChannels channels) throws IOException {
        return FileSinkBacklog.open("zabbix", dir, 1L << 30, FileDeliveryLedger.Options.defaults(),
                Clock.systemUTC(), records::add, channels);
    }

    private FileSinkBacklog openFailing() throws IOException {
        return open((path, options) -> new FullableChannel(FileChannel.open(path, options)));
    }

    @Test
    void keepsSamplesInMemoryWhileTheDiskIsFullAndWritesThemWhenItRecovers() throws IOException {
        FileSinkBacklog backlog = openFailing();
        List<Sample> samples = Samples.counters("x", 20);
        samples.subList(0, 10).forEach(s -> backlog.append(s, records::add));

        diskFull = true;
        samples.subList(10, 20).forEach(s -> backlog.append(s, records::add));
        Batch first = backlog.takeBatch(5);
        backlog.settle(first);

        assertThat(backlog.writeErrors()).isPositive();
        assertThat(backlog.pendingSamples()).isEqualTo(15);
        assertThat(records).isEmpty();

        diskFull = false;
        backlog.sync();
        backlog.close(records::add);
        FileSinkBacklog reopened = open(FileSinkBacklog.SegmentChannels.DEFAULT);

        assertThat(records).isEmpty();
        List<Sample> owed = new ArrayList<>();
        Batch batch;
        while ((batch = reopened.takeBatch(100)) != null) {
            owed.addAll(batch.samples());
            reopened.settle(batch);
        }
        assertThat(first.samples()).isEqualTo(samples.subList(0, 5));
        assertThat(owed).isEqualTo(samples.subList(5, 20));
    }

    @Test
    void deliversWhatItCouldNotWriteAndReportsOnlyWhatStillCannotBeKeptAtClose() throws IOException {
        FileSinkBacklog backlog = openFailing();
        List<Sample> samples = Samples.counters("x", 8);
        samples.subList(0, 2).forEach(s -> backlog.append(s, records::add));
        diskFull = true;
        samples.subList(2, 8).forEach(s -> backlog.append(s, records::add));

        Batch batch = backlog.takeBatch(5);
        backlog.settle(batch);
        backlog.close(records::add);

        assertThat(batch.samples()).isEqualTo(samples.subList(0, 5));
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(DeliveryRecord.Outcome.DROPPED);
            assertThat(r.dropped()).isEqualTo(3);
            assertThat(r.oldestSample()).isEqualTo(samples.get(5).timestamp());
            assertThat(r.newestSample()).isEqualTo(samples.get(7).timestamp());
        });
        assertThat(open(FileSinkBacklog.SegmentChannels.DEFAULT).pendingSamples()).isZero();
    }

    /** A file channel whose writes fail like a full disk while {@link #diskFull} is set. */
    private final class FullableChannel extends FileChannel {
        private final FileChannel delegate;

        FullableChannel(FileChannel delegate) {
            this.delegate = delegate;
        }

        private void check() throws IOException {
            if (diskFull) {
                throw new IOException("No space left on device");
            }
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            check();
            return delegate.write(src, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            check();
            return delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            check();
            return delegate.write(srcs, offset, length);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            check();
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
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            check();
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
