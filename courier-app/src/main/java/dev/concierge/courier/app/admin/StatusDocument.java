package dev.concierge.courier.app.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.core.pipeline.SourceStats;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@code /status.json}: what the status page shows, read from the pipeline's stats and
 * {@link CourierMetrics} at the moment of the request.
 * <pre>
 * {"ready": true, "at": "2026-11-21T10:00:00Z",
 *  "ring": {"used_bytes": 0, "capacity_bytes": 67108864, "refused": 0},
 *  "sources": [{"name": "app", "last_collect_ended": "...", "last_collect_samples": 37, "runs": 12,
 *               "failures": 0, "overlaps_skipped": 0, "accepted": 444, "refused": 0, "last_error": null}],
 *  "sinks": [{"name": "zabbix", "state": "delivering", "consecutive_failures": 0, "pending": 0,
 *             "received": 444, "delivered": 444, "rejected": 0, "dropped": 0, "retries": 0, "errors": 0,
 *             "last_outcome": {"outcome": "DELIVERED", "at": "...", "samples": 37, "detail": "..."},
 *             "last_error": null, "failure": null, "latency_p50_seconds": 0.004, "latency_p99_seconds": 0.009}]}
 * </pre>
 * Times are ISO-8601 instants; a value not known yet is {@code null}. {@code state} is a {@link SinkState}
 * label; {@code last_error} of a sink is the detail of its last retryable failure; {@code errors} counts the
 * unexpected errors caught on its thread, and {@code failure} says why that thread ended (state
 * {@code failed}), or is null while it runs.
 */
final class StatusDocument {
    private final ObjectMapper json;
    private final Pipeline pipeline;
    private final CourierMetrics metrics;
    private final Clock clock;

    StatusDocument(ObjectMapper json, Pipeline pipeline, CourierMetrics metrics, Clock clock) {
        this.json = json;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.clock = clock;
    }

    ObjectNode render(boolean ready) {
        ObjectNode root = json.createObjectNode();
        root.put("ready", ready);
        root.put("at", clock.instant().toString());
        ObjectNode ring = root.putObject("ring");
        ring.put("used_bytes", pipeline.ring().bytesInUse());
        ring.put("capacity_bytes", pipeline.ring().byteCapacity());
        ring.put("refused", pipeline.ring().refused());
        ArrayNode sources = root.putArray("sources");
        for (Map.Entry<String, SourceStats> entry : pipeline.sourceStats().entrySet()) {
            SourceStats stats = entry.getValue();
            ObjectNode source = sources.addObject();
            source.put("name", entry.getKey());
            putInstant(source, "last_collect_ended", stats.lastCollectEnded());
            source.put("last_collect_samples", stats.lastCollectSamples());
            source.put("runs", stats.runs());
            source.put("failures", stats.failures());
            source.put("overlaps_skipped", stats.overlapsSkipped());
            source.put("accepted", stats.accepted());
            source.put("refused", stats.refused());
            source.put("last_error", stats.lastError());
        }
        ArrayNode sinks = root.putArray("sinks");
        for (Map.Entry<String, SinkStats> entry : pipeline.sinkStats().entrySet()) {
            String name = entry.getKey();
            SinkStats stats = entry.getValue();
            ObjectNode sink = sinks.addObject();
            sink.put("name", name);
            sink.put("state", SinkState.of(stats).label());
            sink.put("consecutive_failures", stats.consecutiveFailures());
            sink.put("pending", stats.pending());
            sink.put("received", stats.received());
            sink.put("delivered", stats.delivered());
            sink.put("rejected", stats.rejected());
            sink.put("dropped", stats.dropped());
            sink.put("retries", stats.retries());
            sink.put("errors", stats.errors());
            DeliveryRecord last = metrics.lastRecord(name);
            if (last == null) {
                sink.putNull("last_outcome");
            } else {
                ObjectNode outcome = sink.putObject("last_outcome");
                outcome.put("outcome", last.outcome().name());
                outcome.put("at", last.at().toString());
                outcome.put("samples", last.samples());
                outcome.put("detail", last.detail());
            }
            sink.put("last_error", stats.lastError());
            sink.put("failure", stats.failure());
            putSeconds(sink, "latency_p50_seconds", metrics.latencySeconds(name, 0.5));
            putSeconds(sink, "latency_p99_seconds", metrics.latencySeconds(name, 0.99));
        }
        return root;
    }

    static void putInstant(ObjectNode node, String field, Instant at) {
        if (at == null) {
            node.putNull(field);
        } else {
            node.put(field, at.toString());
        }
    }

    private static void putSeconds(ObjectNode node, String field, OptionalDouble seconds) {
        if (seconds.isPresent()) {
            node.put(field, seconds.getAsDouble());
        } else {
            node.putNull(field);
        }
    }
}
