package dev.concierge.courier.app.wiring;

import dev.concierge.courier.app.admin.AdminConfig;
import dev.concierge.courier.app.config.ByteSize;
import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.ConfigNode;
import dev.concierge.courier.app.config.ConfigProblems;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.app.selfmetrics.CourierSelfSource;
import dev.concierge.courier.app.selfmetrics.SelfMetricsConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The whole configuration, validated. {@link #load} reports every problem in the file at once, each with
 * its line and column, and never returns a half-valid configuration.
 *
 * @param dataDir          where the courier keeps its state ({@code data_dir})
 * @param ringSlots        the ring's slot count ({@code ring.slots}, a power of two)
 * @param ringBytes        the ring's byte budget ({@code ring.size})
 * @param shutdownDeadline how long a stop may spend sending what is owed ({@code shutdown_deadline})
 * @param admin            the admin endpoint ({@code admin}), or null when the section is absent: no endpoint
 * @param selfMetrics      the courier's own metrics as a source ({@code self_metrics}), or null: none
 */
public record CourierConfig(Path dataDir, int ringSlots, long ringBytes, Duration shutdownDeadline,
                            List<SourceDefinition> sources, List<SinkDefinition> sinks, AdminConfig admin,
                            SelfMetricsConfig selfMetrics) {
    static final int DEFAULT_RING_SLOTS = 65_536;
    static final ByteSize DEFAULT_RING_SIZE = ByteSize.parse("64MiB");
    static final Duration DEFAULT_SHUTDOWN_DEADLINE = Duration.ofSeconds(5);

    /** A configuration without the courier's own metrics. */
    public CourierConfig(Path dataDir, int ringSlots, long ringBytes, Duration shutdownDeadline,
                         List<SourceDefinition> sources, List<SinkDefinition> sinks, AdminConfig admin) {
        this(dataDir, ringSlots, ringBytes, shutdownDeadline, sources, sinks, admin, null);
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
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = parser.parse(file, problems);
        CourierConfig config = bind(root, problems);
        problems.throwIfAny();
        return config;
    }

    static CourierConfig bind(ConfigNode root, ConfigProblems problems) {
        root.expectKeys(problems, "data_dir", "ring", "shutdown_deadline", "sources", "sinks", "admin",
                "self_metrics");
        String dataDir = root.requiredString("data_dir", problems);
        ConfigNode ring = root.optionalMapping("ring", problems);
        ring.expectKeys(problems, "slots", "size");
        int slots = ring.optionalInt("slots", 1024, 1 << 24, DEFAULT_RING_SLOTS, problems);
        if (Integer.bitCount(slots) != 1) {
            problems.add(ring.child("slots").orElse(ring), Integer.toString(slots), "a power of two");
        }
        ByteSize ringSize = ring.optionalSize("size", DEFAULT_RING_SIZE, problems);
        Duration deadline = root.optionalDuration("shutdown_deadline", DEFAULT_SHUTDOWN_DEADLINE, problems);

        List<SourceDefinition> sources = new ArrayList<>();
        Set<String> sourceNames = new HashSet<>();
        for (ConfigNode node : root.requiredList("sources", problems)) {
            SourceDefinition source = BuiltInSources.bind(node, problems);
            if (source != null && !sourceNames.add(source.name())) {
                problems.add(node.child("name").orElse(node), source.name() + " used twice", "a unique source name");
            }
            sources.add(source);
        }
        List<SinkDefinition> sinks = new ArrayList<>();
        Set<String> sinkNames = new HashSet<>();
        for (ConfigNode node : root.requiredList("sinks", problems)) {
            SinkDefinition sink = BuiltInSinks.bind(node, stateDir(dataDir), problems);
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
        if (!problems.isEmpty()) {
            return null;
        }
        return new CourierConfig(Path.of(dataDir), slots, ringSize.bytes(), deadline, sources, sinks, admin,
                selfMetrics);
    }

    /** {@code data_dir} as a path for sinks' state; null when absent or not a path (reported elsewhere). */
    private static Path stateDir(String dataDir) {
        try {
            return dataDir == null ? null : Path.of(dataDir);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /** One line for the start-up log: what will run. */
    public String summary() {
        StringBuilder line = new StringBuilder();
        line.append(sources.size()).append(" source(s) [");
        for (int i = 0; i < sources.size(); i++) {
            SourceDefinition source = sources.get(i);
            line.append(i == 0 ? "" : ", ").append(source.name()).append(": ").append(source.type()).append(' ')
                    .append(source.summary());
        }
        line.append("], ").append(sinks.size()).append(" sink(s) [");
        for (int i = 0; i < sinks.size(); i++) {
            SinkDefinition sink = sinks.get(i);
            line.append(i == 0 ? "" : ", ").append(sink.name()).append(": ").append(sink.type()).append(' ')
                    .append(sink.summary());
        }
        line.append("], data_dir ").append(dataDir);
        if (admin == null) {
            return line.append(", no admin endpoint").toString();
        }
        return line.append(", admin on ").append(admin.listen())
                .append(admin.requiresToken() ? " with a token" : " without a token").toString();
    }
}
