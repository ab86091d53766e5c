package dev.concierge.courier.benchmarks;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.sources.prometheus.PrometheusFormat;
import dev.concierge.courier.sources.prometheus.PrometheusParseResult;
import dev.concierge.courier.sources.prometheus.PrometheusTextParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Parses one real exposition, {@code node-exporter-1.5.0.prom} (57.5 KB, 505 samples, scraped from
 * {@code prometheus-node-exporter} 1.5.0), into samples, with our {@link PrometheusTextParser} and, in the
 * same run, with the baseline: a straightforward regular-expression parser of the kind a first version
 * would be (decode to a String, split lines, one pattern per sample line, one per label), producing the
 * same samples. {@code linesOnly} decodes and splits the lines and does nothing else: the floor under any
 * parser that works on Strings.
 *
 * <p>{@code oursEndToEndPayload} parses the 20,000-series exposition of {@link EndToEndThroughput} (grown
 * from the same payload by {@link ScrapePayloads}) with a parser of its own, as the courier's source does on
 * every scrape of an unchanged exporter.
 *
 * <p>The primary score is parses per second; the {@code bytes} and {@code samples} counters give MB/s
 * and samples/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PrometheusParserBenchmark {
    static final String PAYLOAD = "node-exporter-1.5.0.prom";
    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");
    private static final Pattern SAMPLE =
            Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?[ \\t]+(\\S+)(?:[ \\t]+(-?\\d+))?[ \\t]*");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
    private static final Pattern TYPE = Pattern.compile("# TYPE (\\S+) (\\S+)");

    byte[] payload;
    PrometheusTextParser parser;
    byte[] endToEndPayload;
    PrometheusTextParser endToEndParser;

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
    public void load() {
        try (InputStream in = PrometheusParserBenchmark.class.getResourceAsStream(PAYLOAD)) {
            payload = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        parser = new PrometheusTextParser();
        endToEndPayload = ScrapePayloads.prometheus(20_000);
        endToEndParser = new PrometheusTextParser();
        int samples = ours(new Throughput()).samples().size();
        int baseline = regex(new Throughput()).size();
        if (samples != baseline || samples < 300) {
            throw new IllegalStateException("samples: ours " + samples + ", baseline " + baseline
                    + " (expected: equal, and a real payload)");
        }
    }

    @Benchmark
    public PrometheusParseResult ours(Throughput counters) {
        PrometheusParseResult result = parser.parse(payload, PrometheusFormat.TEXT_0_0_4, AT, "h", "s");
        counters.bytes += payload.length;
        counters.samples += result.samples().size();
        return result;
    }

    @Benchmark
    public PrometheusParseResult oursEndToEndPayload(Throughput counters) {
        PrometheusParseResult result = endToEndParser.parse(endToEndPayload, PrometheusFormat.TEXT_0_0_4, AT, "h", "s");
        counters.bytes += endToEndPayload.length;
        counters.samples += result.samples().size();
        return result;
    }

    @Benchmark
    public List<Sample> regex(Throughput counters) {
        String text = new String(payload, StandardCharsets.UTF_8);
        List<Sample> samples = new ArrayList<>();
        MetricType type = MetricType.UNTYPED;
        String typed = "";
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher t = TYPE.matcher(line);
                if (t.matches()) {
                    typed = t.group(1);
                    type = switch (t.group(2)) {
                        case "counter" -> MetricType.COUNTER;
                        case "gauge" -> MetricType.GAUGE;
                        case "summary" -> MetricType.SUMMARY;
                        case "histogram" -> MetricType.HISTOGRAM;
                        default -> MetricType.UNTYPED;
                    };
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Labels labels = Labels.empty();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    String value = l.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
                    if (!value.isEmpty()) {
                        labels = labels.with(l.group(1), value);
                    }
                }
            }
            String name = m.group(1);
            String v = m.group(3);
            double value = switch (v) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(v);
            };
            samples.add(new Sample(name, labels, name.startsWith(typed) ? type : MetricType.UNTYPED, null,
                    SampleValue.of(value), AT.getEpochSecond(), 0, "h", "s"));
        }
        counters.bytes += payload.length;
        counters.samples += samples.size();
        return samples;
    }

    @Benchmark
    public int linesOnly(Throughput counters) {
        String[] lines = new String(payload, StandardCharsets.UTF_8).split("\n");
        counters.bytes += payload.length;
        return lines.length;
    }
}
