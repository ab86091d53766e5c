package dev.concierge.courier.app.wiring;

import dev.concierge.courier.core.settings.DurationSyntax;
import dev.concierge.courier.app.admin.AdminServer;
import dev.concierge.courier.app.admin.ConfigurationReloader;
import dev.concierge.courier.app.admin.CourierFacts;
import dev.concierge.courier.app.admin.CourierMetrics;
import dev.concierge.courier.app.discovery.DiscoverySnapshot;
import dev.concierge.courier.app.discovery.DiscoverySnapshotSource;
import dev.concierge.courier.app.selfmetrics.CourierSelfSource;
import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.Source;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A courier: the configuration turned into sources, sinks, a ring, a ledger, a pipeline, its meters and,
 * when configured, the admin endpoint.
 *
 * <p>Life cycle: {@link #create} wires everything and binds the admin endpoint, which then answers
 * {@code /ready} with 503; {@link #start} starts the sink threads and the sources, after which the courier is
 * ready; {@link #close} makes it not ready at once, stops the pipeline in its fixed order (the endpoint still
 * answers meanwhile) and closes the endpoint last. Ready therefore means: the ledger is open (it is opened
 * before the courier is created and closed by the pipeline's stop), the sink threads and the source schedule
 * have started, and no stop has begun.
 */
public final class Courier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Courier.class);

    private CourierConfig config;
    private final Pipeline pipeline;
    private final Clock clock;
    // Micrometer and its JVM meters load about 200 classes and keep a registry on the heap: a courier without
    // an admin endpoint has no reader for them, so it creates them only if metrics() is called (guarded by
    // this).
    private CourierMetrics metrics;
    private volatile AdminServer admin;
    private final RingRefusalRecorder ringRefusals;
    private volatile boolean ready;
    private boolean started;
    private boolean closed;
    // What the status page says about this courier beyond its counts (guarded by this).
    private Instant startedAt;
    private Path configFile;
    private Instant lastReload;
    private String lastReloadResult;
    // Their snapshot, renewed under this by whatever changes them; read without a lock by the admin event loop,
    // which must not wait for a reload or a stop.
    private volatile CourierFacts facts;

    private Courier(CourierConfig config, Pipeline pipeline, Clock clock) {
        this.config = config;
        this.pipeline = pipeline;
        this.clock = clock;
        this.metrics = config.admin() == null ? null : CourierMetrics.create(pipeline);
        this.ringRefusals = new RingRefusalRecorder(pipeline::sourceStats, pipeline.ledger(), clock);
        renewFacts();
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
     * removed ones are stopped; new ones are started. {@code data_dir}, {@code ring}, {@code ledger},
     * {@code shutdown_deadline}, {@code admin} and {@code self_metrics} apply at the next restart only.
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
        if (next.ledgerWindowBytes() != config.ledgerWindowBytes()) {
            needRestart.add("ledger");
        }
        if (!next.shutdownDeadline().equals(config.shutdownDeadline())) {
            needRestart.add("shutdown_deadline");
        }
        if (!Objects.equals(next.admin(), config.admin())) {
            needRestart.add("admin");
        }
        if (!Objects.equals(next.selfMetrics(), config.selfMetrics())) {
            needRestart.add("self_metrics");
        }
        Map<String, SourceDefinition<?>> oldSources = new LinkedHashMap<>();
        config.sources().forEach(source -> oldSources.put(source.name(), source));
        Map<String, SinkDefinition<?>> oldSinks = new LinkedHashMap<>();
        config.sinks().forEach(sink -> oldSinks.put(sink.name(), sink));

        // Sources first, so nothing is collected for a sink that is about to go.
        for (SourceDefinition<?> old : oldSources.values()) {
            SourceDefinition<?> replacement = next.sources().stream().filter(s -> s.name().equals(old.name())).findFirst()
                    .orElse(null);
            if (replacement == null || !replacement.sameAs(old)) {
                pipeline.removeSource(old.name(), config.shutdownDeadline());
                (replacement == null ? stopped : restarted).add("source " + old.name());
                if (replacement == null) {
                    forgetSnapshot(old.name());
                }
            } else {
                kept.add("source " + old.name());
            }
        }
        for (SinkDefinition<?> old : oldSinks.values()) {
            SinkDefinition<?> replacement = next.sinks().stream().filter(s -> s.name().equals(old.name())).findFirst()
                    .orElse(null);
            if (replacement == null || !replacement.sameAs(old)) {
                pipeline.removeSink(old.name(), config.shutdownDeadline());
                (replacement == null ? stopped : restarted).add("sink " + old.name());
            } else {
                kept.add("sink " + old.name());
            }
        }
        for (SinkDefinition<?> sink : next.sinks()) {
            SinkDefinition<?> old = oldSinks.get(sink.name());
            if (old == null || !sink.sameAs(old)) {
                pipeline.addSink(sink.spec(sink.create()));
                if (old == null) {
                    started.add("sink " + sink.name());
                }
            }
        }
        for (SourceDefinition<?> source : next.sources()) {
            SourceDefinition<?> old = oldSources.get(source.name());
            if (old == null || !source.sameAs(old)) {
                pipeline.addSource(new ScheduledSource(withSnapshot(source.create(), source, config.dataDir(),
                        clock), source.interval(), source.processor()));
                if (old == null) {
                    started.add("source " + source.name());
                }
            }
        }
        config = new CourierConfig(config.dataDir(), config.ringSlots(), config.ringBytes(), config.ledgerWindowBytes(),
                config.shutdownDeadline(), next.sources(), next.sinks(), config.admin(), config.selfMetrics());
        if (metrics != null) {
            metrics.track(pipeline);
        }
        Reload reload = new Reload(kept, started, restarted, stopped, needRestart);
        lastReload = clock.instant();
        lastReloadResult = reload.toString();
        renewFacts();
        return reload;
    }

    /**
     * What runs: the sources and sinks of the last {@link #reload}, and the settings that apply at a restart
     * only as the courier started with them.
     */
    public synchronized CourierConfig config() {
        return config;
    }

    /**
     * Lets the admin endpoint's {@code POST /reload} (when it has a token) re-read the configuration with
     * {@code reloader}. Without an admin endpoint this does nothing.
     */
    public void reloadOnRequest(ConfigurationReloader reloader) {
        AdminServer server = admin;
        if (server != null) {
            server.reloadWith(reloader);
        }
    }

    /**
     * Creates every source and sink and the pipeline, and binds the admin endpoint if one is configured;
     * nothing is collected or sent until {@link #start}. On failure everything created is closed again,
     * {@code ledger} included.
     *
     * @throws IllegalStateException when the admin endpoint cannot listen on its address
     */
    public static Courier create(CourierConfig config, DeliveryLedger ledger, Clock clock) {
        List<Sink> created = new ArrayList<>();
        List<ScheduledSource> sources = new ArrayList<>();
        List<SinkSpec> sinks = new ArrayList<>();
        try {
            for (SinkDefinition<?> definition : config.sinks()) {
                Sink sink = definition.create();
                created.add(sink);
                sinks.add(definition.spec(sink));
            }
            for (SourceDefinition<?> definition : config.sources()) {
                Source source = withSnapshot(definition.create(), definition, config.dataDir(), clock);
                sources.add(new ScheduledSource(source, definition.interval(), definition.processor()));
            }
        } catch (RuntimeException e) {
            created.forEach(Sink::close);
            sources.forEach(s -> s.source().close());
            ledger.close();
            throw e;
        }
        Pipeline pipeline = Pipeline.create(MultiProducerBroadcastRing.create(config.ringSlots(), config.ringBytes()),
                ledger, sources, sinks, clock);
        if (config.selfMetrics() != null) {
            pipeline.addSource(new ScheduledSource(
                    new CourierSelfSource(pipeline, config.selfMetrics().host(), clock), config.selfMetrics().interval()));
        }
        Courier courier = new Courier(config, pipeline, clock);
        if (config.admin() != null) {
            try {
                courier.admin = AdminServer.create(config.admin(), pipeline, courier.metrics, courier::isReady, clock);
                courier.admin.describeWith(courier::facts);
            } catch (RuntimeException e) {
                // Never started, so nothing is owed: the stop ends as soon as the sinks and sources are closed.
                pipeline.stop(config.shutdownDeadline());
                courier.metrics.close();
                throw e;
            }
        }
        return courier;
    }

    private void forgetSnapshot(String source) {
        try {
            DiscoverySnapshot.forget(config.dataDir(), source);
        } catch (IOException | RuntimeException e) {
            log.warn("source {} was removed, but its discovery snapshot stays in {} ({}); courier discover --from "
                    + "answers from it until it is older than --max-age", source, config.dataDir(), e.toString());
        }
    }

    /**
     * Every source with the discovery ability keeps its snapshot in {@code data_dir/discovery} for
     * {@code courier discover --from}; see {@link DiscoverySnapshotSource}.
     */
    private static Source withSnapshot(Source source, SourceDefinition<?> definition, Path dataDir, Clock clock) {
        return DiscoverySnapshotSource.wrap(source, definition.type(), definition.processor(), dataDir,
                definition.interval(), clock);
    }

    /** Creates every source and sink and starts delivering; see {@link #create} and {@link #start}. */
    public static Courier start(CourierConfig config, DeliveryLedger ledger, Clock clock) {
        Courier courier = create(config, ledger, clock);
        courier.start();
        return courier;
    }

    /**
     * Starts with the durable ledger in {@code data_dir}, each backlog keeping {@code ledger.memory_window} of
     * its samples in memory: what was still owed when the courier last stopped, or crashed, is delivered
     * first.
     *
     * @throws java.io.UncheckedIOException when the data directory cannot be created or read
     * @throws IllegalStateException        when another courier holds the data directory, or the admin
     *                                      endpoint cannot listen on its address
     */
    public static Courier start(CourierConfig config) {
        Clock clock = Clock.systemUTC();
        FileDeliveryLedger ledger = FileDeliveryLedger.open(config.dataDir(), clock,
                FileDeliveryLedger.Options.defaults().withMemoryWindowBytes(config.ledgerWindowBytes()));
        try {
            return start(config, ledger, clock);
        } catch (RuntimeException e) {
            ledger.close();
            throw e;
        }
    }

    /** Starts the sink threads, then the sources; from then on the courier is ready. */
    public synchronized void start() {
        if (closed || started) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        started = true;
        startedAt = clock.instant();
        renewFacts();
        pipeline.start();
        ringRefusals.start();
        ready = true;
        log.info("courier started: {}", config.summary());
    }

    /** Tells the status page which configuration file this courier runs, for operators who run several. */
    public synchronized void configuredFrom(Path file) {
        this.configFile = file;
        renewFacts();
    }

    /**
     * What the status page says about this courier: version, start, configuration file, last reload, and each
     * sink's destination and source's location as their summaries say them (secrets masked).
     */
    public CourierFacts facts() {
        return facts;
    }

    private void renewFacts() {
        Map<String, String> sinks = new LinkedHashMap<>();
        config.sinks().forEach(sink -> sinks.put(sink.name(), sink.type() + " " + sink.summary()));
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, Duration> intervals = new LinkedHashMap<>();
        config.sources().forEach(source -> {
            sources.put(source.name(), source.type() + " " + source.summary());
            intervals.put(source.name(), source.interval());
        });
        facts = new CourierFacts(CourierFacts.VERSION, startedAt, configFile, lastReload, lastReloadResult, sinks,
                sources, intervals);
    }

    /**
     * True from the end of {@link #start} until {@link #close} begins, unless a pipeline thread has died
     * ({@link Pipeline#fatalError()}). Any thread.
     */
    public boolean isReady() {
        return ready && pipeline.fatalError() == null;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /**
     * The courier's meters, also when no admin endpoint is configured. With an admin endpoint they exist
     * from {@link #create}; without one they are created on the first call, so the delivery latency counts
     * the deliveries from then on (the counters read the pipeline's totals and miss nothing).
     *
     * @throws IllegalStateException when called for the first time after {@link #close}
     */
    public synchronized CourierMetrics metrics() {
        if (metrics == null) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            metrics = CourierMetrics.create(pipeline);
        }
        return metrics;
    }

    /** Where the admin endpoint listens, with the actual port; empty when none is configured. */
    public Optional<InetSocketAddress> adminAddress() {
        return Optional.ofNullable(admin).map(AdminServer::address);
    }

    /**
     * Stops in the pipeline's fixed order, then closes the admin endpoint, all of it within the configured
     * shutdown deadline (the pipeline gets the deadline less {@link Pipeline#shareKept} for the endpoint).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        Duration deadline = config.shutdownDeadline();
        long doneNanos = System.nanoTime() + deadline.toNanos();
        log.info("courier stopping (deadline {})", DurationSyntax.format(deadline));
        // Before the pipeline closes the ledger: the refusals so far become loss ranges.
        ringRefusals.close();
        // The admin endpoint answers until the pipeline has stopped, then closes in what the deadline has left.
        pipeline.stop(admin == null ? deadline : deadline.minus(Pipeline.shareKept(deadline)));
        if (admin != null) {
            admin.close(Duration.ofNanos(Math.max(0, doneNanos - System.nanoTime())));
        }
        if (metrics != null) {
            metrics.close();
        }
        log.info("courier stopped");
    }
}
