package dev.concierge.courier.app.selfmetrics;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.SinkStats;
import dev.concierge.courier.core.pipeline.SourceStats;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Source;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * The courier's own counts as samples, so every sink (Zabbix first) sees the courier's health without
 * scraping it. Per sink, with label {@code sink}: {@code courier.sink.delivered}, {@code .rejected},
 * {@code .dropped}, {@code .pending}, {@code .retries}, {@code .consecutive_failures}; per source, with
 * label {@code source}: {@code courier.source.runs}, {@code .failures}, {@code .accepted}, {@code .refused};
 * per sink and event of the sink's own ({@link dev.concierge.courier.core.spi.Sink#events()}: skips by
 * reason, discovery work), with labels {@code sink} and {@code event}: {@code courier.sink.events}; and
 * {@code courier.ring.used_bytes}. All are gauges of running totals, so a Zabbix item can store them as is
 * or as a change per second. The Zabbix template ({@code zabbix/templates/concierge-courier.yaml}) has an
 * item or item prototype for each.
 *
 * <p>Each run also emits the LLD documents for the rules {@code courier.discovery[sinks]} (macro
 * {@code {#SINK}}), {@code courier.discovery[sources]} (macro {@code {#SOURCE}}) and
 * {@code courier.discovery[sink_events]} (macros {@code {#SINK}} and {@code {#EVENT}}), always the complete
 * lists, ahead of the values.
 */
public final class CourierSelfSource implements Source {
    public static final String NAME = "courier";

    private final Pipeline pipeline;
    private final String host;
    private final Clock clock;

    public CourierSelfSource(Pipeline pipeline, String host, Clock clock) {
        this.pipeline = pipeline;
        this.host = host;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void collect(Emitter out) {
        Instant now = clock.instant();
        Map<String, SinkStats> sinks = pipeline.sinkStats();
        Map<String, SourceStats> sources = pipeline.sourceStats();
        out.offer(discovery("sinks", "{#SINK}", sinks.keySet(), now));
        out.offer(discovery("sources", "{#SOURCE}", sources.keySet(), now));
        out.offer(sinkEventsDiscovery(sinks, now));
        sinks.forEach((sink, stats) -> {
            sinkGauge(out, "courier.sink.delivered", sink, stats, SinkStats::delivered, now);
            sinkGauge(out, "courier.sink.rejected", sink, stats, SinkStats::rejected, now);
            sinkGauge(out, "courier.sink.dropped", sink, stats, SinkStats::dropped, now);
            sinkGauge(out, "courier.sink.pending", sink, stats, SinkStats::pending, now);
            sinkGauge(out, "courier.sink.retries", sink, stats, SinkStats::retries, now);
            sinkGauge(out, "courier.sink.consecutive_failures", sink, stats, SinkStats::consecutiveFailures, now);
            new TreeMap<>(stats.events()).forEach((event, count) -> out.offer(sample("courier.sink.events",
                    Labels.of("event", event, "sink", sink), SampleValue.of(count.getAsLong()), now)));
        });
        sources.forEach((source, stats) -> {
            sourceGauge(out, "courier.source.runs", source, stats, SourceStats::runs, now);
            sourceGauge(out, "courier.source.failures", source, stats, SourceStats::failures, now);
            sourceGauge(out, "courier.source.accepted", source, stats, SourceStats::accepted, now);
            sourceGauge(out, "courier.source.refused", source, stats, SourceStats::refused, now);
        });
        out.offer(sample("courier.ring.used_bytes", Labels.empty(), SampleValue.of(pipeline.ring().bytesInUse()), now));
    }

    private void sinkGauge(Emitter out, String name, String sink, SinkStats stats, ToLongFunction<SinkStats> value,
                           Instant at) {
        out.offer(sample(name, Labels.of("sink", sink), SampleValue.of(value.applyAsLong(stats)), at));
    }

    private void sourceGauge(Emitter out, String name, String source, SourceStats stats,
                             ToLongFunction<SourceStats> value, Instant at) {
        out.offer(sample(name, Labels.of("source", source), SampleValue.of(value.applyAsLong(stats)), at));
    }

    private Sample sample(String name, Labels labels, SampleValue value, Instant at) {
        return new Sample(name, labels, MetricType.GAUGE, null, value, at.getEpochSecond(), at.getNano(), host, NAME);
    }

    private Sample discovery(String rule, String macro, Iterable<String> names, Instant at) {
        StringBuilder json = new StringBuilder("[");
        for (String name : names) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{");
            appendMacro(json, macro, name);
            json.append("}");
        }
        json.append(']');
        return discoverySample(rule, json, at);
    }

    private Sample sinkEventsDiscovery(Map<String, SinkStats> sinks, Instant at) {
        StringBuilder json = new StringBuilder("[");
        sinks.forEach((sink, stats) -> new TreeMap<>(stats.events()).keySet().forEach(event -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{");
            appendMacro(json, "{#SINK}", sink);
            json.append(',');
            appendMacro(json, "{#EVENT}", event);
            json.append("}");
        }));
        json.append(']');
        return discoverySample("sink_events", json, at);
    }

    private Sample discoverySample(String rule, StringBuilder json, Instant at) {
        return new Sample("courier.discovery", Labels.empty(), MetricType.DISCOVERY, rule,
                SampleValue.of(json.toString()), at.getEpochSecond(), at.getNano(), host, NAME);
    }

    private static void appendMacro(StringBuilder json, String macro, String value) {
        json.append('"').append(macro).append("\":\"");
        appendJsonEscaped(json, value);
        json.append('"');
    }

    private static void appendJsonEscaped(StringBuilder json, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
    }
}
