package dev.concierge.courier.core.spi;

import dev.concierge.courier.core.settings.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One kind of source ({@code type: prometheus}): everything the app needs to bind, describe and create it,
 * kept in the plugin's own package. Found with {@link java.util.ServiceLoader}: a plugin is its package plus
 * one line in {@code META-INF/services/dev.concierge.courier.core.spi.SourceType}.
 *
 * <p>Implementations are stateless and have a public no-argument constructor; every method is called on the
 * loading thread. Creating nothing before {@link #create} means a configuration with problems never opens a
 * connection.
 *
 * @param <C> the plugin's immutable config record; equal records mean a reload keeps the running source
 */
public interface SourceType<C> {

    /** The config {@code type}: a lower-case protocol noun, unique among source types. */
    String name();

    /**
     * Reads the plugin's keys from {@code settings} (an entry of {@code sources:}), recording every problem
     * there.
     *
     * @return the config, or null when any problem was recorded
     */
    C bind(Settings settings, PluginContext context);

    /** How often the scheduler calls {@link Source#collect}. */
    Duration interval(C config);

    /** One line for the start-up summary and {@code courier check}: where it reads from, how often. */
    String summary(C config);

    /** Creates the source; may open clients, not connections. */
    Source create(C config);

    /** Files the config names whose content matters (keys, certificates): a reload recreates when they change. */
    default List<Path> watchedFiles(C config) {
        return List.of();
    }
}
