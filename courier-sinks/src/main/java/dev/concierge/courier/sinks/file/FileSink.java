package dev.concierge.courier.sinks.file;

import dev.concierge.courier.core.spi.FailureText;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.sinks.file.FileSinkConfig.Fsync;
import dev.concierge.courier.sinks.file.ZabbixSenderLineWriter.Line;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends batches to a file in {@code zabbix_sender -T -N -i} input format, one line per sample (see
 * {@link ZabbixSenderLineWriter}), for hosts that forward values with {@code zabbix_sender} themselves or
 * that keep an audit trail of what was sent.
 *
 * <p><b>Outcome of a batch.</b>
 * <ul>
 *   <li>Every line written (and forced to the disk with {@code fsync: every_batch}):
 *       {@link DeliveryOutcome.Delivered}, {@code "appended N lines to /path, fsynced"}.</li>
 *   <li>Some samples could not be written exactly (non-finite decimals, a clock outside uint31, a host
 *       {@code -}; see {@link ZabbixSenderLineWriter}): the rest is written and the outcome is
 *       {@link DeliveryOutcome.PartiallyRejected} naming the reasons; skipped samples are counted in
 *       {@link #nonFiniteSkipped()} and {@link #unwritableSkipped()}.</li>
 *   <li>Any {@link IOException} (disk full, permission denied, a parent that is not a directory, an I/O
 *       error): {@link DeliveryOutcome.Retry} with the error and a WARN line; the pipeline backs off and
 *       sends the same batch again, so nothing is lost.</li>
 * </ul>
 *
 * <p><b>Never half a line.</b> A batch is encoded into one buffer and written at the end of the last
 * complete line. If a write or fsync fails part-way, the file is truncated back to where the batch began
 * and closed; it is reopened on the next batch. Every time the file is opened, a last line without its
 * {@code \n} (left by a crash, or by a failed truncation) is cut off, with a WARN line: those samples
 * belong to a batch that was never reported delivered, so the pipeline sends them again. Lines never hold
 * a raw newline (it is escaped), so {@code zabbix_sender} never sees a torn line.
 *
 * <p><b>Directories.</b> Missing parent directories are created, so a spool directory needs no separate
 * setup; a parent that exists but is not a directory is an I/O error like any other (Retry).
 *
 * <p><b>Rotation.</b> With {@code rotate_size}, a batch that would take a non-empty file past that size
 * first renames the file to {@code <file>.<n>} in the same directory, where {@code n} is one more than the
 * highest such number present (1 if none), and starts a new file. A rotated file holds only complete
 * lines and is never written again, so a consumer can feed rotated files to {@code zabbix_sender} in
 * numeric order of {@code n} and delete them; it should leave the active file alone. A single batch larger
 * than {@code rotate_size} still goes into one file. There is no limit on the number of rotated files.
 *
 * <p><b>Threads.</b> {@link #send} encodes on the caller's thread and never blocks: the file is written on
 * the sink's own thread, in order, one batch at a time. A write to a hung file system holds the stage for
 * as long as the operating system does. {@link #close} lets queued batches finish, then closes the file.
 */
public final class FileSink implements Sink, CountsEvents {
    private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);

    /** How long {@link #close} waits for queued writes. */
    private static final long CLOSE_WAIT_SECONDS = 10;
    private static final int TAIL_SCAN_BYTES = 8192;

    /** Opens the file for reading and writing, creating it; tests substitute a failing disk. */
    interface Channels {
        Channels DEFAULT = path -> FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE);

        FileChannel open(Path path) throws IOException;
    }

    private final FileSinkConfig config;
    private final ZabbixSenderLineWriter writer;
    private final Channels channels;
    private final ExecutorService io;
    private final Pattern rotatedName;
    private final LongAdder nonFiniteSkipped = new LongAdder();
    private final LongAdder unwritableSkipped = new LongAdder();
    private final LongAdder writeErrors = new LongAdder();
    private final LongAdder tornLinesCut = new LongAdder();
    private volatile boolean closed;

    // Confined to the io thread.
    private FileChannel channel;
    private long committed; // bytes of complete lines in the open file: where the next batch goes

    private FileSink(FileSinkConfig config, Channels channels) {
        this.config = config;
        this.writer = new ZabbixSenderLineWriter(config.host(), config.nameEscaping());
        this.channels = channels;
        this.rotatedName = Pattern.compile(Pattern.quote(config.path().getFileName().toString()) + "\\.([0-9]{1,18})");
        this.io = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "file-sink-" + config.name());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A sink with its own writer thread; the file is opened (and created) by the first {@link #send}. */
    public static FileSink create(FileSinkConfig config) {
        return create(config, Channels.DEFAULT);
    }

    static FileSink create(FileSinkConfig config, Channels channels) {
        FileSink sink = new FileSink(config, channels);
        LOG.info("File sink {}: path {}, host {}, fsync {}, {} samples per batch, rotation {}", config.name(),
                config.path(), config.host() == null ? "from each sample" : config.host(),
                config.fsync().configName(), config.maxBatchSize(),
                config.rotateSize() == 0 ? "off" : "at " + config.rotateSize() + " bytes");
        return sink;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public int maxBatchSize() {
        return config.maxBatchSize();
    }

    /** Non-finite decimals skipped since the sink was created. */
    public long nonFiniteSkipped() {
        return nonFiniteSkipped.sum();
    }

    /** Samples skipped because no {@code zabbix_sender} line can carry them exactly (see the line writer). */
    public long unwritableSkipped() {
        return unwritableSkipped.sum();
    }

    /** Batches answered with Retry because of an I/O error. */
    public long writeErrors() {
        return writeErrors.sum();
    }

    /** Incomplete last lines cut off when the file was opened. */
    public long tornLinesCut() {
        return tornLinesCut.sum();
    }

    @Override
    public Map<String, LongSupplier> events() {
        return Map.of("non_finite_skipped", this::nonFiniteSkipped, "unwritable_skipped", this::unwritableSkipped,
                "write_errors", this::writeErrors, "torn_lines_cut", this::tornLinesCut);
    }

    @Override
    public CompletionStage<DeliveryOutcome> send(Batch batch) {
        if (closed) {
            return CompletableFuture.completedFuture(DeliveryOutcome.Retry.of("sink " + config.name() + " is closed"));
        }
        StringBuilder text = new StringBuilder(batch.size() * 64);
        Map<Line, Integer> skips = new EnumMap<>(Line.class);
        int lines = 0;
        for (Sample sample : batch.samples()) {
            Line line = writer.append(text, sample);
            if (line == Line.WRITTEN) {
                lines++;
            } else {
                skips.merge(line, 1, Integer::sum);
            }
        }
        int skipped = batch.size() - lines;
        String skippedNote = skipped == 0 ? "" : "; skipped " + skipped + " " + describe(skips);
        if (skipped > 0) {
            int nonFinite = skips.getOrDefault(Line.NON_FINITE, 0);
            nonFiniteSkipped.add(nonFinite);
            unwritableSkipped.add(skipped - nonFinite);
            LOG.debug("File sink {}: batch {}{}", config.name(), batch.id(), skippedNote);
        }
        if (lines == 0) {
            return CompletableFuture.completedFuture(new DeliveryOutcome.PartiallyRejected(0, skipped,
                    "nothing to append" + skippedNote));
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        int written = lines;
        try {
            return CompletableFuture.supplyAsync(() -> append(batch.id(), bytes, written, skipped, skippedNote), io);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(DeliveryOutcome.Retry.of("sink " + config.name() + " is closed"));
        }
    }

    private static String describe(Map<Line, Integer> skips) {
        StringBuilder s = new StringBuilder("(");
        skips.forEach((line, count) -> s.append(s.length() > 1 ? ", " : "").append(count).append(' ')
                .append(line.reason()));
        return s.append(')').toString();
    }

    /** Runs on the io thread. */
    private DeliveryOutcome append(long batchId, byte[] bytes, int lines, int skipped, String skippedNote) {
        boolean fsync = config.fsync() == Fsync.EVERY_BATCH;
        try {
            FileChannel file = open();
            if (config.rotateSize() > 0 && committed > 0 && committed + bytes.length > config.rotateSize()) {
                rotate();
                file = open();
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long position = committed;
            while (buffer.hasRemaining()) {
                position += file.write(buffer, position);
            }
            if (fsync) {
                file.force(false);
            }
            committed = position;
        } catch (IOException | RuntimeException e) {
            writeErrors.increment();
            abandon();
            String cause = describe(e);
            // The runner logs the failed attempt, once per failure episode.
            LOG.debug("File sink {}: batch {} of {} lines not appended to {}, will retry: {}", config.name(), batchId,
                    lines, config.path(), cause);
            return DeliveryOutcome.Retry.of(config.path() + ": " + cause);
        }
        String detail = "appended " + lines + " lines to " + config.path() + (fsync ? ", fsynced" : "") + skippedNote;
        LOG.debug("File sink {}: batch {}: {}", config.name(), batchId, detail);
        return skipped == 0 ? new DeliveryOutcome.Delivered(detail)
                : new DeliveryOutcome.PartiallyRejected(lines, skipped, detail);
    }

    /** The open file, opening (and creating, and repairing) it first if needed. */
    private FileChannel open() throws IOException {
        if (channel != null) {
            return channel;
        }
        Path path = config.path();
        Path dir = path.getParent();
        Files.createDirectories(dir);
        boolean created = !Files.exists(path);
        FileChannel file = channels.open(path);
        try {
            committed = cutTornLastLine(file);
            if (created && config.fsync() == Fsync.EVERY_BATCH) {
                syncDirectory(dir);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(file);
            throw e;
        }
        channel = file;
        return file;
    }

    /** Truncates the file after its last {@code \n}; returns the new size. */
    private long cutTornLastLine(FileChannel file) throws IOException {
        long size = file.size();
        long keep = 0;
        ByteBuffer chunk = ByteBuffer.allocate(TAIL_SCAN_BYTES);
        for (long end = size; end > 0 && keep == 0; ) {
            int length = (int) Math.min(chunk.capacity(), end);
            long from = end - length;
            chunk.clear().limit(length);
            while (chunk.hasRemaining()) {
                if (file.read(chunk, from + chunk.position()) < 0) {
                    throw new IOException("file shrank to less than " + size + " bytes while being read");
                }
            }
            for (int i = length - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    keep = from + i + 1;
                    break;
                }
            }
            end = from;
        }
        if (keep < size) {
            file.truncate(keep);
            if (config.fsync() == Fsync.EVERY_BATCH) {
                file.force(false);
            }
            tornLinesCut.increment();
            LOG.warn("File sink {}: cut an incomplete last line of {} bytes from {}; its batch is sent again",
                    config.name(), size - keep, config.path());
        }
        return keep;
    }

    /** Renames the file to the next free {@code <file>.<n>}; the next {@link #open} starts a new one. */
    private void rotate() throws IOException {
        FileChannel file = channel;
        channel = null;
        file.close();
        Path path = config.path();
        long n = highestRotated() + 1;
        Path target = path.resolveSibling(path.getFileName() + "." + n);
        while (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            target = path.resolveSibling(path.getFileName() + "." + (++n));
        }
        // A rename within one directory; ATOMIC_MOVE keeps it from ever degrading into a copy.
        Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
        if (config.fsync() == Fsync.EVERY_BATCH) {
            syncDirectory(path.getParent());
        }
        LOG.info("File sink {}: rotated {} bytes to {}", config.name(), committed, target);
        committed = 0;
    }

    private long highestRotated() throws IOException {
        try (Stream<Path> siblings = Files.list(config.path().getParent())) {
            return siblings.map(p -> rotatedName.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToLong(m -> Long.parseLong(m.group(1)))
                    .max().orElse(0);
        }
    }

    /** Makes a new or renamed directory entry durable, as fsync on the file alone does not. */
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** After a failed write: cuts what this batch wrote, if it can, and closes the file for a fresh open. */
    private void abandon() {
        FileChannel file = channel;
        channel = null;
        if (file == null) {
            return;
        }
        try {
            if (file.size() > committed) {
                file.truncate(committed);
            }
        } catch (IOException e) {
            // The next open cuts the torn line instead.
            LOG.debug("File sink {}: truncating {} after a failed write: {}", config.name(), config.path(),
                    describe(e));
        }
        closeQuietly(file);
    }

    private void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException e) {
            LOG.debug("File sink {}: closing {}: {}", config.name(), config.path(), describe(e));
        }
    }

    private static String describe(Throwable e) {
        return FailureText.of(e);
    }

    /** Lets queued batches finish (waiting up to 10 s), then closes the file; later sends answer Retry. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            io.execute(() -> {
                if (channel != null) {
                    closeQuietly(channel);
                    channel = null;
                }
            });
        } catch (RejectedExecutionException e) {
            // already shut down
        }
        io.shutdown();
        try {
            if (!io.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("File sink {}: writes to {} still running after {} s; closing anyway", config.name(),
                        config.path(), CLOSE_WAIT_SECONDS);
                io.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            io.shutdownNow();
        }
        LOG.info("File sink {}: closed", config.name());
    }
}
