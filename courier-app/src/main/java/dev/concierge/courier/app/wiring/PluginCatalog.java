package dev.concierge.courier.app.wiring;

import dev.concierge.courier.app.config.ConfigNode;
import dev.concierge.courier.app.config.ConfigProblems;
import dev.concierge.courier.app.config.ConfigSettings;
import dev.concierge.courier.core.pipeline.Backoff;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.core.process.ProcessingSettings;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.SinkType;
import dev.concierge.courier.core.spi.SourceType;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every source and sink type the courier knows, found with {@link ServiceLoader} (each plugin module lists its
 * types in {@code META-INF/services}), and the binding of one {@code sources[i]} or {@code sinks[i]} entry:
 * the app reads the keys every entry shares ({@code name}, {@code type}, and a sink's delivery settings), the
 * plugin's type reads the rest.
 */
public final class PluginCatalog {
    static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(500);
    static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(60);
    static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
    static final ByteSize DEFAULT_BACKLOG_SIZE = ByteSize.parse("64MiB");
    private static final List<String> SOURCE_KEYS = withProcessingKeys("name", "type");
    private static final List<String> SINK_KEYS = withProcessingKeys("name", "type", "sources", "backoff",
            "backlog_size");

    // The processing keys (include, rename, ...) are read by the app on every entry, as name and type are.
    private static List<String> withProcessingKeys(String... keys) {
        List<String> all = new ArrayList<>(List.of(keys));
        all.addAll(ProcessingSettings.KEYS);
        return List.copyOf(all);
    }

    private final Map<String, SourceType<?>> sources;
    private final Map<String, SinkType<?>> sinks;
    private final String defaultHost;

    private PluginCatalog(List<SourceType<?>> sources, List<SinkType<?>> sinks, String defaultHost) {
        this.sources = byName(sources, SourceType::name);
        this.sinks = byName(sinks, SinkType::name);
        this.defaultHost = defaultHost;
    }

    /** The types on the class path. */
    public static PluginCatalog load() {
        ClassLoader loader = PluginCatalog.class.getClassLoader();
        List<SourceType<?>> sources = ServiceLoader.load(SourceType.class, loader).stream()
                .<SourceType<?>>map(ServiceLoader.Provider::get).toList();
        List<SinkType<?>> sinks = ServiceLoader.load(SinkType.class, loader).stream()
                .<SinkType<?>>map(ServiceLoader.Provider::get).toList();
        return new PluginCatalog(sources, sinks, PluginContext.localHostName());
    }

    /** Exactly these types, for tests. */
    public static PluginCatalog of(List<SourceType<?>> sources, List<SinkType<?>> sinks) {
        return new PluginCatalog(sources, sinks, PluginContext.localHostName());
    }

    private static <T> Map<String, T> byName(List<T> types, java.util.function.Function<T, String> name) {
        Map<String, T> byName = new TreeMap<>();
        for (T type : types) {
            T other = byName.putIfAbsent(name.apply(type), type);
            if (other != null) {
                throw new IllegalStateException("plugin type " + name.apply(type) + ": " + other.getClass().getName()
                        + " and " + type.getClass().getName() + " (expected: one type per name)");
            }
        }
        return Map.copyOf(byName);
    }

    public List<String> sourceTypes() {
        return sources.keySet().stream().sorted().toList();
    }

    public List<String> sinkTypes() {
        return sinks.keySet().stream().sorted().toList();
    }

    /** The documented sample of a source type, one of {@link #sourceTypes()}; empty when its plugin has none. */
    public Optional<URL> sourceSample(String type) {
        return known(sources, type).sample();
    }

    /** The documented sample of a sink type, one of {@link #sinkTypes()}; empty when its plugin has none. */
    public Optional<URL> sinkSample(String type) {
        return known(sinks, type).sample();
    }

    private static <T> T known(Map<String, T> types, String type) {
        T known = types.get(type);
        if (known == null) {
            throw new IllegalArgumentException("type: " + type + " (expected: one of "
                    + types.keySet().stream().sorted().toList() + ")");
        }
        return known;
    }

    /** Binds one {@code sources[i]} entry; null when it has problems (recorded in {@code problems}). */
    public SourceDefinition<?> bindSource(ConfigNode node, ConfigProblems problems) {
        String name = node.requiredString("name", problems);
        String type = node.requiredChoice("type", sourceTypes(), problems);
        if (type == null) {
            return null;
        }
        return bindSource(sources.get(type), name, new ConfigSettings(node, problems, SOURCE_KEYS));
    }

    private <C> SourceDefinition<C> bindSource(SourceType<C> type, String name, ConfigSettings settings) {
        C config = type.bind(settings, new PluginContext(name, null, defaultHost));
        SampleProcessor processor = ProcessingSettings.bind(settings);
        return config == null || name == null || processor == null ? null
                : SourceDefinition.of(name, type, config, processor);
    }

    /**
     * Binds one {@code sinks[i]} entry; null when it has problems (recorded in {@code problems}).
     *
     * @param dataDir where sinks keep state of their own; null when the configuration is only checked
     */
    public SinkDefinition<?> bindSink(ConfigNode node, Path dataDir, ConfigProblems problems) {
        String name = node.requiredString("name", problems);
        String type = node.requiredChoice("type", sinkTypes(), problems);
        Set<String> sources = sources(node, problems);
        Backoff backoff = backoff(node, problems);
        ByteSize backlog = node.optionalSize("backlog_size", DEFAULT_BACKLOG_SIZE, problems);
        if (type == null) {
            return null;
        }
        return bindSink(sinks.get(type), name, sources, backoff, Math.max(1, backlog.bytes()),
                new ConfigSettings(node, problems, SINK_KEYS), dataDir);
    }

    private <C> SinkDefinition<C> bindSink(SinkType<C> type, String name, Set<String> sources, Backoff backoff,
                                           long backlogBytes, ConfigSettings settings, Path dataDir) {
        C config = type.bind(settings, new PluginContext(name, dataDir, defaultHost));
        SampleProcessor processor = ProcessingSettings.bind(settings);
        return config == null || name == null || processor == null ? null
                : SinkDefinition.of(name, type, config, backoff, backlogBytes, sources, processor);
    }

    /** Records {@code found}, problems of the {@code sources[i]} entry at {@code node}, each at its key. */
    public void reportSourceProblems(ConfigNode node, List<SettingProblem> found, ConfigProblems problems) {
        new ConfigSettings(node, problems, SOURCE_KEYS).report(found);
    }

    /** Records {@code found}, problems of the {@code sinks[i]} entry at {@code node}, each at its key. */
    public void reportSinkProblems(ConfigNode node, List<SettingProblem> found, ConfigProblems problems) {
        new ConfigSettings(node, problems, SINK_KEYS).report(found);
    }

    /**
     * {@code sources: [app, node]}: the sources whose samples the sink takes; null (every source) when absent.
     * Whether each names a source is checked with the whole configuration, in {@link CourierConfig}.
     */
    private static Set<String> sources(ConfigNode node, ConfigProblems problems) {
        if (node.child("sources").isEmpty()) {
            return null;
        }
        List<String> names = node.optionalStringList("sources", problems);
        if (names.isEmpty() && node.child("sources").get().isList()) {
            problems.add(node.child("sources").get(), "an empty list",
                    "at least one source name, or no sources key for every source");
        }
        return new LinkedHashSet<>(names);
    }

    /** {@code backoff: {initial, max, multiplier}}: the pipeline's retry schedule for one sink. */
    private static Backoff backoff(ConfigNode node, ConfigProblems problems) {
        ConfigNode backoff = node.optionalMapping("backoff", problems);
        backoff.expectKeys(problems, "initial", "max", "multiplier");
        Duration initial = backoff.optionalDuration("initial", DEFAULT_BACKOFF_INITIAL, problems);
        Duration max = backoff.optionalDuration("max", DEFAULT_BACKOFF_MAX, problems);
        String multiplierText = backoff.optionalString("multiplier", null, problems);
        double multiplier = DEFAULT_BACKOFF_MULTIPLIER;
        if (multiplierText != null) {
            try {
                multiplier = Double.parseDouble(multiplierText);
            } catch (NumberFormatException e) {
                multiplier = Double.NaN;
            }
            if (!(multiplier >= 1.0 && multiplier <= 10.0)) {
                problems.add(backoff.child("multiplier").orElse(backoff), multiplierText, "a number from 1 to 10");
                multiplier = DEFAULT_BACKOFF_MULTIPLIER;
            }
        }
        if (max.compareTo(initial) < 0) {
            problems.add(backoff, "max " + max + " below initial " + initial, "max >= initial");
            max = initial;
        }
        if (initial.isZero() || initial.isNegative()) {
            problems.add(backoff, "initial " + initial, "more than 0");
            initial = DEFAULT_BACKOFF_INITIAL;
            max = max.compareTo(initial) < 0 ? initial : max;
        }
        return FullJitterBackoff.of(initial, max, multiplier);
    }
}
