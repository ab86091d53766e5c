package dev.concierge.courier.sources.dropwizard;

import java.util.function.LongSupplier;
import java.util.Map;
import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.LldDiscoverable;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.SecretMask;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.fetch.DocumentFetcher;
import dev.concierge.courier.sources.fetch.HttpFetcher;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects a Dropwizard metrics-json document from a URL or a file and offers its samples.
 *
 * <p>Each collect fetches the document (bounded by the configured timeout and size cap), parses it whole,
 * and only then offers the samples, so a failed or malformed fetch offers nothing and the next collect
 * starts afresh. Every sample of one collect carries the same timestamp: the clock's instant when the
 * document had arrived, which is when the values were read. Threading as {@link Source} says: collect runs
 * on the pipeline's scheduler thread, never concurrently with itself; the counters may be read from any
 * thread.
 *
 * <p>Discovery ({@link LldDiscoverable}): every metric name of the last document parsed, whatever its values
 * (a gauge whose value failed is listed), as {@link DropwizardDiscovery} rows.
 */
public final class DropwizardJsonSource implements Source, CountsEvents, LldDiscoverable {
    private static final Logger LOG = LoggerFactory.getLogger(DropwizardJsonSource.class);

    private final DropwizardConfig config;
    private final DocumentFetcher fetcher;
    private final Clock clock;
    private final DropwizardJsonParser parser;
    private volatile DropwizardDocument lastDocument;
    private volatile BuiltRows builtRows;

    /**
     * Rows built from a document's metric names and samples with one processing function, and what of the
     * samples the rows depend on (not their values: those would keep a second document alive, and no rule
     * reads them).
     */
    private record BuiltRows(DropwizardMetricNames names, String[] sampleNames, Labels[] labels, MetricType[] types,
                             String[] fields, UnaryOperator<Sample> processing, LldRows rows) {
        static BuiltRows of(DropwizardDocument document, UnaryOperator<Sample> processing, LldRows rows) {
            List<Sample> samples = document.samples();
            int n = samples.size();
            String[] names = new String[n];
            Labels[] labels = new Labels[n];
            MetricType[] types = new MetricType[n];
            String[] fields = new String[n];
            for (int i = 0; i < n; i++) {
                Sample sample = samples.get(i);
                names[i] = sample.name();
                labels[i] = sample.labels();
                types[i] = sample.type();
                fields[i] = sample.field();
            }
            return new BuiltRows(document.names(), names, labels, types, fields, processing, rows);
        }

        /** Whether the rows are {@code document}'s with {@code with}: the same names, samples and function. */
        boolean fits(DropwizardDocument document, UnaryOperator<Sample> with) {
            List<Sample> samples = document.samples();
            if (with != processing || samples.size() != sampleNames.length || !document.names().equals(names)) {
                return false;
            }
            for (int i = 0; i < sampleNames.length; i++) {
                Sample sample = samples.get(i);
                if (sample.type() != types[i] || !sample.name().equals(sampleNames[i])
                        || !Objects.equals(sample.field(), fields[i]) || !sample.labels().equals(labels[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A source with its own fetcher (and HTTP client, for a URL), stamping samples from the UTC system clock. */
    public static DropwizardJsonSource create(DropwizardConfig config) {
        return create(config, Clock.systemUTC());
    }

    /** A source with its own fetcher, stamping samples from {@code clock}. */
    public static DropwizardJsonSource create(DropwizardConfig config, Clock clock) {
        DocumentFetcher fetcher = config.url() != null
                ? HttpFetcher.create(config.url(), config.timeout(), config.maxBytes(), config.http())
                : DocumentFetcher.file(config.file(), config.maxBytes());
        return new DropwizardJsonSource(config, fetcher, clock);
    }

    /** A source reading through {@code fetcher}, which it owns from now on and closes in {@link #close()}. */
    public DropwizardJsonSource(DropwizardConfig config, DocumentFetcher fetcher, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.parser = new DropwizardJsonParser(config.name(), config.host());
    }

    @Override
    public String name() {
        return config.name();
    }

    public DropwizardConfig config() {
        return config;
    }

    /**
     * Fetches, parses, then offers every sample.
     *
     * @throws SourceException when the document could not be fetched or is malformed; the message starts
     *                         with the URL or path. Nothing was offered.
     */
    @Override
    public void collect(Emitter out) throws SourceException {
        byte[] document = fetcher.fetch();
        Instant at = clock.instant();
        DropwizardDocument parsed = parser.parse(document, fetcher.location(), at, config.sampleLimit());
        lastDocument = parsed;
        // A sample the ring refuses is counted and logged by the pipeline's emitter.
        parsed.samples().forEach(out::offer);
    }

    /**
     * The metric names of the last document a collect parsed, every metric counted whatever its values (see
     * {@link DropwizardMetricNames}); null before the first. Any thread.
     */
    public DropwizardMetricNames lastNames() {
        DropwizardDocument document = lastDocument;
        return document == null ? null : document.names();
    }

    /**
     * The rows of {@link #lastNames()}; empty before the first document was parsed. Any thread. Built as
     * {@link #lldRows(UnaryOperator)} with {@link UnaryOperator#identity()}, which gives the same rows, so that
     * they too are handed back while the document's metrics stay the same.
     */
    @Override
    public Optional<LldRows> lldRows() {
        return lldRows(UnaryOperator.identity());
    }

    /**
     * The rows of the last document parsed, its samples as {@code processing} leaves them (see
     * {@link DropwizardDiscovery#rows(DropwizardDocument, String, String, UnaryOperator)}). Any thread. The same
     * {@link LldRows} instance as the previous call while the document's names and samples (all but their
     * values) and the {@code processing} instance stay the same: a caller that keeps its processing function
     * can tell "unchanged" by identity, and pays no sort.
     */
    @Override
    public Optional<LldRows> lldRows(UnaryOperator<Sample> processing) {
        DropwizardDocument document = lastDocument;
        if (document == null) {
            return Optional.empty();
        }
        BuiltRows built = builtRows;
        if (built != null && built.fits(document, processing)) {
            return Optional.of(built.rows());
        }
        LldRows rows = DropwizardDiscovery.rows(document, config.host(), config.name(), processing);
        // Racing callers may both build; either result is right for this document.
        builtRows = BuiltRows.of(document, processing, rows);
        return Optional.of(rows);
    }

    /** Non-finite numbers skipped so far ("NaN", "Infinity", "-Infinity"). */
    public long nonFiniteValues() {
        return parser.nonFiniteValues();
    }

    /** Documents refused so far because they held more samples than {@code sample_limit}. */
    public long sampleLimitExceeded() {
        return parser.sampleLimitExceeded();
    }

    /** Gauges skipped so far because their {@code getValue()} threw. */
    public long gaugeErrors() {
        return parser.gaugeErrors();
    }

    /** Values skipped so far because their JSON type cannot be a sample (null, arrays, objects, wrong types). */
    public long unsupportedValues() {
        return parser.unsupportedValues();
    }

    @Override
    public Map<String, LongSupplier> events() {
        return Map.of("non_finite_skipped", this::nonFiniteValues, "gauge_errors", this::gaugeErrors,
                "unsupported_skipped", this::unsupportedValues, "sample_limit_exceeded", this::sampleLimitExceeded,
                "malformed_tags", parser::malformedTags);
    }

    /** The passwords and tokens this source sends; a failed collect's message is masked with them. */
    @Override
    public SecretMask secrets() {
        return fetcher.secrets();
    }

    @Override
    public void close() {
        fetcher.close();
    }

    @Override
    public String toString() {
        return config.toString();
    }
}
