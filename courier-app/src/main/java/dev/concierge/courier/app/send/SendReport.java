package dev.concierge.courier.app.send;

import dev.concierge.courier.sinks.zabbix.client.ZabbixExchange;
import dev.concierge.courier.sinks.zabbix.client.ZabbixResponse;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code courier send} prints and how it ends, worded as {@code zabbix_sender} 6.0 words it: one
 * {@code Response from "host:port": "<info>"} line per answered request, log lines as
 * {@code <program> [pid]: ERROR|Warning|DEBUG: ...} on stdout, and the closing
 * {@code sent: N; skipped: N; total: N} or {@code Sending failed.}. Exit codes: 0 every value processed,
 * 2 sent but some value failed, 1 sending failed.
 *
 * <p>A request whose answer is not {@code success}, or that got no answer, fails the whole run (as one failed
 * batch stops {@code zabbix_sender}); {@link #failed()} then tells the senders to send nothing more.
 * Thread-safe: replies are recorded from the client's event loop threads.
 */
final class SendReport {
    private final PrintStream out;
    private final String prefix;
    private final int verbosity;
    private final String server;
    private final Duration readTimeout;
    private final AtomicBoolean failed = new AtomicBoolean();
    private final AtomicBoolean partial = new AtomicBoolean();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failedValues = new AtomicLong();
    private final AtomicLong rowsAnswered = new AtomicLong();

    /**
     * @param out       where {@code zabbix_sender} writes: its stdout
     * @param program   the name in log lines
     * @param verbosity how many {@code -v}
     * @param server      {@code host:port} for the response lines
     * @param readTimeout {@code -t}, for the line about a request that got no reply in time
     */
    SendReport(PrintStream out, String program, int verbosity, String server, Duration readTimeout) {
        this.out = out;
        this.prefix = program + " [" + ProcessHandle.current().pid() + "]: ";
        this.verbosity = verbosity;
        this.server = server;
        this.readTimeout = readTimeout;
    }

    /** Records one request's outcome and prints what {@code zabbix_sender} prints for it. */
    void record(ZabbixExchange exchange) {
        if (!exchange.answered()) {
            debug(wording(exchange.failure()));
            failed.set(true);
            return;
        }
        ZabbixResponse response = exchange.response();
        debug("answer [" + new String(response.toJson(), StandardCharsets.UTF_8) + "]");
        if (!response.isSuccess()) {
            warning("incorrect answer from \"" + server + "\": [" + new String(response.toJson(),
                    StandardCharsets.UTF_8) + "]");
            failed.set(true);
            return;
        }
        rowsAnswered.addAndGet(exchange.rows());
        if (response.info() != null) {
            synchronized (out) {
                out.println("Response from \"" + server + "\": \"" + response.info() + "\"");
                out.flush();
            }
            // zabbix_sender reads only "processed: %*d; failed: %d".
            ZabbixResponse.Counts counts = response.counts();
            if (counts != null) {
                processed.addAndGet(counts.processed());
                failedValues.addAndGet(counts.failed());
                if (counts.failed() > 0) {
                    partial.set(true);
                }
            }
        }
    }

    /** A request that got no reply, worded as {@code zabbix_sender} words it. */
    private String wording(ZabbixExchange.Failure failure) {
        String at = "[" + server + "]";
        return switch (failure.stage()) {
            case CONNECT -> "cannot connect to " + at + ": " + failure.cause();
            case TLS_HANDSHAKE -> "TCP successful, cannot establish TLS to " + at + ": TLS handshake: "
                    + failure.cause();
            case READ_TIMEOUT -> "no reply from " + at + " within " + readTimeout.toSeconds() + " s";
            case RECEIVE -> "cannot receive from " + at + ": " + failure.cause();
            case CLOSED -> "connection to " + at + " closed before a reply";
            case REPLY -> "incorrect answer from " + at + ": " + failure.cause();
            case CLIENT_CLOSED, RENDER, WRITE -> "cannot send to " + at + ": " + failure.cause();
        };
    }

    /** Marks the run failed without a reply, e.g. for a malformed line. */
    void fail() {
        failed.set(true);
    }

    boolean failed() {
        return failed.get();
    }

    /** Rows in requests answered with {@code success}. */
    long rowsAnswered() {
        return rowsAnswered.get();
    }

    /** The sum of {@code processed} over every answer. */
    long processed() {
        return processed.get();
    }

    /** The sum of {@code failed} over every answer. */
    long failedValues() {
        return failedValues.get();
    }

    /** Logged at {@code zabbix_sender}'s critical level: always printed, as {@code ERROR}. */
    void error(String message) {
        line("ERROR: " + message);
    }

    /** Printed with {@code -v}. */
    void warning(String message) {
        if (verbosity >= 1) {
            line("Warning: " + message);
        }
    }

    /** Printed with {@code -vv}. */
    void debug(String message) {
        if (verbosity >= 2) {
            line("DEBUG: " + message);
        }
    }

    private void line(String text) {
        synchronized (out) {
            out.println(prefix + text);
            out.flush();
        }
    }

    /**
     * Prints the closing line and returns the exit code.
     *
     * @param sent  values read and queued ({@code zabbix_sender}'s succeed_count)
     * @param total lines read, the failing one included
     */
    int finish(long sent, long total) {
        synchronized (out) {
            if (failed.get()) {
                out.println("Sending failed." + (verbosity >= 2 ? "" : " Use option -vv for more detailed output."));
            } else {
                out.println("sent: " + sent + "; skipped: " + (total - sent) + "; total: " + total);
            }
            out.flush();
        }
        return failed.get() ? 1 : partial.get() ? 2 : 0;
    }
}
