package dev.concierge.courier.sinks.zabbix;

import dev.concierge.courier.sinks.zabbix.client.ZabbixResponse;
import java.util.Locale;

/**
 * How one frame (one connection) went; {@link ZabbixSink} combines these into a batch's outcome.
 *
 * @param kind      processed (the server counted the rows), rejected (the server refused the request) or
 *                  retry (unknown outcome: transport failure or an answer we cannot trust)
 * @param rows      rows sent in the frame
 * @param processed rows the server processed; 0 unless {@code kind} is processed
 * @param failed    rows the server counted as failed; 0 unless {@code kind} is processed
 * @param detail    the server's info, or what went wrong
 */
record ZabbixFrameResult(Kind kind, int rows, int processed, int failed, String detail) {

    enum Kind { PROCESSED, REJECTED, RETRY }

    static ZabbixFrameResult retry(int rows, String detail) {
        return new ZabbixFrameResult(Kind.RETRY, rows, 0, 0, detail);
    }

    /**
     * Classifies a reply to a frame of {@code rowsSent} rows. {@code success} with counts that add up is
     * processed; {@code failed} is rejected unless the server says it is shutting down or paused, which
     * passes. Anything else (no counts, counts that disagree with what was sent, an unknown response) is
     * an answer we cannot settle rows on, so the frame is retried.
     */
    static ZabbixFrameResult of(ZabbixResponse reply, int rowsSent) {
        String info = reply.info() == null ? "(no info)" : reply.info();
        if (reply.isSuccess()) {
            ZabbixResponse.Counts c = reply.counts();
            if (c == null) {
                return retry(rowsSent, "reply: success without counts, info " + info
                        + " (expected: processed: N; failed: N; total: N)");
            }
            if (c.total() != rowsSent || c.processed() + c.failed() != c.total()) {
                return retry(rowsSent, "reply: total " + c.total() + ", processed " + c.processed() + ", failed "
                        + c.failed() + " (expected: total " + rowsSent + " = rows sent = processed + failed)");
            }
            return new ZabbixFrameResult(Kind.PROCESSED, rowsSent, c.processed(), c.failed(), info);
        }
        if ("failed".equals(reply.response())) {
            // 7.x answers these while it cannot take data at all; the rows are fine to send again later.
            String lower = info.toLowerCase(Locale.ROOT);
            if (lower.contains("shutdown in progress") || lower.contains("has been paused")) {
                return retry(rowsSent, "server busy: " + info);
            }
            return new ZabbixFrameResult(Kind.REJECTED, rowsSent, 0, 0, info);
        }
        return retry(rowsSent, "reply: response \"" + reply.response() + "\" (expected: success or failed)");
    }
}
