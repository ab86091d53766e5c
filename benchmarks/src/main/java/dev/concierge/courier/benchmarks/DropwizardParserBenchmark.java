package dev.concierge.courier.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.spi.SourceException;
import dev.concierge.courier.sources.dropwizard.DropwizardDocument;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonParser;
import dev.concierge.courier.sources.dropwizard.DropwizardKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parses one large metrics-json document, {@code metrics-json-2000.json} (2,000 metrics written by the real
 * registry and metrics-json, see {@link DropwizardDocumentWriter}), into samples, with our
 * {@link DropwizardJsonParser} (jackson-core's streaming parser) and, in the same run, with the baseline:
 * Jackson's tree model ({@code ObjectMapper.readTree}) walked into the same samples with the same rules,
 * the way a first version with jackson-databind at hand would do it. Both must produce equal sample lists
 * (checked at setup). {@code tokensOnly} pulls every token from a streaming parser and builds nothing: the
 * floor under any parser on jackson-core.
 *
 * <p>The primary score is parses per second; the {@code bytes} and {@code samples} counters give MB/s
 * and samples/s. With {@code -prof gc}, {@code gc.alloc.rate.norm} divided by the samples per parse is the
 * allocation per sample.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class DropwizardParserBenchmark {
    static final String DOCUMENT = "metrics-json-2000.json";
    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");
    private static final String HOST = "h";
    private static final String SOURCE = "s";
    // The fields DropwizardKind reads (metrics-json HistogramSerializer, MeterSerializer, TimerSerializer).
    private static final Set<String> SNAPSHOT = Set.of("count", "max", "mean", "min", "p50", "p75", "p95", "p98",
            "p99", "p999", "stddev");
    private static final Set<String> RATES = Set.of("count", "m15_rate", "m1_rate", "m5_rate", "mean_rate");

    byte[] document;
    DropwizardJsonParser parser;
    ObjectMapper mapper;
    JsonFactory factory;

    /** Bytes and samples read per second, as JMH sums these fields over an iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Throughput {
        public long bytes;
        public long samples;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
            samples = 0;
        }
    }

    @Setup
    public void load() throws SourceException {
        try (InputStream in = DropwizardParserBenchmark.class.getResourceAsStream(DOCUMENT)) {
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        parser = new DropwizardJsonParser(SOURCE, HOST);
        mapper = new ObjectMapper();
        factory = new JsonFactory();
        List<Sample> ours = ours(new Throughput()).samples();
        List<Sample> baseline = jacksonTree(new Throughput());
        if (!ours.equals(baseline) || ours.size() < 10_000) {
            throw new IllegalStateException("samples: ours " + ours.size() + ", baseline " + baseline.size()
                    + " (expected: equal lists, and the whole document)");
        }
    }

    @Benchmark
    public DropwizardDocument ours(Throughput counters) throws SourceException {
        DropwizardDocument parsed = parser.parse(document, DOCUMENT, AT);
        counters.bytes += document.length;
        counters.samples += parsed.samples().size();
        return parsed;
    }

    @Benchmark
    public List<Sample> jacksonTree(Throughput counters) {
        JsonNode root;
        try {
            root = mapper.readTree(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Sample> samples = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> sections = root.fields(); sections.hasNext(); ) {
            Map.Entry<String, JsonNode> section = sections.next();
            DropwizardKind kind = DropwizardKind.ofSection(section.getKey());
            if (kind == null || !section.getValue().isObject()) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> metrics = section.getValue().fields(); metrics.hasNext(); ) {
                Map.Entry<String, JsonNode> metric = metrics.next();
                String name = metric.getKey();
                if (kind == DropwizardKind.GAUGES) {
                    SampleValue value = gaugeValue(metric.getValue().get("value"));
                    if (value != null) {
                        samples.add(Sample.of(name, MetricType.GAUGE, null, value, AT, HOST, SOURCE));
                    }
                    continue;
                }
                for (Iterator<Map.Entry<String, JsonNode>> fields = metric.getValue().fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    SampleValue value = fieldValue(kind, field.getKey(), field.getValue());
                    if (value != null) {
                        samples.add(Sample.of(name, kind.metricType(), field.getKey(), value, AT, HOST, SOURCE));
                    }
                }
            }
        }
        counters.bytes += document.length;
        counters.samples += samples.size();
        return samples;
    }

    @Benchmark
    public int tokensOnly(Throughput counters) throws IOException {
        int tokens = 0;
        try (JsonParser p = factory.createParser(document)) {
            while (p.nextToken() != null) {
                tokens++;
            }
        }
        counters.bytes += document.length;
        return tokens;
    }

    private static SampleValue fieldValue(DropwizardKind kind, String field, JsonNode node) {
        boolean numeric = switch (kind) {
            case COUNTERS -> "count".equals(field);
            case HISTOGRAMS -> SNAPSHOT.contains(field);
            case METERS -> RATES.contains(field);
            case TIMERS -> SNAPSHOT.contains(field) || RATES.contains(field);
            case GAUGES -> false;
        };
        if (numeric) {
            return number(node);
        }
        boolean text = switch (kind) {
            case METERS -> "units".equals(field);
            case TIMERS -> "duration_units".equals(field) || "rate_units".equals(field);
            default -> false;
        };
        return text && node.isTextual() ? SampleValue.of(node.textValue()) : null;
    }

    private static SampleValue gaugeValue(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isBoolean()) {
            return SampleValue.of(node.booleanValue() ? 1L : 0L);
        }
        if (node.isTextual()) {
            String text = node.textValue();
            return "NaN".equals(text) || "Infinity".equals(text) || "-Infinity".equals(text)
                    ? null : SampleValue.of(text);
        }
        return number(node);
    }

    private static SampleValue number(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? SampleValue.of(node.longValue()) : SampleValue.of(node.doubleValue());
        }
        if (node.isNumber()) {
            double d = node.doubleValue();
            return Double.isFinite(d) ? SampleValue.of(d) : null;
        }
        return null;
    }
}
