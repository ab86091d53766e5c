package dev.concierge.courier.core.spi;

import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.settings.Settings;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * One kind of sink ({@code type: zabbix}): everything the app needs to bind, describe and create it, kept in
 * the plugin's own package. Found with {@link java.util.ServiceLoader}: a plugin is its package plus one line in
 * {@code META-INF/services/dev.concierge.courier.core.spi.SinkType}.
 *
 * <p>The delivery settings every sink shares ({@code backoff}, {@code backlog_size}) belong to the pipeline and
 * are read by the app, not here. Implementations are stateless and have a public no-argument constructor.
 *
 * @param <C> the plugin's immutable config record; equal records mean a reload keeps the running sink, its
 *            connections and its backlog
 */
public interface SinkType<C> {

    /** The config {@code type}: a lower-case protocol noun, unique among sink types. */
    String name();

    /**
     * Reads the plugin's keys from {@code settings} (an entry of {@code sinks:}), recording every problem there.
     *
     * @return the config, or null when any problem was recorded
     */
    C bind(Settings settings, PluginContext context);

    /** One line for the start-up summary and {@code courier check}: where it sends, how. */
    String summary(C config);

    /** Creates the sink; may start threads, not connections. */
    Sink create(C config);

    /**
     * How a sink of {@code config} escapes Prometheus names before it renders them ({@code name_escaping}), so
     * that the discovery rows {@code courier discover --sink} prints for it name what it sends.
     * {@link NameEscaping#NONE} by default, for a sink that renders no names of its own.
     */
    default NameEscaping nameEscaping(C config) {
        return NameEscaping.NONE;
    }

    /** Files the config names whose content matters (keys, certificates): a reload recreates when they change. */
    default List<Path> watchedFiles(C config) {
        return List.of();
    }

    /**
     * What {@code courier check} can find wrong with {@code config} on this machine without reaching any peer: a
     * file it reads that does not exist, a directory it writes to that cannot be written. Each problem names its
     * key as {@link #bind} would ({@code file}, {@code tls.trust_store}), so it is reported at that key's line
     * and column. {@code courier run} does not ask: a file may appear after the start. None by default.
     */
    default List<SettingProblem> checkLocally(C config) {
        return List.of();
    }

    /**
     * What {@code courier check --connect} does to reach this sink's peer once, sending no samples: one TCP
     * connection to each address it sends to or reads from, or one collect. Empty when there is no peer to reach
     * (a file), which is the default.
     */
    default List<PeerProbe> probes(C config) {
        return List.of();
    }

    /**
     * The plugin's documented sample, which {@code courier config sample} prints: one entry of {@code sinks:}
     * written as a top-level YAML mapping (the app indents it into the list), every key with its default or an
     * example value and a comment saying what it does, so that it passes {@code courier check} as it is.
     * Empty when the plugin documents none.
     *
     * <p>By default the {@code sample.yaml} beside this class in the plugin's resources, the convention every
     * plugin package follows. It is a method of the type, not a lookup the app makes, so that the convention is
     * stated here where a plugin's author reads the contract, and a type whose class lives apart from its
     * resources can point elsewhere.
     */
    default Optional<URL> sample() {
        return Optional.ofNullable(getClass().getResource("sample.yaml"));
    }
}
