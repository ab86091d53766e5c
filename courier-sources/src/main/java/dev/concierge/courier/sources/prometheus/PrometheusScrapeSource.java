package dev.concierge.courier.sources.prometheus;

import java.util.function.LongSupplier;
import java.util.Map;
import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.LldDiscoverable;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.SecretMask;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.fetch.DocumentFetcher;
import dev.concierge.courier.sources.fetch.FetchedDocument;
import dev.concierge.courier.sources.fetch.HttpFetcher;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes one Prometheus or OpenMetrics endpoint and offers its samples.
 *
 * <p>Each collect fetches the exposition (negotiating as Prometheus 3 does, {@link PrometheusNegotiation}, with
 * gzip, bounded by the configured timeout and by the size cap on both the compressed and the decompressed body),
 * picks the parser's format from the response's {@code Content-Type}, parses it whole and only then offers the
 * samples. Samples without a timestamp of their own carry the instant the body had arrived.
 *
 * <ul>
 *   <li>A response without a Content-Type, or with one that is no Prometheus exposition, fails the collect
 *       unless {@code fallback_protocol} is set; then it is read in that format and counted
 *       ({@link #fallbackProtocolUsed()}), with one WARN when such responses start and DEBUG while they go
 *       on, until a response names its format again.</li>
 * </ul>
 *
 * <ul>
 *   <li>Malformed lines are skipped and the rest is offered; each collect with problems logs one WARN
 *       line with the first three (DEBUG instead while the number of problems is the same as in the
 *       previous collect), and {@link #malformedLines()} counts them all. An exposition with problems
 *       and not one usable sample fails the collect with a {@link SourceException}.</li>
 *   <li>Non-finite values ({@code NaN}, {@code +Inf}, {@code -Inf}) are skipped and counted
 *       ({@link #nonFiniteValues()}), as the Dropwizard source does: no sink stores them (Zabbix numeric
 *       items refuse them), and a NaN quantile only means "no observations yet".</li>
 *   <li>With {@code on_invalid: fail}, a scrape with any problem is refused whole instead: nothing is offered,
 *       the collect fails with the first problems, and {@link #refusedScrapes()} counts it
 *       ({@link InvalidScrapePolicy} says which problems cost a line and which the whole exposition).</li>
 *   <li>OpenMetrics {@code _created} samples are left out unless {@code created_series} is set: they are
 *       the start times of their series ({@link PrometheusParseResult#starts()}), not measurements.</li>
 *   <li>A scrape with more samples than {@code sample_limit} fails whole, as in Prometheus: the parser stops
 *       at the first sample past the limit, nothing is offered, and {@link #sampleLimitExceeded()} counts it.</li>
 * </ul>
 *
 * <p>Threading as {@link Source} says: collect runs on the pipeline's scheduler thread, never concurrently
 * with itself; the counters may be read from any thread.
 *
 * <p>Discovery ({@link LldDiscoverable}): every series of the last exposition a collect offered samples from,
 * NaN series included, as {@link PrometheusDiscovery} rows; none, only the reason, when that exposition had
 * malformed lines. The rows are built again only when the exposition's series differ from those they were
 * built from, or the processing function is another instance: an exporter whose series stay the same gets
 * the same {@link LldRows} instance back, without sorting 20,000 series after every scrape.
 */
public final class PrometheusScrapeSource implements Source, CountsEvents, LldDiscoverable {
    private static final Logger LOG = LoggerFactory.getLogger(PrometheusScrapeSource.class);
    private static final int PROBLEMS_LOGGED = 3;

    private final PrometheusConfig config;
    private final DocumentFetcher fetcher;
    private final Clock clock;
    private final PrometheusTextParser parser;
    private final AtomicLong malformedLines = new AtomicLong();
    private final AtomicLong nonFiniteValues = new AtomicLong();
    private final AtomicLong sampleLimitExceeded = new AtomicLong();
    private final AtomicLong fallbackProtocolUsed = new AtomicLong();
    private boolean inFallbackEpisode;
    private final AtomicLong refusedScrapes = new AtomicLong();
    private int previousProblemCount;
    private volatile PrometheusParseResult lastExposition;
    private volatile BuiltRows builtRows;

    /**
     * Rows built from an exposition's series with one processing function, and those series' identities (not
     * the samples: their values would keep a second exposition alive).
     */
    private record BuiltRows(String[] names, Labels[] labels, MetricType[] types, List<String> families,
                             UnaryOperator<Sample> processing, LldRows rows) {
        static BuiltRows of(PrometheusParseResult parsed, UnaryOperator<Sample> processing, LldRows rows) {
            List<Sample> samples = parsed.samples();
            String[] names = new String[samples.size()];
            Labels[] labels = new Labels[samples.size()];
            MetricType[] types = new MetricType[samples.size()];
            for (int i = 0; i < names.length; i++) {
                Sample sample = samples.get(i);
                names[i] = sample.name();
                labels[i] = sample.labels();
                types[i] = sample.type();
            }
            return new BuiltRows(names, labels, types, parsed.families(), processing, rows);
        }

        /** Whether {@code parsed}'s series, in order, are those the rows were built from, with {@code with}. */
        boolean fits(PrometheusParseResult parsed, UnaryOperator<Sample> with) {
            List<Sample> samples = parsed.samples();
            if (with != processing || parsed.hasProblems() || samples.size() != names.length
                    || !parsed.families().equals(families)) {
                return false;
            }
            for (int i = 0; i < names.length; i++) {
                Sample sample = samples.get(i);
                // The parser's series cache hands out the same name and Labels instances for an unchanged
                // series, so these are mostly reference comparisons. Values do not matter: no rule reads them.
                if (sample.type() != types[i] || !sample.name().equals(names[i])
                        || !sample.labels().equals(labels[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A source with its own HTTP client, stamping samples from the UTC system clock. */
    public static PrometheusScrapeSource create(PrometheusConfig config) {
        return create(config, Clock.systemUTC());
    }

    /** A source with its own HTTP client, stamping samples from {@code clock}. */
    public static PrometheusScrapeSource create(PrometheusConfig config, Clock clock) {
        return new PrometheusScrapeSource(config, fetcherFor(config), clock);
    }

    /**
     * The fetcher a source of {@code config} reads through: Prometheus 3's {@code Accept} header, gzip, and the
     * config's headers, credentials and TLS.
     */
    public static DocumentFetcher fetcherFor(PrometheusConfig config) {
        return HttpFetcher.create(config.url(), config.timeout(), config.maxBytes(), PrometheusNegotiation.ACCEPT, true,
                config.http());
    }

    /** A source reading through {@code fetcher}, which it owns from now on and closes in {@link #close()}. */
    public PrometheusScrapeSource(PrometheusConfig config, DocumentFetcher fetcher, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.parser = new PrometheusTextParser(PrometheusTextParser.DEFAULT_MAX_LINE_LENGTH, config.createdSeries());
    }

    @Override
    public String name() {
        return config.name();
    }

    public PrometheusConfig config() {
        return config;
    }

    /**
     * Fetches, parses, then offers every usable sample.
     *
     * @throws SourceException when the exposition could not be fetched, or had problems and no usable
     *                         sample; the message starts with the URL. Nothing was offered.
     */
    @Override
    public void collect(Emitter out) throws SourceException {
        FetchedDocument document = fetcher.fetchDocument();
        Instant at = clock.instant();
        PrometheusFormat format = formatOf(document.contentType());
        byte[] body = document.body();
        PrometheusParseResult parsed = parser.parse(body, 0, body.length, format, at, config.host(), config.name(),
                config.sampleLimit().samples());
        if (parsed.overSampleLimit()) {
            sampleLimitExceeded.incrementAndGet();
            throw new SourceException(fetcher.location() + ": more than " + config.sampleLimit()
                    + " samples (sample_limit " + config.sampleLimit() + "); the scrape is refused whole, as "
                    + "Prometheus refuses it: raise sample_limit (and the heap) or scrape less");
        }
        if (parsed.hasProblems()) {
            malformedLines.addAndGet(parsed.problemCount());
            if (config.onInvalid() == InvalidScrapePolicy.FAIL) {
                previousProblemCount = parsed.problemCount();
                refusedScrapes.incrementAndGet();
                throw new SourceException(fetcher.location() + ": refused whole (on_invalid: fail), "
                        + parsed.problemCount() + " problems: " + firstProblems(parsed.problems()));
            }
            if (parsed.samples().isEmpty()) {
                previousProblemCount = parsed.problemCount();
                throw new SourceException(fetcher.location() + ": no usable sample, " + parsed.problemCount()
                        + " problems: " + firstProblems(parsed.problems()));
            }
            if (parsed.problemCount() != previousProblemCount) {
                LOG.warn("Source {}: {} lines of {} skipped ({}): {}", config.name(), parsed.problemCount(),
                        fetcher.location(), format, firstProblems(parsed.problems()));
            } else {
                LOG.debug("Source {}: {} lines of {} skipped ({}): {}", config.name(), parsed.problemCount(),
                        fetcher.location(), format, firstProblems(parsed.problems()));
            }
        }
        previousProblemCount = parsed.problemCount();
        lastExposition = parsed;
        int nonFinite = 0;
        for (Sample sample : parsed.samples()) {
            if (sample.value() instanceof SampleValue.Decimal decimal && !decimal.isFinite()) {
                nonFinite++;
            } else {
                // A sample the ring refuses is counted and logged by the pipeline's emitter.
                out.offer(sample);
            }
        }
        nonFiniteValues.addAndGet(nonFinite);
    }

    /** The format the answer names, else the fallback (counted), else the collect fails. */
    private PrometheusFormat formatOf(String contentType) throws SourceException {
        Optional<PrometheusFormat> named = PrometheusNegotiation.formatOf(contentType);
        if (named.isPresent()) {
            inFallbackEpisode = false;
            return named.get();
        }
        String answered = contentType == null || contentType.isBlank() ? "no Content-Type"
                : "Content-Type " + contentType;
        if (config.fallbackProtocol() == null) {
            throw new SourceException(fetcher.location() + ": " + answered + " (expected: a Prometheus text or "
                    + "OpenMetrics exposition type; set fallback_protocol to read such answers anyway)");
        }
        fallbackProtocolUsed.incrementAndGet();
        if (!inFallbackEpisode) {
            inFallbackEpisode = true;
            LOG.warn("Source {}: {} answered {}; read as fallback_protocol {} until it names its format again",
                    config.name(), fetcher.location(), answered, config.fallbackProtocol());
        } else {
            LOG.debug("Source {}: {} answered {}; read as fallback_protocol {}", config.name(), fetcher.location(),
                    answered, config.fallbackProtocol());
        }
        return config.fallbackProtocol();
    }

    private static String firstProblems(List<PrometheusParseProblem> problems) {
        String shown = problems.stream().limit(PROBLEMS_LOGGED).map(PrometheusParseProblem::toString)
                .collect(Collectors.joining("; "));
        return problems.size() > PROBLEMS_LOGGED ? shown + "; ..." : shown;
    }

    /**
     * The exposition of the last collect that offered samples, problems and non-finite values included, as
     * {@link PrometheusDiscovery} needs it; null before the first. A collect that failed leaves it as it was.
     * Any thread.
     */
    public PrometheusParseResult lastExposition() {
        return lastExposition;
    }

    /** The rows of {@link #lastExposition()}; empty before the first. Any thread. */
    @Override
    public Optional<LldRows> lldRows() {
        return lldRows(UnaryOperator.identity());
    }

    /**
     * The rows of {@link #lastExposition()}, each series as {@code processing} leaves it. Any thread. The same
     * {@link LldRows} instance as the previous call when the series and the {@code processing} instance are the
     * same, so a caller that keeps its processing function can tell "unchanged" by identity.
     */
    @Override
    public Optional<LldRows> lldRows(UnaryOperator<Sample> processing) {
        PrometheusParseResult parsed = lastExposition;
        if (parsed == null) {
            return Optional.empty();
        }
        BuiltRows built = builtRows;
        if (built != null && built.fits(parsed, processing)) {
            return Optional.of(built.rows());
        }
        LldRows rows = PrometheusDiscovery.rows(parsed, processing);
        if (!parsed.hasProblems()) {
            // Racing callers may both build; either result is right for this exposition.
            builtRows = BuiltRows.of(parsed, processing, rows);
        }
        return Optional.of(rows);
    }

    /** Problems (mostly malformed lines) reported by the parser so far. */
    public long malformedLines() {
        return malformedLines.get();
    }

    /** Scrapes refused so far because they held more samples than {@code sample_limit}. */
    public long sampleLimitExceeded() {
        return sampleLimitExceeded.get();
    }

    /** Scrapes read as {@code fallback_protocol} so far, their answer naming no known format. */
    public long fallbackProtocolUsed() {
        return fallbackProtocolUsed.get();
    }

    /** Scrapes refused whole so far because they had problems and {@code on_invalid} is {@code fail}. */
    public long refusedScrapes() {
        return refusedScrapes.get();
    }

    /** Samples skipped so far because their value was NaN, +Inf or -Inf. */
    public long nonFiniteValues() {
        return nonFiniteValues.get();
    }

    @Override
    public Map<String, LongSupplier> events() {
        return Map.of("malformed_lines", this::malformedLines, "non_finite_skipped", this::nonFiniteValues,
                "sample_limit_exceeded", this::sampleLimitExceeded, "fallback_protocol_used", this::fallbackProtocolUsed,
                "invalid_scrapes_refused", this::refusedScrapes);
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
