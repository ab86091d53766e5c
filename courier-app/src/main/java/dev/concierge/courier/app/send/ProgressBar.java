package dev.concierge.courier.app.send;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on stderr for a large input file, redrawn four times a second from its own
 * daemon thread, and cleared when the run ends. It is shown only when stderr is a terminal, so scripts
 * that capture or pipe stderr see nothing.
 *
 * <p>The JDK cannot ask whether one particular stream is a terminal ({@code System.console()} needs both
 * stdin and stdout to be one), so {@link #stderrIsTerminal} runs {@code test -t 2} with the courier's own
 * stderr handed down: a few milliseconds, paid only for large inputs.
 */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final ScheduledExecutorService timer;
    private final long totalBytes;
    private final LongSupplier bytesRead;
    private final LongSupplier rowsRead;
    private final LongSupplier rowsDone;

    private ProgressBar(PrintStream err, long totalBytes, LongSupplier bytesRead, LongSupplier rowsRead,
                        LongSupplier rowsDone) {
        this.err = err;
        this.totalBytes = totalBytes;
        this.bytesRead = bytesRead;
        this.rowsRead = rowsRead;
        this.rowsDone = rowsDone;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "courier-send-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::draw, 250, 250, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a bar for an input of {@code totalBytes}.
     *
     * @param bytesRead how much of the input has been read
     * @param rowsRead  how many values have been read
     * @param rowsDone  how many values the server has answered for
     */
    static ProgressBar start(PrintStream err, long totalBytes, LongSupplier bytesRead, LongSupplier rowsRead,
                             LongSupplier rowsDone) {
        return new ProgressBar(err, totalBytes, bytesRead, rowsRead, rowsDone);
    }

    /** True when this process's stderr is a terminal, asked of {@code test -t 2}. */
    static boolean stderrIsTerminal() {
        try {
            Process test = new ProcessBuilder("test", "-t", "2")
                    .redirectOutput(Redirect.DISCARD)
                    .redirectError(Redirect.INHERIT)
                    .start();
            return test.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void draw() {
        long read = rowsRead.getAsLong();
        long done = rowsDone.getAsLong();
        double readFraction = totalBytes <= 0 ? 1.0 : Math.min(1.0, bytesRead.getAsLong() / (double) totalBytes);
        // Values expected in the whole input, extrapolated from what has been read.
        double expected = readFraction <= 0 ? 0 : read / readFraction;
        double fraction = expected <= 0 ? 0 : Math.min(1.0, done / expected);
        int filled = (int) Math.round(fraction * WIDTH);
        String line = String.format(Locale.ROOT, "\r[%s%s] %3d%% %,d values sent", "#".repeat(filled),
                "-".repeat(WIDTH - filled), Math.round(fraction * 100), done);
        synchronized (err) {
            err.print(line);
            err.flush();
        }
    }

    /** Stops redrawing and clears the line. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (err) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
