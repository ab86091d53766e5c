package dev.concierge.courier.sources.dropwizard;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.SampleLimit;
import dev.concierge.courier.core.spi.SourceException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a metrics-json document (PROTOCOLS.md section 3) into samples with jackson-core's streaming parser.
 *
 * <ul>
 *   <li>Counters: {@code count}. Histograms: {@code count max mean min p50 p75 p95 p98 p99 p999 stddev}.
 *       Meters: {@code count m15_rate m1_rate m5_rate mean_rate}, and {@code units} as text. Timers: all
 *       of those, and {@code duration_units} and {@code rate_units} as text. A sample's {@code field} is
 *       the JSON field name.</li>
 *   <li>Gauges: {@code value} with a null field. A number is numeric, a boolean is 1 or 0, a string is
 *       text. Null, arrays and objects are skipped and counted as unsupported. {@code {"error": ...}}, what
 *       metrics-json writes when {@code getValue()} throws, is skipped, counted, and logged at warn the
 *       first time per gauge name, then at debug.</li>
 *   <li>A JSON integer becomes {@link SampleValue.Integer} (exact up to 2^63); any other number a
 *       {@link SampleValue.Decimal}. Non-finite doubles, which Jackson writes as the strings {@code "NaN"},
 *       {@code "Infinity"} and {@code "-Infinity"}, are skipped and counted: Zabbix numeric items reject
 *       them.</li>
 *   <li>Unknown sections, unknown fields and the optional {@code values} arrays are ignored.</li>
 *   <li>A Dropwizard Metrics 5 key, {@code app.requests{method=GET, status=200}}, is read as the name
 *       {@code app.requests} with those tags as labels ({@link DropwizardTaggedName}); a key whose braces are not
 *       such a tag list is kept whole as the name, counted, and logged at warn the first time per key, then at
 *       debug.</li>
 * </ul>
 *
 * <p>A document is parsed whole before anything is returned, so a truncated or malformed one yields no
 * samples at all rather than half a scrape. One instance per source: {@link #parse} is called from the
 * source's collect, never concurrently with itself; the counters may be read from any thread.
 */
public final class DropwizardJsonParser {
    private static final Logger LOG = LoggerFactory.getLogger(DropwizardJsonParser.class);
    // Bounds the warn-once memories if a broken application invents gauge names or keys without end.
    private static final int MAX_REMEMBERED_NAMES = 10_000;

    private final String source;
    private final String host;
    private final AtomicLong nonFiniteValues = new AtomicLong();
    private final AtomicLong gaugeErrors = new AtomicLong();
    private final AtomicLong unsupportedValues = new AtomicLong();
    private final AtomicLong sampleLimitExceeded = new AtomicLong();
    private final AtomicLong malformedTags = new AtomicLong();
    private final Set<String> gaugesWarnedAbout = new HashSet<>();
    private final Set<String> keysWarnedAbout = new HashSet<>();

    /**
     * @param source the source name stamped on every sample
     * @param host   the host stamped on every sample
     */
    public DropwizardJsonParser(String source, String host) {
        this.source = Objects.requireNonNull(source, "source");
        this.host = Objects.requireNonNull(host, "host");
    }

    /**
     * Parses one whole document.
     *
     * @param document the document's bytes (UTF-8, or any encoding Jackson detects)
     * @param origin   where it came from, the first part of every error message
     * @param at       the timestamp of every sample
     * @throws SourceException when the document is not JSON, is truncated or is not shaped like metrics-json;
     *                         the message says where: {@code "<origin>: malformed Dropwizard JSON at line 3,
     *                         column 17: ..."}. The parser stays usable for the next document.
     */
    public DropwizardDocument parse(byte[] document, String origin, Instant at) throws SourceException {
        return parse(document, origin, at, SampleLimit.NONE);
    }

    /**
     * Parses one whole document, or stops as soon as it has yielded more samples than {@code limit} (one
     * metric's fields past it at most).
     *
     * @throws SourceException as {@link #parse(byte[], String, Instant)}, and when the document holds more than
     *                         {@code limit} samples: {@code "<origin>: more than N samples (sample_limit N)..."}
     */
    public DropwizardDocument parse(byte[] document, String origin, Instant at, SampleLimit limit)
            throws SourceException {
        JsonParser parser;
        try {
            parser = DropwizardJsonReader.FACTORY.createParser(document);
        } catch (IOException e) {
            throw new SourceException(origin + ": " + e.getMessage(), e);
        }
        List<Sample> samples = new ArrayList<>();
        DropwizardMetricNames.Builder names = new DropwizardMetricNames.Builder();
        try {
            DropwizardJsonReader.walk(parser, origin, (kind, key, p) -> {
                names.add(kind, key);
                DropwizardTaggedName name = DropwizardTaggedName.parse(key);
                if (name.malformed()) {
                    malformedTags(key);
                }
                if (kind == DropwizardKind.GAUGES) {
                    readGauge(name, p, at, samples);
                } else {
                    readFields(kind, name, p, at, samples);
                }
                if (!limit.allows(samples.size())) {
                    throw OverSampleLimit.INSTANCE;
                }
            });
        } catch (OverSampleLimit over) {
            sampleLimitExceeded.incrementAndGet();
            throw new SourceException(origin + ": more than " + limit + " samples (sample_limit " + limit
                    + "); the document is refused whole: raise sample_limit (and the heap) or register fewer metrics");
        }
        return new DropwizardDocument(samples, names.build());
    }

    /** Ends a walk at the first metric past the sample limit; carries nothing, so one instance serves. */
    private static final class OverSampleLimit extends RuntimeException {
        static final OverSampleLimit INSTANCE = new OverSampleLimit();

        private OverSampleLimit() {
            super(null, null, false, false);
        }
    }

    /** Documents refused so far because they held more samples than the limit. */
    public long sampleLimitExceeded() {
        return sampleLimitExceeded.get();
    }

    /**
     * Metric keys read so far whose braces are not a Dropwizard 5 tag list ({@code GET /users/{id}}), each kept
     * whole as its name; counted at every document that has them.
     */
    public long malformedTags() {
        return malformedTags.get();
    }

    /** Non-finite numbers skipped so far ("NaN", "Infinity", "-Infinity"). */
    public long nonFiniteValues() {
        return nonFiniteValues.get();
    }

    /** Gauges skipped so far because their {@code getValue()} threw ({@code {"error": ...}}). */
    public long gaugeErrors() {
        return gaugeErrors.get();
    }

    /** Values skipped so far because their JSON type cannot be a sample (null, arrays, objects, wrong types). */
    public long unsupportedValues() {
        return unsupportedValues.get();
    }

    private void readFields(DropwizardKind kind, DropwizardTaggedName name, JsonParser p, Instant at, List<Sample> out)
            throws IOException {
        MetricType type = kind.metricType();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            SampleValue value;
            if (kind.isNumericField(field)) {
                value = number(p, token);
            } else if (kind.isTextField(field)) {
                value = token == JsonToken.VALUE_STRING ? SampleValue.of(p.getText()) : unsupported(p);
            } else {
                p.skipChildren();
                continue;
            }
            if (value != null) {
                out.add(sample(name, type, field, value, at));
            }
        }
    }

    private Sample sample(DropwizardTaggedName name, MetricType type, String field, SampleValue value, Instant at) {
        return new Sample(name.name(), name.labels(), type, field, value, at.getEpochSecond(), at.getNano(), host,
                source);
    }

    private void readGauge(DropwizardTaggedName name, JsonParser p, Instant at, List<Sample> out) throws IOException {
        boolean sawValue = false;
        String error = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            if ("value".equals(field)) {
                sawValue = true;
                SampleValue value = gaugeValue(p, token);
                if (value != null) {
                    out.add(sample(name, MetricType.GAUGE, null, value, at));
                }
            } else if ("error".equals(field)) {
                error = token == JsonToken.VALUE_STRING ? p.getText() : DropwizardJsonReader.describe(token);
                p.skipChildren();
            } else {
                p.skipChildren();
            }
        }
        if (sawValue) {
            return;
        }
        if (error != null) {
            gaugeFailed(name.name(), error);
        } else {
            unsupportedValues.incrementAndGet();
        }
    }

    private SampleValue gaugeValue(JsonParser p, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_TRUE -> SampleValue.of(1L);
            case VALUE_FALSE -> SampleValue.of(0L);
            case VALUE_STRING -> isNonFinite(p.getText()) ? nonFinite() : SampleValue.of(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(p, token);
            default -> unsupported(p);
        };
    }

    /** A numeric field's value, or null (counted) when it is not a finite number. */
    private SampleValue number(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_NUMBER_INT:
                if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                    return SampleValue.of(p.getLongValue());
                }
                // Beyond a long: keep its magnitude rather than lose the value.
                return SampleValue.of(p.getDoubleValue());
            case VALUE_NUMBER_FLOAT:
                double d = p.getDoubleValue();
                // A literal such as 1e400 overflows to infinity while being read.
                return Double.isFinite(d) ? SampleValue.of(d) : nonFinite();
            case VALUE_STRING:
                if (isNonFinite(p.getText())) {
                    return nonFinite();
                }
                return unsupported(p);
            default:
                return unsupported(p);
        }
    }

    // Jackson's spellings with WRITE_NAN_AS_STRINGS, the default (PROTOCOLS.md section 3.1).
    private static boolean isNonFinite(String text) {
        return "NaN".equals(text) || "Infinity".equals(text) || "-Infinity".equals(text);
    }

    private SampleValue nonFinite() {
        nonFiniteValues.incrementAndGet();
        return null;
    }

    private SampleValue unsupported(JsonParser p) throws IOException {
        p.skipChildren();
        unsupportedValues.incrementAndGet();
        return null;
    }

    private void malformedTags(String key) {
        malformedTags.incrementAndGet();
        boolean first = keysWarnedAbout.size() < MAX_REMEMBERED_NAMES && keysWarnedAbout.add(key);
        if (first) {
            LOG.warn("Source {}: metric key {} has braces that are not Dropwizard 5 tags {tag=value, ...}; kept whole "
                    + "as its name (further times are logged at debug)", source, key);
        } else {
            LOG.debug("Source {}: metric key {} kept whole as its name: its braces are not Dropwizard 5 tags", source,
                    key);
        }
    }

    private void gaugeFailed(String name, String error) {
        gaugeErrors.incrementAndGet();
        boolean first = gaugesWarnedAbout.size() < MAX_REMEMBERED_NAMES && gaugesWarnedAbout.add(name);
        if (first) {
            LOG.warn("Source {}: gauge {} failed and is skipped: {} (further failures of it are logged at debug)",
                    source, name, error);
        } else {
            LOG.debug("Source {}: gauge {} failed and is skipped: {}", source, name, error);
        }
    }
}
