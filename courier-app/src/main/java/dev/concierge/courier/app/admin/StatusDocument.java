package dev.concierge.courier.app.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.core.pipeline.SourceStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Supplier;

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
 *
 * <p>Beside those: {@code health} is {@code ready}, {@code degraded} (ready, but a sink is not delivering, a
 * source's last collect failed or the ring refused samples of a source's last collect) or {@code not ready};
 * {@code courier} has {@code version}, {@code started_at}, {@code uptime_seconds}, {@code config_file},
 * {@code last_reload} and {@code last_reload_result}; each sink has {@code destination} (secrets masked),
 * {@code last_success}, {@code failing_since} and {@code next_attempt}; each source has {@code location}
 * (its URL or file, secrets masked), {@code interval} ({@code 10s}), {@code last_success},
 * {@code failing_since} and {@code last_collect_refused}, and, for a source that reports what it holds
 * ({@link dev.concierge.courier.core.spi.ReportsState}), {@code state}: for a Consul source sharing its
 * targets, {@code state.sharing} with the couriers, the targets it owns and the latest handoffs. The latencies of a sink that is not delivering are
 * null: the last ones measured would say nothing about a destination that does not answer.
 */
final class StatusDocument {
    private final ObjectMapper json;
    private final Pipeline pipeline;
    private final CourierMetrics metrics;
    private final Clock clock;
    private volatile Supplier<CourierFacts> facts = CourierFacts::unknown;

    StatusDocument(ObjectMapper json, Pipeline pipeline, CourierMetrics metrics, Clock clock) {
        this.json = json;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Where the courier's facts come from; asked at every rendering. */
    void describeWith(Supplier<CourierFacts> facts) {
        this.facts = facts;
    }

    ObjectNode render(boolean ready) {
        ObjectNode root = json.createObjectNode();
        Instant now = clock.instant();
        CourierFacts about = facts.get();
        root.put("ready", ready);
        root.put("at", now.toString());
        root.put("health", !ready ? "not ready" : degraded() ? "degraded" : "ready");
        ObjectNode courier = root.putObject("courier");
        courier.put("version", about.version());
        putInstant(courier, "started_at", about.startedAt());
        if (about.startedAt() == null) {
            courier.putNull("uptime_seconds");
        } else {
            courier.put("uptime_seconds", Math.max(0, Duration.between(about.startedAt(), now).toSeconds()));
        }
        courier.put("config_file", about.configFile() == null ? null : about.configFile().toString());
        putInstant(courier, "last_reload", about.lastReload());
        courier.put("last_reload_result", about.lastReloadResult());
        ObjectNode ring = root.putObject("ring");
        ring.put("used_bytes", pipeline.ring().bytesInUse());
        ring.put("capacity_bytes", pipeline.ring().byteCapacity());
        ring.put("refused", pipeline.ring().refused());
        ArrayNode sources = root.putArray("sources");
        for (Map.Entry<String, SourceStats> entry : pipeline.sourceStats().entrySet()) {
            SourceStats stats = entry.getValue();
            ObjectNode source = sources.addObject();
            source.put("name", entry.getKey());
            source.put("location", about.sources().get(entry.getKey()));
            source.put("interval", about.interval(entry.getKey()));
            putInstant(source, "last_success", stats.lastSuccess());
            putInstant(source, "failing_since", stats.failingSince());
            source.put("last_collect_refused", stats.lastCollectRefused());
            putInstant(source, "last_collect_ended", stats.lastCollectEnded());
            source.put("last_collect_samples", stats.lastCollectSamples());
            source.put("runs", stats.runs());
            source.put("failures", stats.failures());
            source.put("overlaps_skipped", stats.overlapsSkipped());
            source.put("accepted", stats.accepted());
            source.put("refused", stats.refused());
            source.put("last_error", stats.lastError());
            Map<String, Object> state = stats.state();
            if (!state.isEmpty()) {
                source.set("state", json.valueToTree(state));
            }
        }
        ArrayNode sinks = root.putArray("sinks");
        for (Map.Entry<String, SinkStats> entry : pipeline.sinkStats().entrySet()) {
            String name = entry.getKey();
            SinkStats stats = entry.getValue();
            ObjectNode sink = sinks.addObject();
            SinkState state = SinkState.of(stats);
            sink.put("name", name);
            sink.put("destination", about.sinks().get(name));
            sink.put("state", state.label());
            putInstant(sink, "last_success", stats.lastSuccess());
            putInstant(sink, "failing_since", stats.failingSince());
            putInstant(sink, "next_attempt", state == SinkState.FAILED ? null : stats.nextAttempt());
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
            boolean delivering = state == SinkState.DELIVERING;
            putSeconds(sink, "latency_p50_seconds", delivering ? metrics.latencySeconds(name, 0.5) : OptionalDouble.empty());
            putSeconds(sink, "latency_p99_seconds", delivering ? metrics.latencySeconds(name, 0.99) : OptionalDouble.empty());
        }
        return root;
    }

    /** Whether something is wrong that does not make the courier unready: what the header must not show green. */
    private boolean degraded() {
        for (SinkStats stats : pipeline.sinkStats().values()) {
            if (SinkState.of(stats) != SinkState.DELIVERING) {
                return true;
            }
        }
        for (SourceStats stats : pipeline.sourceStats().values()) {
            if (stats.lastError() != null || stats.lastCollectRefused() > 0) {
                return true;
            }
        }
        return false;
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
