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
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running courier: the configuration turned into sources, sinks, a ring, a ledger and a pipeline. */
public final class Courier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Courier.class);

    private final CourierConfig config;
    private final Pipeline pipeline;

    private Courier(CourierConfig config, Pipeline pipeline) {
        this.config = config;
        this.pipeline = pipeline;
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
