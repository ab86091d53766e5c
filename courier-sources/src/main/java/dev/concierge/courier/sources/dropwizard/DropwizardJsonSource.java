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
import dev.concierge.courier.core.model.Sample;
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

    /** The rows of {@link #lastNames()}; empty before the first document was parsed. Any thread. */
    @Override
    public Optional<LldRows> lldRows() {
        DropwizardMetricNames names = lastNames();
        return names == null ? Optional.empty() : Optional.of(DropwizardDiscovery.rows(names));
    }

    /**
     * The rows of the last document parsed, its samples as {@code processing} leaves them (see
     * {@link DropwizardDiscovery#rows(DropwizardDocument, String, String, UnaryOperator)}). Any thread.
     */
    @Override
    public Optional<LldRows> lldRows(UnaryOperator<Sample> processing) {
        DropwizardDocument document = lastDocument;
        return document == null ? Optional.empty()
                : Optional.of(DropwizardDiscovery.rows(document, config.host(), config.name(), processing));
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
                "unsupported_skipped", this::unsupportedValues, "sample_limit_exceeded", this::sampleLimitExceeded);
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
