package dev.concierge.courier.app.cli;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.wiring.CourierConfig;
import dev.concierge.courier.app.wiring.PluginCatalog;
import dev.concierge.courier.app.wiring.SinkDefinition;
import dev.concierge.courier.app.wiring.SourceDefinition;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.process.DropReason;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.spi.RendersSamples;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code courier test --config FILE [--source NAME] [--sink NAME]}: collects each source once and prints what
 * each sink would receive, and which samples would not reach it and why. Nothing is sent: sinks are never
 * created, so no connection to a destination is opened and no sink file is written; the ledger and
 * {@code data_dir} are not opened either. Sources are created and collected as {@code courier run} does, so
 * they do read from their peers.
 *
 * <p><b>Output</b> (stdout), deterministic for the same samples: one line per collected source in config order,
 * {@code source NAME (TYPE): N samples} or {@code source NAME (TYPE): collect failed: MESSAGE}, then a blank
 * line and, per sink in config order:
 * <pre>
 * sink NAME (TYPE) &lt;- sources A, B          the collected sources it takes; "A (failed)" for one that failed
 * one line per value the sink would send, exactly as its type renders it ({@link RendersSamples})
 * skipped COUNT: REASON      one line per reason, in the order the reasons first occur
 * </pre>
 * separated by blank lines. The reasons come in the order a sample meets them: routing ({@code not routed},
 * a sample of a source the sink does not take), then the sink's own rules, then what the sink's protocol
 * cannot carry ({@code non-finite value}...). Samples are in the order collected, sources in config order. A
 * sink whose type lacks the ability gets one line in place of its rendering: how many samples would reach it.
 * The courier's own metrics ({@code self_metrics}) are not collected: they need a running courier.
 *
 * <p><b>Narrowing.</b> {@code --sink} (repeatable) shows only those sinks and, without {@code --source}, collects
 * only the sources they take; {@code --source} (repeatable) collects only those sources.
 *
 * <p><b>Exit codes</b>, as the other commands: 0 when every source collected; 1 when one failed to (the
 * others are still printed, and the failure also goes to stderr); 2 for a configuration with problems or an
 * unknown {@code --source} or {@code --sink} name.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Collects each source once and prints what each sink would receive, without sending anything.")
public final class TestCommand implements Callable<Integer> {

    /** Why a sink does not get a sample of a source it does not take ({@code sources:} of the sink). */
    static final String NOT_ROUTED = "not routed";

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the YAML configuration")
    Path config;

    @Option(names = "--source", paramLabel = "NAME", description = "repeatable: collect only this source")
    List<String> sourceNames = new ArrayList<>();

    @Option(names = "--sink", paramLabel = "NAME",
            description = "repeatable: show only this sink (without --source, collect only the sources it takes)")
    List<String> sinkNames = new ArrayList<>();

    private final Function<SourceDefinition<?>, Source> createSource;
    private final Supplier<PluginCatalog> catalog;

    public TestCommand() {
        this(SourceDefinition::create, PluginCatalog::load);
    }

    /**
     * For tests: how a source is created from its definition (with a fixed clock, say), and the plugin types
     * the configuration may name.
     */
    TestCommand(Function<SourceDefinition<?>, Source> createSource, Supplier<PluginCatalog> catalog) {
        this.createSource = createSource;
        this.catalog = catalog;
    }

    @Override
    public Integer call() {
        CourierConfig loaded;
        try {
            loaded = CourierConfig.load(new YamlConfigParser(), config, catalog.get());
        } catch (ConfigException e) {
            System.err.println("courier: configuration " + config + " has problems:");
            System.err.println(e.getMessage());
            return 2;
        }
        List<SinkDefinition<?>> sinks = selected(loaded.sinks(), SinkDefinition::name, sinkNames, "--sink");
        List<SourceDefinition<?>> sources = selected(loaded.sources(), SourceDefinition::name, sourceNames,
                "--source");
        if (sinks == null || sources == null) {
            return 2;
        }
        if (!sinkNames.isEmpty() && sourceNames.isEmpty()) {
            sources = sources.stream().filter(source -> sinks.stream().anyMatch(sink -> takes(sink, source))).toList();
        }
        PrintStream out = System.out;
        List<Collected> collected = new ArrayList<>();
        boolean failed = false;
        for (SourceDefinition<?> source : sources) {
            Collected result = collect(source);
            collected.add(result);
            if (result.failure() != null) {
                failed = true;
                out.println("source " + source.name() + " (" + source.type() + "): collect failed: " + result.failure());
                System.err.println("courier test: source " + source.name() + ": " + result.failure());
            } else {
                out.println("source " + source.name() + " (" + source.type() + "): " + result.samples().size()
                        + " samples" + skippedNote(result.dropped()));
            }
        }
        for (SinkDefinition<?> sink : sinks) {
            out.println();
            preview(sink, collected, out);
        }
        out.flush();
        return failed ? 1 : 0;
    }

    /** One source's samples after the source side of processing, and what that dropped, by reason. */
    private record Collected(SourceDefinition<?> source, List<Sample> samples, Map<String, Integer> dropped,
                             String failure) {
    }

    private Collected collect(SourceDefinition<?> definition) {
        List<Sample> offered = new ArrayList<>();
        try (Source source = createSource.apply(definition)) {
            source.collect(offered::add);
        } catch (SourceException e) {
            return new Collected(definition, List.of(), Map.of(), e.getMessage());
        } catch (RuntimeException e) {
            // A source that cannot even be created (an unreadable key file) or that throws: reported as failed.
            return new Collected(definition, List.of(), Map.of(), String.valueOf(e));
        }
        List<Sample> kept = new ArrayList<>(offered.size());
        Map<String, Integer> dropped = new LinkedHashMap<>();
        for (Sample sample : offered) {
            Processed processed = sourceSide(definition, sample);
            if (processed.droppedBy() != null) {
                dropped.merge(processed.droppedBy(), 1, Integer::sum);
            } else {
                kept.add(processed.sample());
            }
        }
        return new Collected(definition, kept, dropped, null);
    }

    /** The header, the rendered lines and the skip counts of one sink. */
    private static void preview(SinkDefinition<?> sink, List<Collected> collected, PrintStream out) {
        List<String> taken = new ArrayList<>();
        Map<String, Integer> skipped = new LinkedHashMap<>();
        List<Sample> reaching = new ArrayList<>();
        for (Collected source : collected) {
            boolean routed = takes(sink, source.source());
            if (routed) {
                taken.add(source.source().name() + (source.failure() == null ? "" : " (failed)"));
            }
            for (Sample sample : source.samples()) {
                if (!routed) {
                    skipped.merge(NOT_ROUTED, 1, Integer::sum);
                    continue;
                }
                Processed processed = sinkSide(sink, sample);
                if (processed.droppedBy() != null) {
                    skipped.merge(processed.droppedBy(), 1, Integer::sum);
                } else {
                    reaching.add(processed.sample());
                }
            }
        }
        out.println("sink " + sink.name() + " (" + sink.type() + ") <- "
                + (taken.isEmpty() ? "no source collected" : "sources " + String.join(", ", taken)));
        if (!render(sink, reaching, out, skipped)) {
            out.println("(sink type " + sink.type() + " cannot show what it sends: " + reaching.size()
                    + " samples would reach it)");
        }
        skipped.forEach((reason, count) -> out.println("skipped " + count + ": " + reason));
    }

    /** Renders through the sink type's {@link RendersSamples} ability; false when the type has none. */
    @SuppressWarnings("unchecked")
    private static <C> boolean render(SinkDefinition<C> sink, List<Sample> samples, PrintStream out,
                                      Map<String, Integer> skipped) {
        if (!(sink.plugin() instanceof RendersSamples<?> renders)) {
            return false;
        }
        // A type renders the config it binds: the definition's plugin bound this config.
        ((RendersSamples<C>) renders).render(sink.config(), samples, new RendersSamples.Output() {
            @Override
            public void line(String text) {
                out.println(text);
            }

            @Override
            public void skipped(Sample sample, String reason) {
                skipped.merge(reason, 1, Integer::sum);
            }
        });
        return true;
    }

    private static boolean takes(SinkDefinition<?> sink, SourceDefinition<?> source) {
        return sink.sources() == null || sink.sources().contains(source.name());
    }

    /** What became of one sample on one side of processing: kept (perhaps changed), or dropped by a rule. */
    private record Processed(Sample sample, String droppedBy) {
        static Processed kept(Sample sample) {
            return new Processed(sample, null);
        }
    }

    /**
     * A source's rules ({@code include}, {@code rename}...), as the pipeline applies them before the ring. The
     * configuration was loaded for this run alone, so the processor's counts are this run's.
     */
    private static Processed sourceSide(SourceDefinition<?> source, Sample sample) {
        return through(source.processor(), sample);
    }

    /** A sink's rules, as its thread applies them after routing and before its backlog. */
    private static Processed sinkSide(SinkDefinition<?> sink, Sample sample) {
        return through(sink.processor(), sample);
    }

    /** The sample after {@code processor}, or the reason it dropped it: the one count that moved. */
    private static Processed through(SampleProcessor processor, Sample sample) {
        if (processor.isEmpty()) {
            return Processed.kept(sample);
        }
        Map<DropReason, Long> before = processor.droppedByReason();
        Sample processed = processor.apply(sample);
        if (processed != null) {
            return Processed.kept(processed);
        }
        for (Map.Entry<DropReason, Long> after : processor.droppedByReason().entrySet()) {
            if (!after.getValue().equals(before.get(after.getKey()))) {
                return new Processed(null, "rule " + after.getKey().reason());
            }
        }
        return new Processed(null, "a rule");
    }

    private static String skippedNote(Map<String, Integer> dropped) {
        StringBuilder note = new StringBuilder();
        dropped.forEach((reason, count) -> note.append(note.isEmpty() ? ", " : "; ").append(count)
                .append(" dropped: ").append(reason));
        return note.toString();
    }

    /** The entries named by {@code names}, in config order; all when none is named; null after a usage error. */
    private static <T> List<T> selected(List<T> entries, Function<T, String> name, List<String> names,
                                        String option) {
        if (names.isEmpty()) {
            return entries;
        }
        Set<String> known = new LinkedHashSet<>();
        entries.forEach(entry -> known.add(name.apply(entry)));
        for (String wanted : names) {
            if (!known.contains(wanted)) {
                System.err.println("courier test: " + option + " " + wanted + ": no such name in the configuration"
                        + " (expected: one of " + String.join(", ", known) + ")");
                return null;
            }
        }
        return entries.stream().filter(entry -> names.contains(name.apply(entry))).toList();
    }
}
