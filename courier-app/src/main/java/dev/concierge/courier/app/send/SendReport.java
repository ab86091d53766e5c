package dev.concierge.courier.app.send;

import dev.concierge.courier.sinks.zabbix.client.ZabbixExchange;
import dev.concierge.courier.sinks.zabbix.client.ZabbixResponse;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@code courier send} prints and how it ends, worded as {@code zabbix_sender} 6.0 words it: one
 * {@code Response from "host:port": "<info>"} line per answered request, naming the node that answered, log
 * lines as {@code <program> [pid]: ERROR|Warning|DEBUG: ...} on stdout, and the closing
 * {@code sent: N; skipped: N; total: N} or {@code Sending failed.}.
 *
 * <p><b>Destinations.</b> Every value goes to every {@link Destination} ({@code -z a,b}), independently. A
 * request to a destination whose answer is not {@code success}, or that got no answer, fails that
 * destination (as one failed batch stops a {@code zabbix_sender} sender thread) and nothing more is sent
 * to it. Exit codes, as {@code zabbix_sender} 6.0.14 gives them (seen side by side in
 * {@code SendToClusterTest}): 0 every destination processed every value; 2 some value failed, or some
 * destinations failed while others did not; 1 every destination failed, or the input did ({@link #fail}),
 * which prints {@code Sending failed.} instead of the counts.
 *
 * <p>Thread-safe: replies are recorded from the client's event loop threads.
 */
final class SendReport {
    private final PrintStream out;
    private final String prefix;
    private final int verbosity;
    private final Duration readTimeout;
    private final List<Destination> destinations = new CopyOnWriteArrayList<>();
    private final AtomicBoolean inputFailed = new AtomicBoolean();
    private final AtomicBoolean partial = new AtomicBoolean();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failedValues = new AtomicLong();
    private final AtomicLong rowsAnswered = new AtomicLong();

    /**
     * @param out         where {@code zabbix_sender} writes: its stdout
     * @param program     the name in log lines
     * @param verbosity   how many {@code -v}
     * @param readTimeout {@code -t}, for the line about a request that got no reply in time
     */
    SendReport(PrintStream out, String program, int verbosity, Duration readTimeout) {
        this.out = out;
        this.prefix = program + " [" + ProcessHandle.current().pid() + "]: ";
        this.verbosity = verbosity;
        this.readTimeout = readTimeout;
    }

    /** A destination whose requests this report records; {@code server} names it until a node answers. */
    Destination destination(String server) {
        Destination destination = new Destination(server);
        destinations.add(destination);
        return destination;
    }

    /** One destination: a server, or the nodes of a cluster. */
    final class Destination {
        private final String server;
        private final AtomicBoolean failed = new AtomicBoolean();

        private Destination(String server) {
            this.server = server;
        }

        /** True once nothing more should be sent here: this destination failed, or the input did. */
        boolean stopped() {
            return failed.get() || inputFailed.get();
        }

        /** Records one request's outcome and prints what {@code zabbix_sender} prints for it. */
        void record(ZabbixExchange exchange) {
            String node = exchange.server().isEmpty() ? server : exchange.server();
            for (ZabbixExchange.Refusal refusal : exchange.refused()) {
                debug("cannot connect to [" + refusal.server() + "]: " + refusal.cause());
            }
            if (!exchange.answered()) {
                debug(wording(node, exchange.failure()));
                failed.set(true);
                return;
            }
            ZabbixResponse response = exchange.response();
            debug("answer [" + new String(response.toJson(), StandardCharsets.UTF_8) + "]");
            if (!response.isSuccess()) {
                warning("incorrect answer from \"" + node + "\": [" + new String(response.toJson(),
                        StandardCharsets.UTF_8) + "]");
                failed.set(true);
                return;
            }
            rowsAnswered.addAndGet(exchange.rows());
            if (response.info() != null) {
                synchronized (out) {
                    out.println("Response from \"" + node + "\": \"" + response.info() + "\"");
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
    }

    /** A request that got no reply, worded as {@code zabbix_sender} words it. */
    private String wording(String server, ZabbixExchange.Failure failure) {
        String at = "[" + server + "]";
        return switch (failure.stage()) {
            case CONNECT -> "cannot connect to " + at + ": " + failure.cause();
            case TLS_HANDSHAKE -> "TCP successful, cannot establish TLS to " + at + ": TLS handshake: "
                    + failure.cause();
            case READ_TIMEOUT -> "no reply from " + at + " within " + readTimeout.toSeconds() + " s";
            case RECEIVE -> "cannot receive from " + at + ": " + failure.cause();
            case CLOSED -> "connection to " + at + " closed before a reply";
            case REPLY -> "incorrect answer from " + at + ": " + failure.cause();
            case CLIENT_CLOSED, RENDER, WRITE, REDIRECT -> "cannot send to " + at + ": " + failure.cause();
        };
    }

    /** Marks the run failed without a reply, e.g. for a malformed line: nothing more is sent anywhere. */
    void fail() {
        inputFailed.set(true);
    }

    /** True when the run has failed: the input did, or every destination did. */
    boolean failed() {
        return inputFailed.get() || !destinations.isEmpty() && destinations.stream().allMatch(d -> d.failed.get());
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
        boolean failed = failed();
        synchronized (out) {
            if (failed) {
                out.println("Sending failed." + (verbosity >= 2 ? "" : " Use option -vv for more detailed output."));
            } else {
                out.println("sent: " + sent + "; skipped: " + (total - sent) + "; total: " + total);
            }
            out.flush();
        }
        boolean someFailed = destinations.stream().anyMatch(d -> d.failed.get());
        return failed ? 1 : partial.get() || someFailed ? 2 : 0;
    }
}
