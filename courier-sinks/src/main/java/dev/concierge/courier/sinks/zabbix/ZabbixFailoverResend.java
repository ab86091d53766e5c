package dev.concierge.courier.sinks.zabbix;

import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The frames a Zabbix server acknowledged just before it became unreachable, to be sent again once a node
 * answers. A trapper answers {@code processed} when the values are in its history cache, in memory; the
 * history syncers write them to the database about a second later. A node killed in between (a crash, the
 * {@code kill -9} of an HA failover test) loses values it had acknowledged: seen here with a real 6.0
 * cluster, the last 0.6 s before the kill. No sender can tell which, so the sink sends again every frame
 * acknowledged within {@link #window} before the outage; a value that did reach the database is dropped
 * there as a duplicate, since history is keyed by item, {@code clock} and {@code ns} (PEERS.md, "Always send
 * ns").
 *
 * <p>An outage begins with a frame that no node would take ({@link #unreachable}); it ends with the next
 * frame a node answers ({@link #reachable}), which hands back what to send again. At most {@link #maxRows}
 * rows are kept; the oldest frames go first. Thread-safe: called from the client's event loop and from the
 * sink's caller.
 */
final class ZabbixFailoverResend {
    private final Duration window;
    private final int maxRows;
    private final long maxBytes;
    private final Clock clock;
    private final ArrayDeque<Acknowledged> recent = new ArrayDeque<>(); // guarded by this, oldest first
    private final List<List<Row>> owed = new ArrayList<>(); // guarded by this: to send again, not yet answered
    private int rows; // guarded by this: rows in recent
    private long bytes; // guarded by this: the rows' estimated bytes in recent
    private boolean outage; // guarded by this
    private long rowsResent; // guarded by this

    private record Acknowledged(Instant at, List<Row> frame, long bytes) {
    }

    ZabbixFailoverResend(Duration window, int maxRows, Clock clock) {
        this(window, maxRows, Long.MAX_VALUE, clock);
    }

    ZabbixFailoverResend(Duration window, int maxRows, long maxBytes, Clock clock) {
        if (window.isNegative() || maxRows < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("window, maxRows, maxBytes: " + window + ", " + maxRows + ", "
                    + maxBytes + " (expected: >= 0, >= 0 and >= 0)");
        }
        this.window = window;
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A node answered {@code frame}'s rows; remembered for {@link #window}. */
    synchronized void acknowledged(List<Row> frame) {
        if (window.isZero() || frame.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        long frameBytes = 0;
        for (Row row : frame) {
            frameBytes += row.estimatedBytes();
        }
        recent.addLast(new Acknowledged(now, frame, frameBytes));
        rows += frame.size();
        bytes += frameBytes;
        Instant oldest = now.minus(window);
        while (!recent.isEmpty()
                && (recent.peekFirst().at().isBefore(oldest) || rows > maxRows || bytes > maxBytes)) {
            Acknowledged dropped = recent.removeFirst();
            rows -= dropped.frame().size();
            bytes -= dropped.bytes();
        }
    }

    /** No node took a frame: an outage begins, and what was acknowledged just before it is kept as it is. */
    synchronized void unreachable() {
        outage = true;
    }

    /**
     * A node answered a frame. After an outage, returns the frames acknowledged within the window before it
     * (and any that an earlier resend did not get answered), which the caller sends again; otherwise none.
     */
    synchronized List<List<Row>> reachable() {
        if (outage) {
            outage = false;
            for (Acknowledged acknowledged : recent) {
                owed.add(acknowledged.frame());
            }
            recent.clear();
            rows = 0;
            bytes = 0;
        }
        if (owed.isEmpty()) {
            return List.of();
        }
        List<List<Row>> due = List.copyOf(owed);
        owed.clear();
        for (List<Row> frame : due) {
            rowsResent += frame.size();
        }
        return due;
    }

    /** A frame sent again was not answered: owed until a node answers again. */
    synchronized void notAnswered(List<Row> frame) {
        owed.add(frame);
        rowsResent -= frame.size();
    }

    /** Rows sent again after outages since the sink started. */
    synchronized long rowsResent() {
        return rowsResent;
    }

    /** How far back acknowledged frames are kept. */
    Duration window() {
        return window;
    }
}
