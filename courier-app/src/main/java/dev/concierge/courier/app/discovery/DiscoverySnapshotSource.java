package dev.concierge.courier.app.discovery;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.LeavesBeforeStop;
import dev.concierge.courier.core.spi.LldDiscoverable;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.ReportsState;
import dev.concierge.courier.core.spi.SecretMask;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source that, after every collect of the source it wraps that returned normally, keeps that source's
 * {@link DiscoverySnapshot} in {@code data_dir/discovery/<source>.json}. A collect that threw writes
 * nothing, so the file ages and {@code courier discover --from} calls it stale.
 *
 * <p>The file is rewritten only when what it holds changed (the rows, the groups, whether it is complete).
 * A collect that found the same rows only moves the file's modification time to the collect's time, which
 * {@link DiscoverySnapshot#read} takes as the time the rows were last confirmed: rewriting a 20,000-series
 * exposition's snapshot (2.5 MB of JSON) after every collect was most of a Prometheus source's CPU, for a file
 * that a Zabbix discovery rule reads once an hour.
 *
 * <p>Samples pass straight through to the pipeline's emitter: the snapshot is what the source's
 * {@link LldDiscoverable} ability answers right after the collect, not built from the samples, because
 * samples leave out entities that LLD lists (a gauge whose value failed, a NaN series). The rows are those the
 * source's processing rules leave ({@link LldDiscoverable#lldRows(java.util.function.UnaryOperator)}), applied
 * without counting (the pipeline counted those samples' drops), with Prometheus names escaped as a Zabbix sink's
 * default {@code name_escaping} does, so they name what the courier sends. The
 * wrapper knows no source type: a source without the ability is not wrapped, and gets a snapshot that says it
 * has no discovery ({@link DiscoverySnapshot#withoutDiscovery}), written once when it is wrapped.
 *
 * <p>Threading as {@link Source}: collect (and the write, to a temporary file and a rename, or the touch)
 * runs on the scheduler thread. A failed write does not fail the collect: it is logged at WARN when writes
 * start failing and at INFO when they work again, and counted in {@link #writeFailures()}.
 *
 * <p>The wrapped source's other abilities pass through, since the pipeline asks the wrapper: its secrets (so
 * a failure's text is still masked), its counts ({@link CountsEvents}), its state ({@link ReportsState}) and
 * its leaving before the stop ({@link LeavesBeforeStop}); a source without one answers as if it had none.
 */
public final class DiscoverySnapshotSource implements Source, LldDiscoverable, CountsEvents, ReportsState,
        LeavesBeforeStop {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoverySnapshotSource.class);

    private final Source delegate;
    private final LldDiscoverable discovery;
    private final String type;
    private final SampleProcessor processor;
    /**
     * The rules applied without counting, then the default name escaping, one instance for the wrapper's life, so that a source can hand back
     * the rows it built last time for the same function and series (and the unchanged check is one comparison).
     */
    private final UnaryOperator<Sample> uncounted;
    private final Path file;
    private final Duration interval;
    private final Clock clock;
    private final AtomicLong writeFailures = new AtomicLong();
    private final AtomicLong writes = new AtomicLong();
    private boolean failing;
    /** What the file holds, as this instance last wrote it; null before the first write or after a failed one. */
    private LldRows written;

    private DiscoverySnapshotSource(Source delegate, LldDiscoverable discovery, String type,
                                    SampleProcessor processor, Path file, Duration interval, Clock clock) {
        this.delegate = delegate;
        this.discovery = discovery;
        this.type = type;
        this.processor = processor;
        SampleProcessor rules = processor.isEmpty() ? null : processor.fresh();
        this.uncounted = sample -> {
            Sample kept = rules == null ? sample : rules.apply(sample);
            return kept == null ? null : NameEscaping.DEFAULT.apply(kept);
        };
        this.file = file;
        this.interval = interval;
        this.clock = clock;
    }

    /**
     * Wraps {@code source} when it has the {@link LldDiscoverable} ability. Returns any other source as it
     * is, after writing the snapshot that says it has no discovery (a failed write is logged at WARN).
     *
     * @param type     the source's configured type, recorded in the snapshot
     * @param dataDir  the courier's {@code data_dir}; the file goes to its {@value DiscoverySnapshot#DIRECTORY}
     *                 directory
     * @param interval the source's collect interval, recorded as the unit of staleness
     */
    public static Source wrap(Source source, String type, Path dataDir, Duration interval, Clock clock) {
        return wrap(source, type, SampleProcessor.none(), dataDir, interval, clock);
    }

    /**
     * As {@link #wrap(Source, String, Path, Duration, Clock)}, the snapshot's rows as {@code processor} (the
     * source's rules) leaves them. Its counts are not moved: the rows are made with {@link SampleProcessor#fresh()}.
     */
    public static Source wrap(Source source, String type, SampleProcessor processor, Path dataDir, Duration interval,
                              Clock clock) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(processor, "processor");
        Path file = DiscoverySnapshot.fileFor(dataDir.resolve(DiscoverySnapshot.DIRECTORY), source.name());
        if (source instanceof LldDiscoverable discovery) {
            return new DiscoverySnapshotSource(source, discovery, type, processor, file, interval, clock);
        }
        try {
            DiscoverySnapshot.withoutDiscovery(source.name(), type, clock.instant(), interval).writeAtomically(file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Source {}: {} not written, so courier discover --from does not say that type {} has no "
                    + "discovery: {}", source.name(), file, type, e.toString());
        }
        return source;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public void collect(Emitter out) throws SourceException {
        delegate.collect(out);
        try {
            // Inside the try: a discovery answer that throws must not fail the collect whose samples went out.
            Optional<LldRows> rows = lldRows();
            if (rows.isEmpty()) {
                return;
            }
            Instant now = clock.instant();
            if ((rows.get() != written && !rows.get().equals(written)) || !DiscoverySnapshot.confirm(file, now)) {
                written = null;
                DiscoverySnapshot.of(name(), type, now, interval, rows.get()).writeAtomically(file);
                written = rows.get();
                writes.incrementAndGet();
            }
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

    /**
     * What the wrapped source answers, as the source's rules leave it and with Prometheus names escaped as a
     * Zabbix sink escapes them by default ({@link NameEscaping#DEFAULT}): what the snapshot holds. Any thread.
     */
    @Override
    public Optional<LldRows> lldRows() {
        return discovery.lldRows(uncounted);
    }

    /** Where the snapshot is written. */
    public Path file() {
        return file;
    }

    /** The source this one wraps. */
    public Source delegate() {
        return delegate;
    }

    /** Times the snapshot file was written whole so far (a collect that found the same rows does not). Any thread. */
    public long writes() {
        return writes.get();
    }

    /** Snapshot writes that failed so far. Any thread. */
    public long writeFailures() {
        return writeFailures.get();
    }

    @Override
    public SecretMask secrets() {
        return delegate.secrets();
    }

    @Override
    public Map<String, LongSupplier> events() {
        return CountsEvents.of(delegate);
    }

    @Override
    public Map<String, DoubleSupplier> gauges() {
        ReportsState reports = ReportsState.of(delegate);
        return reports == null ? Map.of() : reports.gauges();
    }

    @Override
    public Map<String, Object> state() {
        ReportsState reports = ReportsState.of(delegate);
        return reports == null ? Map.of() : reports.state();
    }

    /** The wrapped source's leave; zero for one that shares nothing. */
    @Override
    public Duration leave() {
        return delegate instanceof LeavesBeforeStop leaving ? leaving.leave() : Duration.ZERO;
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
