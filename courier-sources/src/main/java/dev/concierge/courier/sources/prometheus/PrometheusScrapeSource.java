package dev.concierge.courier.sources.prometheus;

import java.util.function.LongSupplier;
import java.util.Map;
import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.LldDiscoverable;
import dev.concierge.courier.core.spi.LldRows;
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
 * <p>Each collect fetches the exposition (asking for OpenMetrics first, with gzip, bounded by the
 * configured timeout and by the size cap on both the compressed and the decompressed body), picks the
 * parser's format from the response's {@code Content-Type}, parses it whole and only then offers the
 * samples. Samples without a timestamp of their own carry the instant the body had arrived.
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
 * malformed lines.
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
    private final AtomicLong refusedScrapes = new AtomicLong();
    private int previousProblemCount;
    private volatile PrometheusParseResult lastExposition;

    /** A source with its own HTTP client, stamping samples from the UTC system clock. */
    public static PrometheusScrapeSource create(PrometheusConfig config) {
        return create(config, Clock.systemUTC());
    }

    /** A source with its own HTTP client, stamping samples from {@code clock}. */
    public static PrometheusScrapeSource create(PrometheusConfig config, Clock clock) {
        return new PrometheusScrapeSource(config, fetcherFor(config), clock);
    }

    /** The fetcher a source of {@code config} reads through: the Prometheus {@code Accept} header and gzip. */
    public static DocumentFetcher fetcherFor(PrometheusConfig config) {
        return HttpFetcher.create(config.url(), config.timeout(), config.maxBytes(), PrometheusFormat.ACCEPT, true);
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
        PrometheusFormat format = PrometheusFormat.ofContentType(document.contentType());
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
        PrometheusParseResult parsed = lastExposition;
        return parsed == null ? Optional.empty() : Optional.of(PrometheusDiscovery.rows(parsed));
    }

    /** The rows of {@link #lastExposition()}, each series as {@code processing} leaves it. Any thread. */
    @Override
    public Optional<LldRows> lldRows(UnaryOperator<Sample> processing) {
        PrometheusParseResult parsed = lastExposition;
        return parsed == null ? Optional.empty() : Optional.of(PrometheusDiscovery.rows(parsed, processing));
    }

    /** Problems (mostly malformed lines) reported by the parser so far. */
    public long malformedLines() {
        return malformedLines.get();
    }

    /** Scrapes refused so far because they held more samples than {@code sample_limit}. */
    public long sampleLimitExceeded() {
        return sampleLimitExceeded.get();
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
                "sample_limit_exceeded", this::sampleLimitExceeded, "invalid_scrapes_refused", this::refusedScrapes);
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
