package dev.concierge.courier.core.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Segment files on a disk that can fill up, for {@link FileSinkBacklog}'s tests: the channels it opens delegate
 * to real ones, count the writes made through them, and fail writes and syncs like a full disk while
 * {@link #full} is set.
 */
final class FaultyDisk implements FileSinkBacklog.SegmentChannels {
    volatile boolean full;
    /** Writes made through its channels so far; syncs are not counted. */
    int writes;

    @Override
    public FileChannel open(Path path, StandardOpenOption... options) throws IOException {
        return new Channel(FileChannel.open(path, options));
    }

    private void countWrite() throws IOException {
        writes++;
        failIfFull();
    }

    private void failIfFull() throws IOException {
        if (full) {
            throw new IOException("No space left on device");
        }
    }

    private final class Channel extends FileChannel {
        private final FileChannel delegate;

        Channel(FileChannel delegate) {
            this.delegate = delegate;
        }


        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            countWrite();
            return delegate.write(src, position);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            countWrite();
            return delegate.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            countWrite();
            return delegate.write(srcs, offset, length);
        }

        @Override
        public void force(boolean metaData) throws IOException {
            failIfFull();
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
            countWrite();
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
