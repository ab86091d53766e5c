package dev.concierge.courier.app.wiring;

import dev.concierge.courier.app.config.ConfigException;
import dev.concierge.courier.app.config.ConfigNode;
import dev.concierge.courier.app.config.ConfigProblems;
import dev.concierge.courier.app.config.YamlConfigParser;
import dev.concierge.courier.core.settings.PathAccess;
import dev.concierge.courier.core.spi.PeerProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What {@code courier check} finds beyond a configuration that binds: what can be known on this machine
 * without sending anything ({@link #run}), and, with {@code --connect}, whether each source and destination
 * can be reached ({@link #connect}).
 *
 * <p>The local checks, each reported at its line and column like a binding problem: {@code data_dir} is a
 * directory this user can write to or create; there is at least one source (or {@code self_metrics}) and one
 * sink; and each plugin's own {@link dev.concierge.courier.core.spi.SourceType#checkLocally checkLocally} (a
 * {@code file:} source's file, a file sink's directory, a trust store). {@code courier run} does not make them:
 * a file may appear after the start, and a courier that cannot write its {@code data_dir} says so itself.
 */
public final class ConfigCheck {

    /**
     * A configuration that passed every local check.
     *
     * @param warnings what the operator should know but that does not stop a start, one line each
     */
    public record Result(CourierConfig config, List<String> warnings) {
        public Result {
            Objects.requireNonNull(config, "config");
            warnings = List.copyOf(warnings);
        }
    }

    private ConfigCheck() {
    }

    /**
     * Loads {@code file} and checks it locally.
     *
     * @throws ConfigException with every problem, binding and local ones together when binding found none
     */
    public static Result run(YamlConfigParser parser, Path file, PluginCatalog catalog,
                             ContainerEnvironment container) throws ConfigException {
        ConfigProblems problems = new ConfigProblems();
        ConfigNode root = parser.parse(file, problems);
        CourierConfig config = CourierConfig.bind(root, catalog, problems);
        problems.throwIfAny();
        checkLocally(root, config, catalog, problems);
        problems.throwIfAny();
        List<String> warnings = new ArrayList<>();
        containerHostWarning(root, container).ifPresent(warnings::add);
        return new Result(config, warnings);
    }

    private static void checkLocally(ConfigNode root, CourierConfig config, PluginCatalog catalog,
                                     ConfigProblems problems) {
        ConfigNode dataDir = root.child("data_dir").orElse(root);
        PathAccess.directoryProblem(config.dataDir()).ifPresent(found -> problems.add(dataDir, found,
                "a directory the courier can write to, or create (it keeps its ledger and state there)"));
        if (config.sources().isEmpty() && config.selfMetrics() == null) {
            problems.add(root.child("sources").orElse(root), "no sources",
                    "at least one source, or self_metrics: without one nothing is ever sent");
        }
        if (config.sinks().isEmpty()) {
            problems.add(root.child("sinks").orElse(root), "no sinks",
                    "at least one sink: without one nothing is ever sent");
        }
        List<ConfigNode> sourceNodes = elements(root, "sources");
        for (int i = 0; i < config.sources().size(); i++) {
            catalog.reportSourceProblems(sourceNodes.get(i), config.sources().get(i).checkLocally(), problems);
        }
        List<ConfigNode> sinkNodes = elements(root, "sinks");
        for (int i = 0; i < config.sinks().size(); i++) {
            catalog.reportSinkProblems(sinkNodes.get(i), config.sinks().get(i).checkLocally(), problems);
        }
    }

    private static List<ConfigNode> elements(ConfigNode root, String key) {
        return root.child(key).map(ConfigNode::elements).orElse(List.of());
    }

    /**
     * The warning for a courier in a container whose rows would reach Zabbix under the container's host name: a
     * Zabbix sink without {@code host} (which would name the host of every row) and sources without {@code host},
     * whose default is this machine's host name, when that name is the container's id or the pod's
     * ({@link ContainerEnvironment#hostNameIsEphemeral()}). Empty otherwise, or when every row's host is set.
     * {@code host} is read here only for its presence: each plugin binds its value.
     */
    public static Optional<String> containerHostWarning(ConfigNode root, ContainerEnvironment container) {
        if (!container.hostNameIsEphemeral()) {
            return Optional.empty();
        }
        List<String> zabbixSinks = new ArrayList<>();
        for (ConfigNode sink : elements(root, "sinks")) {
            boolean zabbix = sink.child("type").filter(type -> type.isScalar() && "zabbix".equals(type.text()))
                    .isPresent();
            if (zabbix && sink.child("host").isEmpty()) {
                zabbixSinks.add(sink.child("name").map(ConfigNode::text).orElse(sink.path()));
            }
        }
        List<String> hostless = new ArrayList<>();
        for (ConfigNode source : elements(root, "sources")) {
            if (source.child("host").isEmpty()) {
                hostless.add(source.child("name").map(ConfigNode::text).orElse(source.path()) + " ("
                        + source.position() + ")");
            }
        }
        if (zabbixSinks.isEmpty() || hostless.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("running in a container (" + container.sign().orElseThrow() + "): source(s) "
                + String.join(", ", hostless) + " set no host, so their rows reach Zabbix sink(s) "
                + String.join(", ", zabbixSinks) + " as host \"" + container.hostName() + "\", "
                + container.hostNameIs().orElseThrow() + ", which no Zabbix host is called: Zabbix refuses every "
                + "value; set host on each source, or on the zabbix sink");
    }

    /**
     * {@link #containerHostWarning(ConfigNode, ContainerEnvironment)} for {@code file}, read again; empty when it
     * no longer parses (the caller has loaded it already).
     */
    public static Optional<String> containerHostWarning(YamlConfigParser parser, Path file,
                                                        ContainerEnvironment container) {
        if (!container.hostNameIsEphemeral()) {
            return Optional.empty();
        }
        try {
            return containerHostWarning(parser.parse(file, new ConfigProblems()), container);
        } catch (ConfigException e) {
            return Optional.empty();
        }
    }

    /**
     * Reaches each source's and each sink's peer once, in configuration order, through their
     * {@link PeerProbe}s, and writes one line per probe to {@code report}: {@code ok} or {@code FAILED}, the
     * source or sink, its target and what was found. A source or sink with nothing to reach (a file) gets a
     * line saying so.
     *
     * @return whether every probe reached its peer
     */
    public static boolean connect(CourierConfig config, Duration timeout, Consumer<String> report) {
        boolean all = true;
        for (SourceDefinition<?> source : config.sources()) {
            all &= probe("source " + source.name(), source.probes(), timeout, report);
        }
        for (SinkDefinition<?> sink : config.sinks()) {
            all &= probe("sink " + sink.name(), sink.probes(), timeout, report);
        }
        return all;
    }

    private static boolean probe(String what, List<PeerProbe> probes, Duration timeout, Consumer<String> report) {
        if (probes.isEmpty()) {
            report.accept("-      " + what + ": nothing to reach");
            return true;
        }
        boolean all = true;
        for (PeerProbe probe : probes) {
            PeerProbe.Outcome outcome = probe.attempt(timeout);
            report.accept((outcome.reached() ? "ok     " : "FAILED ") + what + " -> " + probe.target() + ": "
                    + outcome.detail());
            all &= outcome.reached();
        }
        return all;
    }
}
