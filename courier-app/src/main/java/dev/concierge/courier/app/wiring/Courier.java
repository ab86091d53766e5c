package dev.concierge.courier.app.wiring;

import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.Source;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running courier: the configuration turned into sources, sinks, a ring, a ledger and a pipeline. */
public final class Courier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Courier.class);

    private final Pipeline pipeline;
    private CourierConfig config;

    private Courier(CourierConfig config, Pipeline pipeline) {
        this.config = config;
        this.pipeline = pipeline;
    }

    /** What a reload did, by plugin name. */
    public record Reload(List<String> kept, List<String> started, List<String> restarted, List<String> stopped,
                         List<String> needRestart) {
        @Override
        public String toString() {
            return "kept " + kept + ", started " + started + ", restarted " + restarted + ", stopped " + stopped
                    + (needRestart.isEmpty() ? "" : "; not applied until the courier restarts: " + needRestart);
        }
    }

    /**
     * Applies a new, validated configuration without a restart. Sources and sinks whose settings did not
     * change keep running untouched, with their connections and backlogs; changed ones are stopped (a sink
     * sends what it owes within the shutdown deadline and keeps the rest in the ledger) and started anew;
     * removed ones are stopped; new ones are started. {@code data_dir}, {@code ring} and
     * {@code shutdown_deadline} apply at the next restart only.
     */
    public synchronized Reload reload(CourierConfig next) {
        List<String> kept = new ArrayList<>();
        List<String> started = new ArrayList<>();
        List<String> restarted = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        List<String> needRestart = new ArrayList<>();
        if (!next.dataDir().equals(config.dataDir())) {
            needRestart.add("data_dir");
        }
        if (next.ringSlots() != config.ringSlots() || next.ringBytes() != config.ringBytes()) {
            needRestart.add("ring");
        }
        if (!next.shutdownDeadline().equals(config.shutdownDeadline())) {
            needRestart.add("shutdown_deadline");
        }
        Map<String, SourceDefinition> oldSources = new LinkedHashMap<>();
        config.sources().forEach(source -> oldSources.put(source.name(), source));
        Map<String, SinkDefinition> oldSinks = new LinkedHashMap<>();
        config.sinks().forEach(sink -> oldSinks.put(sink.name(), sink));

        // Sources first, so nothing is collected for a sink that is about to go.
        for (SourceDefinition old : oldSources.values()) {
            SourceDefinition replacement = next.sources().stream().filter(s -> s.name().equals(old.name())).findFirst()
                    .orElse(null);
            if (replacement == null || !replacement.sameAs(old)) {
                pipeline.removeSource(old.name(), config.shutdownDeadline());
                (replacement == null ? stopped : restarted).add("source " + old.name());
            } else {
                kept.add("source " + old.name());
            }
        }
        for (SinkDefinition old : oldSinks.values()) {
            SinkDefinition replacement = next.sinks().stream().filter(s -> s.name().equals(old.name())).findFirst()
                    .orElse(null);
            if (replacement == null || !replacement.sameAs(old)) {
                pipeline.removeSink(old.name(), config.shutdownDeadline());
                (replacement == null ? stopped : restarted).add("sink " + old.name());
            } else {
                kept.add("sink " + old.name());
            }
        }
        for (SinkDefinition sink : next.sinks()) {
            SinkDefinition old = oldSinks.get(sink.name());
            if (old == null || !sink.sameAs(old)) {
                pipeline.addSink(new SinkSpec(sink.factory().get(), sink.backoff(), sink.backlogBytes()));
                if (old == null) {
                    started.add("sink " + sink.name());
                }
            }
        }
        for (SourceDefinition source : next.sources()) {
            SourceDefinition old = oldSources.get(source.name());
            if (old == null || !source.sameAs(old)) {
                pipeline.addSource(new ScheduledSource(source.factory().get(), source.interval()));
                if (old == null) {
                    started.add("source " + source.name());
                }
            }
        }
        config = new CourierConfig(config.dataDir(), config.ringSlots(), config.ringBytes(),
                config.shutdownDeadline(), next.sources(), next.sinks());
        return new Reload(kept, started, restarted, stopped, needRestart);
    }

    /** Creates every source and sink and starts delivering. */
    public static Courier start(CourierConfig config, DeliveryLedger ledger, Clock clock) {
        List<Sink> created = new ArrayList<>();
        List<ScheduledSource> sources = new ArrayList<>();
        List<SinkSpec> sinks = new ArrayList<>();
        try {
            for (SinkDefinition definition : config.sinks()) {
                Sink sink = definition.factory().get();
                created.add(sink);
                sinks.add(new SinkSpec(sink, definition.backoff(), definition.backlogBytes()));
            }
            for (SourceDefinition definition : config.sources()) {
                Source source = definition.factory().get();
                sources.add(new ScheduledSource(source, definition.interval()));
            }
        } catch (RuntimeException e) {
            created.forEach(Sink::close);
            sources.forEach(s -> s.source().close());
            throw e;
        }
        Pipeline pipeline = Pipeline.create(MultiProducerBroadcastRing.create(config.ringSlots(), config.ringBytes()),
                ledger, sources, sinks, clock);
        pipeline.start();
        log.info("courier started: {}", config.summary());
        return new Courier(config, pipeline);
    }

    /**
     * Starts with the durable ledger in {@code data_dir}: what was still owed when the courier last stopped,
     * or crashed, is delivered first.
     *
     * @throws java.io.UncheckedIOException when the data directory cannot be created or read
     * @throws IllegalStateException        when another courier holds the data directory
     */
    public static Courier start(CourierConfig config) {
        Clock clock = Clock.systemUTC();
        FileDeliveryLedger ledger = FileDeliveryLedger.open(config.dataDir(), clock);
        try {
            return start(config, ledger, clock);
        } catch (RuntimeException e) {
            ledger.close();
            throw e;
        }
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** Stops in the pipeline's fixed order, within the configured shutdown deadline. */
    @Override
    public void close() {
        log.info("courier stopping (deadline {})", config.shutdownDeadline());
        pipeline.stop(config.shutdownDeadline());
        log.info("courier stopped");
    }
}
