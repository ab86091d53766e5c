package dev.concierge.courier.app.admin;

import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.core.pipeline.SourceStats;
import dev.concierge.courier.core.ring.SampleRing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every meter of a courier, in one Micrometer registry rendered as Prometheus text.
 *
 * <p>The pipeline's counts are not kept twice: each meter reads the pipeline's own {@link SourceStats},
 * {@link SinkStats}, ring and ledger through a function counter or a gauge, so {@code /metrics},
 * {@code /status.json} and the log lines written where those counts move always agree. Two things are
 * recorded here: the delivery latency, from the ledger's records, and the admin endpoint's own events, each of
 * which logs and counts in one method.
 *
 * <p>Meter names (Prometheus form), tagged {@code source} or {@code sink} with the configured name:
 * <pre>
 * courier_source_runs_total                  collect runs started
 * courier_source_failures_total              runs that ended in an error
 * courier_source_overlaps_skipped_total      runs skipped because the previous one was still going
 * courier_source_samples_accepted_total      samples the ring took
 * courier_source_samples_refused_total       samples dropped because the ring was full
 * courier_source_last_collect_samples        samples the last completed run offered
 * courier_source_collect_seconds             collect runs (count) and the time they took (sum)
 * courier_source_last_collect_duration_seconds  how long the last completed run took
 * courier_source_events_total                the source's own counts, by event: values it skipped, by reason
 * courier_source_last_success_timestamp_seconds  when the last successful collect ended (Unix time; 0: never)
 * courier_sink_samples_received_total        samples taken into the sink's backlog
 * courier_sink_samples_delivered_total       samples the destination accepted
 * courier_sink_samples_rejected_total        samples the destination refused for good
 * courier_sink_samples_dropped_total         samples the courier discarded
 * courier_sink_samples_pending               samples owed: waiting or in flight
 * courier_sink_batches_total                 batches settled
 * courier_sink_retries_total                 attempts that ended in a retryable failure
 * courier_sink_consecutive_failures          failed attempts since the last success; above 0 it backs off
 * courier_sink_errors_total                  unexpected errors caught on the sink's thread (a send that threw)
 * courier_sink_failed                        1 when the sink's thread has ended on an error, else 0
 * courier_sink_delivery_latency_seconds      histogram: sample timestamp to settlement (see below)
 * courier_sink_events_total                  the sink's own counts, by event: skips by reason, discovery
 * courier_sink_last_success_timestamp_seconds  when the destination last answered a batch (Unix time; 0: never)
 * courier_ring_used_bytes, courier_ring_capacity_bytes, courier_ring_samples_refused_total
 * courier_ledger_write_errors_total          failed writes to the file ledger's log (file ledger only)
 * courier_admin_requests_refused_total       admin requests without the right bearer token
 * courier_admin_requests_failed_total        admin requests that failed with an error
 * courier_build_info                         1, tagged {@code version} with the courier's version
 * jvm_*, process_*, system_*                 Micrometer's JVM memory, GC, thread, processor and uptime meters
 * </pre>
 * The latency has one observation per batch that the destination accepted at least in part: the time from
 * the batch's oldest sample timestamp to its settlement, so it is the worst case of the batch. A sample
 * timestamp ahead of the courier's clock counts as zero.
 *
 * <p>Thread-safe. Create it after the pipeline and before the pipeline starts, so no record is missed.
 */
public final class CourierMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CourierMetrics.class);

    // Upper bounds of the latency histogram's buckets: from a courier that delivers at once (a collect plus a
    // round trip) to one whose destination was down for an hour. Fixed, so every sink has 16 series, not 100.
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5),
        Duration.ofMinutes(15), Duration.ofHours(1), Duration.ofHours(6)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
    private final Map<String, DeliveryRecord> lastRecords = new ConcurrentHashMap<>();
    // The stats objects whose meters are registered, by name; compared by identity on track().
    private final Map<String, SourceStats> boundSources = new HashMap<>();
    private final Map<String, SinkStats> boundSinks = new HashMap<>();
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final Counter refused;
    private final Counter failed;
    private final AtomicBoolean refusalLogged = new AtomicBoolean();

    private CourierMetrics(Pipeline pipeline) {
        track(pipeline);
        bindRing(pipeline.ring());
        bindLedger(pipeline.ledger());
        refused = Counter.builder("courier.admin.requests.refused")
                .description("Admin requests refused for a missing or wrong bearer token").register(registry);
        failed = Counter.builder("courier.admin.requests.failed")
                .description("Admin requests that failed with an error").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("courier.build.info", () -> 1).description("The courier's build, as a tag; always 1")
                .tag("version", CourierFacts.VERSION).register(registry);
        pipeline.ledger().addListener(this::recorded);
    }

    /** Binds every meter of {@code pipeline}, which must not have started yet. */
    public static CourierMetrics create(Pipeline pipeline) {
        return new CourierMetrics(pipeline);
    }

    /**
     * Follows the pipeline's sources and sinks after a reload: meters of removed or restarted ones are
     * removed, new ones are bound. Unchanged ones keep their meters and counts.
     */
    public synchronized void track(Pipeline pipeline) {
        Map<String, SourceStats> sources = pipeline.sourceStats();
        for (Map.Entry<String, SourceStats> bound : Map.copyOf(boundSources).entrySet()) {
            if (sources.get(bound.getKey()) != bound.getValue()) {
                unbind("source", bound.getKey());
                boundSources.remove(bound.getKey());
            }
        }
        sources.forEach((name, stats) -> {
            if (boundSources.get(name) != stats) {
                bindSource(name, stats);
                boundSources.put(name, stats);
            }
        });
        Map<String, SinkStats> sinks = pipeline.sinkStats();
        for (Map.Entry<String, SinkStats> bound : Map.copyOf(boundSinks).entrySet()) {
            if (sinks.get(bound.getKey()) != bound.getValue()) {
                unbind("sink", bound.getKey());
                boundSinks.remove(bound.getKey());
                latencies.remove(bound.getKey());
            }
        }
        sinks.forEach((name, stats) -> {
            if (boundSinks.get(name) != stats) {
                bindSink(name, stats);
                boundSinks.put(name, stats);
            }
        });
    }

    private void unbind(String tagKey, String name) {
        registry.getMeters().stream().filter(meter -> name.equals(meter.getId().getTag(tagKey))).toList()
                .forEach(registry::remove);
    }

    private void bindSource(String name, SourceStats stats) {
        counter("courier.source.runs", "Collect runs started", "source", name, stats, SourceStats::runs);
        counter("courier.source.failures", "Collect runs that ended in an error", "source", name, stats,
                SourceStats::failures);
        counter("courier.source.overlaps.skipped", "Collect runs skipped because the previous one was still going",
                "source", name, stats, SourceStats::overlapsSkipped);
        counter("courier.source.samples.accepted", "Samples the ring took", "source", name, stats,
                SourceStats::accepted);
        counter("courier.source.samples.refused", "Samples dropped because the ring was full", "source", name,
                stats, SourceStats::refused);
        Gauge.builder("courier.source.last.collect.samples", stats, SourceStats::lastCollectSamples)
                .description("Samples the last completed collect run offered").tag("source", name)
                .register(registry);
        FunctionTimer.builder("courier.source.collect", stats, SourceStats::runs, SourceStats::collectNanos,
                        TimeUnit.NANOSECONDS)
                .description("Collect runs and the time they took").tag("source", name).register(registry);
        Gauge.builder("courier.source.last.collect.duration", stats, s -> s.lastCollectDuration().toNanos() / 1e9)
                .description("How long the last completed collect run took").baseUnit("seconds")
                .tag("source", name).register(registry);
        Gauge.builder("courier.source.last.success.timestamp", stats, s -> epochSeconds(s.lastSuccess()))
                .description("When the last successful collect run ended, in Unix time; 0 before the first")
                .baseUnit("seconds").tag("source", name).register(registry);
        stats.events().forEach((event, count) -> FunctionCounter.builder("courier.source.events", count,
                        LongSupplier::getAsLong)
                .description("What the source counted beyond the samples it offered: values it skipped, by reason, "
                        + "and work of its own")
                .tag("source", name).tag("event", event).register(registry));
        stats.gauges().forEach((gauge, value) -> Gauge.builder("courier.source." + gauge, value,
                        DoubleSupplier::getAsDouble)
                .description("What the source holds now (for a Consul source sharing targets: targets owned and "
                        + "lingering, couriers, whether the membership is stale, seconds since it changed)")
                // The supplier is held by nothing else: a weak reference would let it be collected.
                .strongReference(true).tag("source", name).register(registry));
    }

    private void bindSink(String name, SinkStats stats) {
        counter("courier.sink.samples.received", "Samples taken into the sink's backlog", "sink", name, stats,
                SinkStats::received);
        counter("courier.sink.samples.delivered", "Samples the destination accepted", "sink", name, stats,
                SinkStats::delivered);
        counter("courier.sink.samples.rejected", "Samples the destination refused for good", "sink", name, stats,
                SinkStats::rejected);
        counter("courier.sink.samples.dropped", "Samples the courier discarded", "sink", name, stats,
                SinkStats::dropped);
        counter("courier.sink.batches", "Batches settled", "sink", name, stats, SinkStats::batches);
        counter("courier.sink.retries", "Attempts that ended in a retryable failure", "sink", name, stats,
                SinkStats::retries);
        counter("courier.sink.errors", "Unexpected errors caught on the sink's thread, such as a send that threw",
                "sink", name, stats, SinkStats::errors);
        Gauge.builder("courier.sink.failed", stats, s -> s.failed() ? 1 : 0)
                .description("1 when the sink's thread has ended on an error and it takes no samples, else 0")
                .tag("sink", name).register(registry);
        Gauge.builder("courier.sink.samples.pending", stats, SinkStats::pending)
                .description("Samples owed: waiting or in flight").tag("sink", name).register(registry);
        Gauge.builder("courier.sink.consecutive.failures", stats, SinkStats::consecutiveFailures)
                .description("Failed attempts since the last success; above 0 the sink is backing off")
                .tag("sink", name).register(registry);
        Gauge.builder("courier.sink.last.success.timestamp", stats, s -> epochSeconds(s.lastSuccess()))
                .description("When the destination last answered a batch, in Unix time; 0 before the first: alert "
                        + "on its age for staleness")
                .baseUnit("seconds").tag("sink", name).register(registry);
        stats.events().forEach((event, count) -> FunctionCounter.builder("courier.sink.events", count,
                        LongSupplier::getAsLong)
                .description("What the sink counted beyond the samples' accounting: values it skipped, by reason, "
                        + "and work of its own such as discovery values")
                .tag("sink", name).tag("event", event).register(registry));
        latency(name);
    }

    private void bindRing(SampleRing ring) {
        Gauge.builder("courier.ring.used", ring, SampleRing::bytesInUse).baseUnit(BaseUnits.BYTES)
                .description("Estimated bytes of samples some sink has not yet taken").register(registry);
        Gauge.builder("courier.ring.capacity", ring, SampleRing::byteCapacity).baseUnit(BaseUnits.BYTES)
                .description("The ring's byte budget").register(registry);
        FunctionCounter.builder("courier.ring.samples.refused", ring, SampleRing::refused)
                .description("Samples the ring refused because it was full").register(registry);
    }

    private void bindLedger(DeliveryLedger ledger) {
        if (ledger instanceof FileDeliveryLedger file) {
            FunctionCounter.builder("courier.ledger.write.errors", file, FileDeliveryLedger::writeErrors)
                    .description("Writes to the ledger log that failed").register(registry);
        }
    }

    private static double epochSeconds(Instant at) {
        return at == null ? 0 : at.getEpochSecond() + at.getNano() / 1e9;
    }

    private <T> void counter(String name, String description, String tagKey, String tagValue, T stats,
                             ToDoubleFunction<T> count) {
        FunctionCounter.builder(name, stats, count).description(description).tag(tagKey, tagValue)
                .register(registry);
    }

    private Timer latency(String sink) {
        return latencies.computeIfAbsent(sink, name -> Timer.builder("courier.sink.delivery.latency")
                .description("Time from the oldest sample timestamp of a batch to its settlement, per batch "
                        + "the destination accepted at least in part")
                .tag("sink", name)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .publishPercentiles(0.5, 0.99)
                .register(registry));
    }

    /** The ledger's listener: called on a sink's pipeline thread for every settlement. */
    private void recorded(DeliveryRecord record) {
        lastRecords.put(record.sink(), record);
        Instant oldest = record.oldestSample();
        if (record.accepted() > 0 && oldest != null) {
            Duration age = Duration.between(oldest, record.at());
            latency(record.sink()).record(age.isNegative() ? Duration.ZERO : age);
        }
    }

    /** The registry, for meters of other parts of the courier. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Every meter in the Prometheus text format, version 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    /** The last settlement of {@code sink} the ledger recorded since this courier started, or null. */
    public DeliveryRecord lastRecord(String sink) {
        return lastRecords.get(sink);
    }

    /**
     * The delivery latency of {@code sink} at {@code percentile} (0.5 or 0.99) over the last few minutes, in
     * seconds; empty before the first delivery.
     */
    public OptionalDouble latencySeconds(String sink, double percentile) {
        Timer timer = latencies.get(sink);
        if (timer == null || timer.count() == 0) {
            return OptionalDouble.empty();
        }
        for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
            if (value.percentile() == percentile) {
                return OptionalDouble.of(value.value(TimeUnit.SECONDS));
            }
        }
        return OptionalDouble.empty();
    }

    /**
     * An admin request without the right bearer token: counted, logged at WARN the first time and at DEBUG
     * after that. Neither the token presented nor the query string is logged.
     */
    void requestRefused(String method, String path, Object remote) {
        refused.increment();
        if (refusalLogged.compareAndSet(false, true)) {
            log.warn("admin: refused {} {} from {}: missing or wrong bearer token (further refusals are logged at"
                    + " DEBUG; see courier_admin_requests_refused_total)", method, path, remote);
        } else {
            log.debug("admin: refused {} {} from {}: missing or wrong bearer token", method, path, remote);
        }
    }

    /** An admin request that failed with an error: counted and logged. */
    void requestFailed(String method, String path, Throwable error) {
        failed.increment();
        log.warn("admin: {} {} failed", method, path, error);
    }

    /** Unbinds the garbage collection listeners and closes the registry. */
    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
