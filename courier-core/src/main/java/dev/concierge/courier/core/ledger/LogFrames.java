package dev.concierge.courier.core.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.LongPredicate;
import java.util.zip.CRC32C;

/**
 * The framing of every ledger file: {@code [payload length: u32 BE][CRC32C of the payload: u32 BE][payload]}.
 * A frame whose length runs past the end of the file, or whose checksum does not match, is bad. A reader can
 * {@linkplain Reader#resync resynchronise} after it: it looks, byte by byte, for the next offset where a header, a
 * plausible first payload word (a segment's sequence number) and the checksum all agree. A random match needs
 * the 32-bit checksum to agree by chance as well, so the format needs no sync marker; what is left unreadable
 * behind a bad frame is a torn or corrupt tail.
 *
 * <p>A frame whose payload starts with {@link #PADDING} (eight 0xFF bytes) is padding: written over a damaged
 * region once it has been reported, so that the region is skipped silently from then on. Versions before it
 * read such a frame as a damaged record: the upgrade is one-way for a directory that has padding.
 */
final class LogFrames {
    /** Length and checksum. */
    static final int HEADER_BYTES = 8;
    /** No legitimate record comes near this; a larger length field is corruption. */
    static final int MAX_PAYLOAD_BYTES = 16 << 20;
    /** The first payload word of a padding frame; no sequence number is negative. */
    static final long PADDING = -1L;

    private LogFrames() {
    }

    /**
     * Fills in the header of a frame whose payload was written after {@link #HEADER_BYTES} reserved bytes.
     *
     * @return the whole frame, ready to write
     */
    static ByteBuffer seal(CompactWriter frame) {
        int payload = frame.length() - HEADER_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), HEADER_BYTES, payload);
        ByteBuffer buffer = frame.view();
        buffer.putInt(0, payload);
        buffer.putInt(4, (int) crc.getValue());
        return buffer;
    }

    /**
     * A padding frame of exactly {@code bytes} (at least {@link #HEADER_BYTES} + 8): the first payload word
     * {@link #PADDING}, then zeros.
     */
    static ByteBuffer padding(int bytes) {
        CompactWriter frame = new CompactWriter();
        frame.reset(HEADER_BYTES);
        frame.writeLong(PADDING);
        for (int i = HEADER_BYTES + 8; i < bytes; i++) {
            frame.writeByte(0);
        }
        return seal(frame);
    }

    /** Writes all of {@code frame} at {@code position}; returns the position after it. */
    static long writeFully(FileChannel channel, ByteBuffer frame, long position) throws IOException {
        long at = position;
        while (frame.hasRemaining()) {
            at += channel.write(frame, at);
        }
        return at;
    }

    /**
     * Reads frames one after another from a file, through a read-ahead buffer, up to a limit the caller
     * may raise as the file grows. Not thread-safe.
     */
    static final class Reader {
        private final FileChannel channel;
        private long limit;
        private long position;
        private ByteBuffer window = ByteBuffer.allocate(64 << 10);
        private long windowStart;
        private String problem;
        private int lastFrameBytes;

        Reader(FileChannel channel, long position, long limit) {
            this.channel = channel;
            this.position = position;
            this.limit = limit;
            window.limit(0);
        }

        /** Where the next frame starts. */
        long position() {
            return position;
        }

        /** Moves to the frame that starts at {@code newPosition}. */
        void seek(long newPosition) {
            position = newPosition;
        }

        /** Raises the end of the readable part of the file, for a file still being appended to. */
        void limit(long newLimit) {
            limit = newLimit;
        }

        /** Why the last {@link #next} returned null short of the limit, or null when it reached the limit. */
        String problem() {
            return problem;
        }

        /** The size of the frame the last {@link #next} returned, header included. */
        int lastFrameBytes() {
            return lastFrameBytes;
        }

        /**
         * The payload of the next frame, a view valid until the next call; null at the limit or at a bad
         * frame (see {@link #problem}), where the position stays, on the bad frame.
         */
        ByteBuffer next() throws IOException {
            problem = null;
            long remaining = limit - position;
            if (remaining == 0) {
                return null;
            }
            if (remaining < HEADER_BYTES) {
                problem = "a frame header cut short: " + remaining + " bytes (expected: " + HEADER_BYTES + ")";
                return null;
            }
            if (!fill(HEADER_BYTES)) {
                return null;
            }
            int at = (int) (position - windowStart);
            int length = window.getInt(at);
            int expectedCrc = window.getInt(at + 4);
            if (length < 1 || length > MAX_PAYLOAD_BYTES || length > remaining - HEADER_BYTES) {
                problem = "frame length: " + Integer.toUnsignedString(length) + " (expected: 1.."
                        + Math.min(MAX_PAYLOAD_BYTES, remaining - HEADER_BYTES) + ")";
                return null;
            }
            if (!fill(HEADER_BYTES + length)) {
                return null;
            }
            at = (int) (position - windowStart);
            CRC32C crc = new CRC32C();
            crc.update(window.array(), at + HEADER_BYTES, length);
            if ((int) crc.getValue() != expectedCrc) {
                problem = "CRC32C: " + Integer.toHexString((int) crc.getValue()) + " (expected: "
                        + Integer.toHexString(expectedCrc) + ")";
                return null;
            }
            position += HEADER_BYTES + length;
            lastFrameBytes = HEADER_BYTES + length;
            return ByteBuffer.wrap(window.array(), at + HEADER_BYTES, length).slice();
        }

        /** Skips a bad frame whose length field is plausible; false when the length cannot be trusted. */
        boolean skip() throws IOException {
            long remaining = limit - position;
            if (remaining < HEADER_BYTES || !fill(HEADER_BYTES)) {
                return false;
            }
            int length = window.getInt((int) (position - windowStart));
            if (length < 1 || length > MAX_PAYLOAD_BYTES || length > remaining - HEADER_BYTES) {
                return false;
            }
            position += HEADER_BYTES + length;
            return true;
        }

        /**
         * After {@link #next} stopped on a bad frame at the position: looks for the first offset after it where a
         * frame passes every check and its first payload word (big-endian) is accepted by {@code plausible}, and
         * moves there, so that the next {@link #next} returns that frame.
         *
         * @return the first payload word of the frame found, or -1 when there is none before the limit (the
         *         position is then at the limit)
         */
        long resync(LongPredicate plausible) throws IOException {
            for (long at = position + 1; limit - at >= HEADER_BYTES + 8; at++) {
                position = at;
                if (!fill(HEADER_BYTES + 8)) {
                    break;
                }
                int in = (int) (at - windowStart);
                int length = window.getInt(in);
                if (length < 8 || length > MAX_PAYLOAD_BYTES || length > limit - at - HEADER_BYTES) {
                    continue;
                }
                long word = window.getLong(in + HEADER_BYTES);
                if (!plausible.test(word)) {
                    continue;
                }
                if (!fill(HEADER_BYTES + length)) {
                    break;
                }
                in = (int) (at - windowStart);
                CRC32C crc = new CRC32C();
                crc.update(window.array(), in + HEADER_BYTES, length);
                if ((int) crc.getValue() == window.getInt(in + 4)) {
                    problem = null;
                    return word;
                }
            }
            position = limit;
            return -1;
        }

        // Makes the window hold bytes [position, position + need), reading no further than the limit, so
        // that bytes past it (a write in progress) never get cached.
        private boolean fill(int need) throws IOException {
            long windowEnd = windowStart + window.limit();
            if (position >= windowStart && position + need <= windowEnd) {
                return true;
            }
            if (window.capacity() < need) {
                window = ByteBuffer.allocate(Math.max(need, window.capacity() * 2));
            }
            window.clear();
            window.limit((int) Math.min(window.capacity(), limit - position));
            windowStart = position;
            while (window.position() < need) {
                if (channel.read(window, windowStart + window.position()) < 0) {
                    problem = "the file ends at " + (windowStart + window.position()) + " (expected: "
                            + limit + " bytes)";
                    window.flip();
                    return false;
                }
            }
            window.flip();
            return true;
        }
    }
}
