package dev.concierge.courier.benchmarks;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.process.LabelRewrite;
import dev.concierge.courier.core.process.NameRewrite;
import dev.concierge.courier.core.process.RelabelRule;
import dev.concierge.courier.core.process.RelabelRule.Action;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.process.SampleSelector;
import dev.concierge.courier.sources.prometheus.PrometheusFormat;
import dev.concierge.courier.sources.prometheus.PrometheusTextParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The processing stage's cost per sample, over the samples of one real node_exporter 1.5.0 scrape
 * ({@code node-exporter-1.5.0.prom}, parsed once at setup), with three rule sets:
 * <ul>
 *   <li>{@code none}: no rules; what the pipeline pays is the {@code isEmpty()} check it makes before calling;</li>
 *   <li>{@code typical}: an include of a few series (globs and a label selector), an exclude, a relabel replace,
 *       {@code host_from_label}, a rename and label edits, as the README's examples;</li>
 *   <li>{@code fifty}: 50 rules: 20 include entries, 10 exclude entries, 10 relabel rules, 5 renames and label
 *       edits, most of them matching nothing, so every sample walks the whole chain.</li>
 * </ul>
 * The baseline in the same run is {@code parse}: parsing the same scrape with {@link PrometheusTextParser}, per
 * sample, the work every sample already costs before the stage sees it. Scores are nanoseconds per sample
 * (505 samples; 27 pass the typical rules, 459 the fifty, whose {@code node_*} include takes most).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SampleProcessorBenchmark {
    private static final String PAYLOAD = "node-exporter-1.5.0.prom";
    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");
    // The series in the payload: every score is per sample.
    private static final int SAMPLES = 505;

    @Param({"none", "typical", "fifty"})
    public String rules;

    private byte[] payload;
    private PrometheusTextParser parser;
    private Sample[] samples;
    private SampleProcessor processor;

    @Setup
    public void setUp() {
        try (InputStream in = SampleProcessorBenchmark.class.getResourceAsStream(PAYLOAD)) {
            payload = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        parser = new PrometheusTextParser();
        samples = parser.parse(payload, PrometheusFormat.TEXT_0_0_4, AT, "h", "node").samples()
                .toArray(Sample[]::new);
        processor = switch (rules) {
            case "none" -> SampleProcessor.none();
            case "typical" -> typical();
            case "fifty" -> fifty();
            default -> throw new IllegalArgumentException("rules: " + rules + " (expected: none, typical, fifty)");
        };
        int passed = 0;
        for (Sample sample : samples) {
            passed += processor.apply(sample) != null ? 1 : 0;
        }
        if (samples.length != SAMPLES || (!processor.isEmpty() && passed == 0)) {
            throw new IllegalStateException("samples: " + samples.length + ", passed " + passed
                    + " (expected: " + SAMPLES + ", some passing)");
        }
    }

    private static List<SampleSelector> selectors(String... texts) {
        return List.of(texts).stream().map(SampleSelector::parse).toList();
    }

    static SampleProcessor typical() {
        return SampleProcessor.of(
                selectors("node_load*", "node_memory_Mem*", "node_filesystem_avail_bytes{fstype!~\"tmpfs|overlay\"}",
                        "node_cpu_seconds_total{mode!=\"idle\"}", "node_network_*_bytes_total"),
                selectors("{device=~\"veth.*|lo\"}"),
                List.of(RelabelRule.of(Action.REPLACE, List.of("device"), null, "iface", "(eth|ens)(.*)", "$1$2")),
                "instance",
                List.of(NameRewrite.of("node_(.*)", "node.$1")),
                LabelRewrite.of(Map.of(), List.of("instance"), Map.of("env", "prod")));
    }

    static SampleProcessor fifty() {
        List<SampleSelector> include = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            include.add(SampleSelector.parse("app_" + i + "_*"));
        }
        include.addAll(selectors("/node_(load1|load5|load15)/", "node_memory_*{job!=\"x\"}",
                "{__name__=~\"node_cpu_.+\", mode!=\"idle\"}", "node_*"));
        List<SampleSelector> exclude = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            exclude.add(SampleSelector.parse("{team=\"t" + i + "\"}"));
        }
        exclude.add(SampleSelector.parse("/go_.*|process_.*/"));
        List<RelabelRule> relabel = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            relabel.add(RelabelRule.of(Action.DROP, List.of("__name__", "device"), null, null,
                    "node_never_" + i + ";.*", null));
        }
        relabel.add(RelabelRule.of(Action.REPLACE, List.of("device"), null, "iface", "(eth|ens)(.*)", "$1$2"));
        relabel.add(RelabelRule.of(Action.LABELDROP, List.of(), null, null, "tmp_.*", null));
        List<NameRewrite> rename = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rename.add(NameRewrite.of("app_" + i + "_(.*)", "app" + i + ".$1"));
        }
        rename.add(NameRewrite.of("node_(.*)", "node.$1"));
        return SampleProcessor.of(include, exclude, relabel, "instance", rename,
                LabelRewrite.of(Map.of("fstype", "fs_type"), List.of("instance"), Map.of("env", "prod")));
    }

    /** The stage as the pipeline calls it: not at all without rules. */
    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public void process(Blackhole sink) {
        SampleProcessor rules = processor;
        for (Sample sample : samples) {
            sink.consume(rules.isEmpty() ? sample : rules.apply(sample));
        }
    }

    /** The baseline: parsing the same scrape, the cost every sample already has. */
    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public void parse(Blackhole sink) {
        sink.consume(parser.parse(payload, PrometheusFormat.TEXT_0_0_4, AT, "h", "node"));
    }
}
