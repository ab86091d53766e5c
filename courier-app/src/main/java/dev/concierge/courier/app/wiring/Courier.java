package dev.concierge.courier.app.wiring;

import dev.concierge.courier.app.admin.AdminServer;
import dev.concierge.courier.app.admin.CourierMetrics;
import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import dev.concierge.courier.core.pipeline.Pipeline;
import dev.concierge.courier.core.pipeline.ScheduledSource;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.Source;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    private final CourierConfig config;
    private final Pipeline pipeline;
    private final CourierMetrics metrics;
    private volatile AdminServer admin;
    private volatile boolean ready;
    private boolean started;
    private boolean closed;

    private Courier(CourierConfig config, Pipeline pipeline) {
        this.config = config;
        this.pipeline = pipeline;
        this.metrics = CourierMetrics.create(pipeline);
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
            ledger.close();
            throw e;
        }
        Pipeline pipeline = Pipeline.create(MultiProducerBroadcastRing.create(config.ringSlots(), config.ringBytes()),
                ledger, sources, sinks, clock);
        Courier courier = new Courier(config, pipeline);
        if (config.admin() != null) {
            try {
                courier.admin = AdminServer.create(config.admin(), pipeline, courier.metrics, courier::isReady, clock);
            } catch (RuntimeException e) {
                pipeline.stop(Duration.ZERO);
                courier.metrics.close();
                throw e;
            }
        }
        return courier;
    }

    /** Creates every source and sink and starts delivering; see {@link #create} and {@link #start}. */
    public static Courier start(CourierConfig config, DeliveryLedger ledger, Clock clock) {
        Courier courier = create(config, ledger, clock);
        courier.start();
        return courier;
    }

    /**
     * Starts with the durable ledger in {@code data_dir}: what was still owed when the courier last stopped,
     * or crashed, is delivered first.
     *
     * @throws java.io.UncheckedIOException when the data directory cannot be created or read
     * @throws IllegalStateException        when another courier holds the data directory, or the admin
     *                                      endpoint cannot listen on its address
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

    /** Starts the sink threads, then the sources; from then on the courier is ready. */
    public synchronized void start() {
        if (closed || started) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        started = true;
        pipeline.start();
        ready = true;
        log.info("courier started: {}", config.summary());
    }

    /** True from the end of {@link #start} until {@link #close} begins. Any thread. */
    public boolean isReady() {
        return ready;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** The courier's meters, also when no admin endpoint is configured. */
    public CourierMetrics metrics() {
        return metrics;
    }

    /** Where the admin endpoint listens, with the actual port; empty when none is configured. */
    public Optional<InetSocketAddress> adminAddress() {
        return Optional.ofNullable(admin).map(AdminServer::address);
    }

    /**
     * Stops in the pipeline's fixed order, within the configured shutdown deadline, then closes the admin
     * endpoint.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        log.info("courier stopping (deadline {})", config.shutdownDeadline());
        pipeline.stop(config.shutdownDeadline());
        if (admin != null) {
            admin.close();
        }
        metrics.close();
        log.info("courier stopped");
    }
}
