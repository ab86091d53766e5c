package dev.concierge.courier.app.discovery;

import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.consul.ConsulSource;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonSource;
import dev.concierge.courier.sources.dropwizard.DropwizardMetricNames;
import dev.concierge.courier.sources.prometheus.PrometheusParseResult;
import dev.concierge.courier.sources.prometheus.PrometheusScrapeSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source that, after every collect of the source it wraps that returned normally, writes that source's
 * {@link DiscoverySnapshot} to {@code data_dir/discovery/<source>.json}. A collect that threw writes
 * nothing, so the file ages and {@code courier discover --from} calls it stale.
 *
 * <p>Samples pass straight through to the pipeline's emitter: the snapshot is read from the source's own
 * view of its last collect ({@link DropwizardJsonSource#lastNames()}, {@link PrometheusScrapeSource#lastExposition()},
 * {@link ConsulSource#lldServices()}), not from the samples, because samples leave out entities that LLD
 * lists (a gauge whose value failed, a NaN series, a family whose lines did not parse).
 *
 * <p>Threading as {@link Source}: collect (and the write, a few kilobytes to a temporary file and a rename)
 * runs on the scheduler thread. A failed write does not fail the collect: it is logged at WARN when writes
 * start failing and at INFO when they work again, and counted in {@link #writeFailures()}.
 */
public final class DiscoverySnapshotSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoverySnapshotSource.class);

    private final Source delegate;
    private final Path file;
    private final Duration interval;
    private final Clock clock;
    private final Function<Instant, DiscoverySnapshot> view;
    private final AtomicLong writeFailures = new AtomicLong();
    private boolean failing;

    private DiscoverySnapshotSource(Source delegate, Path file, Duration interval, Clock clock,
                                    Function<Instant, DiscoverySnapshot> view) {
        this.delegate = delegate;
        this.file = file;
        this.interval = interval;
        this.clock = clock;
        this.view = view;
    }

    /**
     * Wraps {@code source} when its type has a discovery view (Dropwizard, Prometheus, Consul); returns any
     * other source as it is.
     *
     * @param dataDir  the courier's {@code data_dir}; the file goes to its {@value DiscoverySnapshot#DIRECTORY}
     *                 directory
     * @param interval the source's collect interval, recorded as the unit of staleness
     */
    public static Source wrap(Source source, Path dataDir, Duration interval, Clock clock) {
        Objects.requireNonNull(source, "source");
        String name = source.name();
        Function<Instant, DiscoverySnapshot> view;
        if (source instanceof DropwizardJsonSource dropwizard) {
            view = at -> {
                DropwizardMetricNames names = dropwizard.lastNames();
                return names == null ? null : DiscoverySnapshot.ofDropwizard(name, at, interval, names);
            };
        } else if (source instanceof PrometheusScrapeSource prometheus) {
            view = at -> {
                PrometheusParseResult parsed = prometheus.lastExposition();
                return parsed == null ? null : DiscoverySnapshot.ofPrometheus(name, at, interval, parsed);
            };
        } else if (source instanceof ConsulSource consul) {
            view = at -> DiscoverySnapshot.ofConsul(name, at, interval, consul.lldServices());
        } else {
            return source;
        }
        Path file = DiscoverySnapshot.fileFor(dataDir.resolve(DiscoverySnapshot.DIRECTORY), name);
        return new DiscoverySnapshotSource(source, file, interval, clock, view);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void collect(Emitter out) throws SourceException {
        delegate.collect(out);
        DiscoverySnapshot snapshot = view.apply(clock.instant());
        if (snapshot == null) {
            return;
        }
        try {
            snapshot.writeAtomically(file);
            if (failing) {
                failing = false;
                LOG.info("Source {}: discovery snapshot {} written again", name(), file);
            }
        } catch (IOException | RuntimeException e) {
            writeFailures.incrementAndGet();
            if (!failing) {
                failing = true;
                LOG.warn("Source {}: discovery snapshot {} not written, courier discover --from will call it stale "
                        + "(logged again when it works): {}", name(), file, e.toString());
            } else {
                LOG.debug("Source {}: discovery snapshot {} not written: {}", name(), file, e.toString());
            }
        }
    }

    /** Where the snapshot is written. */
    public Path file() {
        return file;
    }

    /** The source this one wraps. */
    public Source delegate() {
        return delegate;
    }

    /** Snapshot writes that failed so far. Any thread. */
    public long writeFailures() {
        return writeFailures.get();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
