package dev.concierge.courier.app.wiring;

import dev.concierge.courier.core.settings.InvalidValueException;
import dev.concierge.courier.app.admin.AdminConfig;
import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.ConfigNode;
import dev.concierge.courier.app.config.ConfigProblems;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.selfmetrics.CourierSelfSource;
import dev.concierge.courier.app.selfmetrics.SelfMetricsConfig;
import dev.concierge.courier.core.ledger.FileDeliveryLedger;
import java.util.TreeSet;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration, validated. {@link #load} reports every problem in the file at once, each with
 * its line and column, and never returns a half-valid configuration.
 *
 * @param dataDir          where the courier keeps its state ({@code data_dir})
 * @param ringSlots        the ring's slot count ({@code ring.slots}, a power of two)
 * @param ringBytes        the ring's byte budget ({@code ring.size})
 * @param ledgerWindowBytes what each sink's ledger backlog keeps in memory, in estimated sample bytes
 *                         ({@code ledger.memory_window})
 * @param shutdownDeadline how long a stop may spend sending what is owed ({@code shutdown_deadline})
 * @param admin            the admin endpoint ({@code admin}), or null when the section is absent: no endpoint
 * @param selfMetrics      the courier's own metrics as a source ({@code self_metrics}), or null: none
 */
public record CourierConfig(Path dataDir, int ringSlots, long ringBytes, long ledgerWindowBytes,
                            Duration shutdownDeadline, List<SourceDefinition<?>> sources, List<SinkDefinition<?>> sinks,
                            AdminConfig admin, SelfMetricsConfig selfMetrics) {
    static final int DEFAULT_RING_SLOTS = 65_536;
    static final ByteSize DEFAULT_RING_SIZE = ByteSize.parse("64MiB");
    static final ByteSize DEFAULT_LEDGER_WINDOW =
            ByteSize.ofBytes(FileDeliveryLedger.Options.defaults().memoryWindowBytes());
    // A window of a few samples would read nearly every sample back from disk; 64 KiB still holds a few hundred.
    static final ByteSize MIN_LEDGER_WINDOW = ByteSize.parse("64KiB");
    static final Duration DEFAULT_SHUTDOWN_DEADLINE = Duration.ofSeconds(5);
    private static final long MIB = 1L << 20;

    /** A configuration with the default ledger window and without the courier's own metrics. */
    public CourierConfig(Path dataDir, int ringSlots, long ringBytes, Duration shutdownDeadline,
                         List<SourceDefinition<?>> sources, List<SinkDefinition<?>> sinks, AdminConfig admin) {
        this(dataDir, ringSlots, ringBytes, DEFAULT_LEDGER_WINDOW.bytes(), shutdownDeadline, sources, sinks, admin,
                null);
    }

    public CourierConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        sources = List.copyOf(sources);
        sinks = List.copyOf(sinks);
    }

    public static CourierConfig load(Path file) throws ConfigException {
        return load(new YamlConfigParser(), file);
    }

    /** Loads with the given parser (and so the given environment for {@code ${VAR}}). */
    public static CourierConfig load(YamlConfigParser parser, Path file) throws ConfigException {
        return load(parser, file, PluginCatalog.load());
    }

    /** Loads with the given parser and only the plugin types in {@code catalog}. */
    public static CourierConfig load(YamlConfigParser parser, Path file, PluginCatalog catalog)
            throws ConfigException {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = parser.parse(file, problems);
        CourierConfig config = bind(root, catalog, problems);
        problems.throwIfAny();
        return config;
    }

    static CourierConfig bind(ConfigNode root, ConfigProblems problems) {
        return bind(root, PluginCatalog.load(), problems);
    }

    static CourierConfig bind(ConfigNode root, PluginCatalog catalog, ConfigProblems problems) {
        root.expectKeys(problems, "data_dir", "ring", "ledger", "shutdown_deadline", "sources", "sinks", "admin",
                "self_metrics");
        String dataDir = root.requiredString("data_dir", problems);
        ConfigNode ring = root.optionalMapping("ring", problems);
        ring.expectKeys(problems, "slots", "size");
        int slots = ring.optionalInt("slots", 1024, 1 << 24, DEFAULT_RING_SLOTS, problems);
        if (Integer.bitCount(slots) != 1) {
            problems.add(ring.child("slots").orElse(ring), Integer.toString(slots), "a power of two");
        }
        ByteSize ringSize = ring.optionalSize("size", DEFAULT_RING_SIZE, problems);
        ConfigNode ledger = root.optionalMapping("ledger", problems);
        ledger.expectKeys(problems, "memory_window");
        ByteSize window = ledger.optionalSize("memory_window", DEFAULT_LEDGER_WINDOW, problems);
        if (window.bytes() < MIN_LEDGER_WINDOW.bytes()) {
            ConfigNode at = ledger.child("memory_window").orElse(ledger);
            problems.add(at, '"' + at.text() + '"', "at least " + MIN_LEDGER_WINDOW);
        }
        Duration deadline = root.optionalDuration("shutdown_deadline", DEFAULT_SHUTDOWN_DEADLINE, problems);

        List<SourceDefinition<?>> sources = new ArrayList<>();
        Set<String> sourceNames = new HashSet<>();
        for (ConfigNode node : root.requiredList("sources", problems)) {
            SourceDefinition<?> source = catalog.bindSource(node, problems);
            if (source != null && !sourceNames.add(source.name())) {
                problems.add(node.child("name").orElse(node), source.name() + " used twice", "a unique source name");
            }
            sources.add(source);
        }
        List<SinkDefinition<?>> sinks = new ArrayList<>();
        Set<String> sinkNames = new HashSet<>();
        for (ConfigNode node : root.requiredList("sinks", problems)) {
            SinkDefinition<?> sink = catalog.bindSink(node, stateDir(dataDir), problems);
            if (sink != null && !sinkNames.add(sink.name())) {
                problems.add(node.child("name").orElse(node), sink.name() + " used twice", "a unique sink name");
            }
            sinks.add(sink);
        }
        AdminConfig admin = AdminConfig.bind(root, problems);
        SelfMetricsConfig selfMetrics = SelfMetricsConfig.bind(root, problems);
        if (selfMetrics != null && sourceNames.contains(CourierSelfSource.NAME)) {
            problems.add(root.child("self_metrics").orElse(root), "a source named " + CourierSelfSource.NAME,
                    "no source of that name: self_metrics uses it");
        }
        checkRoutes(root, selfMetrics, problems);
        if (!problems.isEmpty()) {
            return null;
        }
        return new CourierConfig(Path.of(dataDir), slots, ringSize.bytes(), window.bytes(), deadline, sources, sinks,
                admin, selfMetrics);
    }

    /**
     * Every name in a sink's {@code sources} is a source of this configuration (the courier's own,
     * {@value CourierSelfSource#NAME}, with {@code self_metrics}); names are read as written, so a source with
     * problems of its own is not reported again here.
     */
    private static void checkRoutes(ConfigNode root, SelfMetricsConfig selfMetrics, ConfigProblems problems) {
        Set<String> written = new TreeSet<>();
        for (ConfigNode source : root.child("sources").map(ConfigNode::elements).orElse(List.of())) {
            source.child("name").filter(n -> n.isScalar() && !n.isNull()).ifPresent(n -> written.add(n.text()));
        }
        if (selfMetrics != null) {
            written.add(CourierSelfSource.NAME);
        }
        for (ConfigNode sink : root.child("sinks").map(ConfigNode::elements).orElse(List.of())) {
            for (ConfigNode name : sink.child("sources").map(ConfigNode::elements).orElse(List.of())) {
                if (name.isScalar() && !name.isNull() && !written.contains(name.text())) {
                    problems.add(name, "no source named " + InvalidValueException.quote(name.text()),
                            written.isEmpty() ? "the name of a source" : "one of " + String.join(", ", written));
                }
            }
        }
    }

    /** {@code data_dir} as a path for sinks' state; null when absent or not a path (reported elsewhere). */
    private static Path stateDir(String dataDir) {
        try {
            return dataDir == null ? null : Path.of(dataDir);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /**
     * What each sink's backlog holds on the heap in a courier started by {@link Courier#start(CourierConfig)},
     * in sink order. That courier keeps every backlog in a {@link FileDeliveryLedger}, which holds only a
     * window of the oldest waiting samples in memory ({@link #ledgerWindowBytes()} of estimated sample bytes)
     * and reads the rest back from disk, so each sink counts its window whatever its {@code backlog_size},
     * which bounds bytes on disk. Not counted: a failing disk, during which a backlog keeps what it cannot
     * write in memory, up to its {@code backlog_size}.
     */
    public List<Long> backlogHeapBytes() {
        return sinks.stream().map(sink -> ledgerWindowBytes).toList();
    }

    /** {@link #heapWarning(long, List, long)} for this configuration's ring and {@link #backlogHeapBytes()}. */
    public Optional<String> heapWarning(long maxHeap) {
        return heapWarning(ringBytes, backlogHeapBytes(), maxHeap);
    }

    /**
     * Whether the samples the ring and the backlogs may hold fit in the heap: a warning naming the figures
     * and what to do when {@code ringBytes} plus every backlog's in-memory budget is more than
     * {@code maxHeap}, empty when it is at most that. A courier whose budgets exceed its heap can run out
     * of memory under overload before its budgets ever shed a sample.
     *
     * <p>Equal is enough: the budgets count each sample's {@link dev.concierge.courier.core.model.Sample#estimatedBytes()
     * estimated size}, which runs above the heap the sample really holds, so budgets that add up to the heap
     * still leave room for everything else the courier keeps (buffers, batches in flight, its own classes'
     * data).
     *
     * @param ringBytes        the ring's byte budget ({@code ring.size})
     * @param backlogHeapBytes what each sink's backlog may hold on the heap, one entry per sink
     * @param maxHeap          the heap the JVM may grow to ({@link Runtime#maxMemory()})
     */
    public static Optional<String> heapWarning(long ringBytes, List<Long> backlogHeapBytes, long maxHeap) {
        // ring.size may be as large as a long: the sum stops there rather than wrapping to a negative figure.
        long total = ringBytes;
        for (long bytes : backlogHeapBytes) {
            total = total > Long.MAX_VALUE - bytes ? Long.MAX_VALUE : total + bytes;
        }
        if (total <= maxHeap) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("ring ").append(ByteSize.ofBytes(ringBytes));
        if (!backlogHeapBytes.isEmpty()) {
            text.append(" + backlogs in memory ");
            if (backlogHeapBytes.stream().distinct().count() == 1) {
                text.append(backlogHeapBytes.size()).append(" x ").append(ByteSize.ofBytes(backlogHeapBytes.get(0)));
            } else {
                text.append(String.join(" + ", backlogHeapBytes.stream()
                        .map(bytes -> ByteSize.ofBytes(bytes).toString()).toList()));
            }
            text.append(" = ").append(ByteSize.ofBytes(total));
        }
        // Runtime.maxMemory() is rarely a whole number of MiB: the serial collector leaves out a survivor
        // space, so -Xmx64m reads as 61.8 MiB. Rounded down, so that a heap never reads as large as the
        // budgets that exceed it.
        String heap = maxHeap % MIB == 0 ? ByteSize.ofBytes(maxHeap).toString()
                : String.format(Locale.ROOT, "%.1fMiB", Math.floor(maxHeap * 10.0 / MIB) / 10);
        return Optional.of(text.append(" of sample budgets exceed the ").append(heap).append(" heap (-Xmx): under")
                .append(" overload the courier could run out of memory before it sheds samples; lower ring.size")
                .append(" or ledger.memory_window, or raise -Xmx").toString());
    }

    /** One line for the start-up log: what will run. */
    public String summary() {
        StringBuilder line = new StringBuilder();
        line.append(sources.size()).append(" source(s) [");
        for (int i = 0; i < sources.size(); i++) {
            SourceDefinition<?> source = sources.get(i);
            line.append(i == 0 ? "" : ", ").append(source.name()).append(": ").append(source.type()).append(' ')
                    .append(source.summary());
        }
        line.append("], ").append(sinks.size()).append(" sink(s) [");
        for (int i = 0; i < sinks.size(); i++) {
            SinkDefinition<?> sink = sinks.get(i);
            line.append(i == 0 ? "" : ", ").append(sink.name()).append(": ").append(sink.type()).append(' ')
                    .append(sink.summary());
            if (sink.sources() != null) {
                line.append(" from ").append(String.join(", ", sink.sources()));
            }
        }
        line.append("], data_dir ").append(dataDir);
        if (admin == null) {
            return line.append(", no admin endpoint").toString();
        }
        return line.append(", admin on ").append(admin.listen())
                .append(admin.requiresToken() ? " with a token" : " without a token").toString();
    }
}
