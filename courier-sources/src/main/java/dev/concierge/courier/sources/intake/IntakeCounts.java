package dev.concierge.courier.sources.intake;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The counts of one intake: connections refused or cut off, requests refused, and rows the intake answered
 * as failed. Each is an event of the source ({@link dev.concierge.courier.core.spi.CountsEvents}), so the admin
 * {@code /metrics} shows them beside the samples the source handed on. Thread-safe; counts only grow.
 */
public final class IntakeCounts {
    /** A client whose address {@link AllowedPeers} does not allow; closed at once. */
    public final AtomicLong refusedNotAllowed = new AtomicLong();
    /** A client over the connection limit; closed at once. */
    public final AtomicLong refusedOverConnectionLimit = new AtomicLong();
    /** A client that had not sent its whole request within the time allowed; cut off. */
    public final AtomicLong requestsTimedOut = new AtomicLong();
    /** A request that is not the protocol, or over the size limit; the connection closed without a reply. */
    public final AtomicLong requestsMalformed = new AtomicLong();
    /** A TLS handshake that failed, or plain text where TLS is required. */
    public final AtomicLong tlsFailures = new AtomicLong();
    /** Values (rows, lines) the intake refused: malformed, over a limit, or a full ring. */
    public final AtomicLong valuesRefused = new AtomicLong();
    /** Requests whose values were not durable in time: answered as failed so the client sends them again. */
    public final AtomicLong acknowledgementsTimedOut = new AtomicLong();

    /** The counts by event name, in a fixed order. */
    public Map<String, LongSupplier> events() {
        Map<String, LongSupplier> events = new LinkedHashMap<>();
        events.put("connections_refused_not_allowed", refusedNotAllowed::get);
        events.put("connections_refused_over_limit", refusedOverConnectionLimit::get);
        events.put("requests_timed_out", requestsTimedOut::get);
        events.put("requests_malformed", requestsMalformed::get);
        events.put("tls_failures", tlsFailures::get);
        events.put("values_refused", valuesRefused::get);
        events.put("acknowledgements_timed_out", acknowledgementsTimedOut::get);
        return events;
    }
}
