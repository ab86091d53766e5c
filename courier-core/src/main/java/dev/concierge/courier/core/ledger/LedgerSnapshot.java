package dev.concierge.courier.core.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What the files of a {@link FileDeliveryLedger} say, read without its lock and without writing anything, so
 * that it can be read while a courier runs on the same data directory. It is a snapshot taken file by file: a
 * record appended, a file rotated or a segment deleted during the read may or may not be seen, and a torn tail
 * (an append in progress) is skipped, never cut.
 *
 * @param totals   each sink's running totals, as {@link FileDeliveryLedger#totals} would give them
 * @param records  the most recent records that matched the read's filter, newest last
 * @param losses   every loss range the {@code losses} file keeps, in the order they were opened
 * @param backlogs what each sink's directory still holds unsettled on disk, by sink
 */
public record LedgerSnapshot(Map<String, LedgerTotals> totals, List<DeliveryRecord> records,
                             List<LossRange> losses, Map<String, BacklogOnDisk> backlogs) {

    public LedgerSnapshot {
        totals = Map.copyOf(totals);
        records = List.copyOf(records);
        losses = List.copyOf(losses);
        backlogs = Map.copyOf(backlogs);
    }

    /**
     * The unsettled samples of one sink's segments, from its durable cursor on: what a restart would send.
     * Samples settled since the last cursor write still count, as they would be resent.
     */
    public record BacklogOnDisk(long samples, long bytes) {
    }

    /** Every sink name the data directory knows, from the totals and from the backlog directories, sorted. */
    public List<String> sinks() {
        TreeMap<String, Boolean> names = new TreeMap<>();
        totals.keySet().forEach(name -> names.put(name, true));
        backlogs.keySet().forEach(name -> names.put(name, true));
        return List.copyOf(names.keySet());
    }

    /**
     * Reads the ledger in {@code dataDir}.
     *
     * @param keep  which records to keep
     * @param limit the most records to keep, the newest
     * @param now   ranges the file still has open but with no loss for the quiet period before it are shown
     *              closed, at the end of that period, as a running ledger would have closed them
     * @throws UncheckedIOException when a file that exists cannot be read
     */
    public static LedgerSnapshot read(Path dataDir, Predicate<DeliveryRecord> keep, int limit, Instant now) {
        Map<String, LedgerTotals> totals = new LinkedHashMap<>();
        ArrayDeque<DeliveryRecord> records = new ArrayDeque<>();
        try {
            LedgerLog.readOnly(dataDir, new DeliveryRecordCodec.Visitor() {
                @Override
                public void record(DeliveryRecord record) {
                    totals.put(record.sink(), totals.getOrDefault(record.sink(), LedgerTotals.ZERO).plus(record));
                    if (limit > 0 && keep.test(record)) {
                        if (records.size() == limit) {
                            records.removeFirst();
                        }
                        records.addLast(record);
                    }
                }

                @Override
                public void totals(String sink, LedgerTotals sinkTotals) {
                    totals.put(sink, sinkTotals);
                }
            });
            List<LossRange> losses = new ArrayList<>();
            for (LossRange range : LossLog.readOnly(dataDir)) {
                Instant quietSince = range.lastLoss().plus(LossRanges.QUIET_PERIOD);
                losses.add(range.open() && !quietSince.isAfter(now) ? new LossRange(range.id(), range.origin(),
                        range.name(), range.reason(), range.count(), range.firstSample(), range.lastSample(),
                        range.firstLoss(), range.lastLoss(), quietSince) : range);
            }
            return new LedgerSnapshot(totals, new ArrayList<>(records), losses, backlogs(dataDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ledger in " + dataDir, e);
        }
    }

    // A sink's directory is the one with a cursor or a segment in it; its name is decoded from %XX.
    private static Map<String, BacklogOnDisk> backlogs(Path dataDir) throws IOException {
        Map<String, BacklogOnDisk> found = new LinkedHashMap<>();
        if (!Files.isDirectory(dataDir)) {
            return found;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dataDir, Files::isDirectory)) {
            for (Path dir : dirs) {
                String name = sinkName(dir.getFileName().toString());
                List<Path> segments = segments(dir);
                if (name != null && (Files.exists(dir.resolve(CursorFile.NAME)) || !segments.isEmpty())) {
                    found.put(name, unsettled(name, dir, segments));
                }
            }
        }
        return found;
    }

    private static List<Path> segments(Path dir) throws IOException {
        List<Path> segments = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SegmentLog.SUFFIX)) {
            files.forEach(segments::add);
        }
        // Named by their first sequence, in 20 digits: the name order is the sequence order.
        segments.sort(null);
        return segments;
    }

    private static BacklogOnDisk unsettled(String sink, Path dir, List<Path> segments) throws IOException {
        long cursor = Math.max(0, new CursorFile(sink, dir).read());
        long samples = 0;
        long bytes = 0;
        for (Path segment : segments) {
            try (FileChannel file = FileChannel.open(segment, StandardOpenOption.READ)) {
                LogFrames.Reader reader = new LogFrames.Reader(file, 0, file.size());
                ByteBuffer payload;
                while ((payload = reader.next()) != null) {
                    // A segment payload starts with the sample's sequence number (8 bytes, big-endian).
                    if (payload.remaining() >= Long.BYTES && payload.getLong(0) >= cursor) {
                        samples++;
                        bytes += reader.lastFrameBytes();
                    }
                }
            } catch (NoSuchFileException e) {
                // Deleted by the running courier after its cursor passed it: nothing in it was owed.
            }
        }
        return new BacklogOnDisk(samples, bytes);
    }

    /** The sink whose directory is {@code directory} ({@link FileDeliveryLedger#directoryName}), or null when none could be. */
    static String sinkName(String directory) {
        byte[] out = new byte[directory.length()];
        int length = 0;
        for (int i = 0; i < directory.length(); i++) {
            char c = directory.charAt(i);
            if (c == '%' && i + 2 < directory.length() && Character.digit(directory.charAt(i + 1), 16) >= 0
                    && Character.digit(directory.charAt(i + 2), 16) >= 0) {
                out[length++] = (byte) Integer.parseInt(directory.substring(i + 1, i + 3), 16);
                i += 2;
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '-') {
                out[length++] = (byte) c;
            } else {
                return null;
            }
        }
        return new String(out, 0, length, StandardCharsets.UTF_8);
    }
}
