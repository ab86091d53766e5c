package dev.concierge.courier.core.settings;

import dev.concierge.courier.core.spi.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One section of the configuration (a {@code sources[i]} or {@code sinks[i]} entry, or a mapping inside it), as
 * the plugin that owns it reads it. The app implements it over its YAML, so a plugin package binds its own
 * record, stating each key, range and default once, and never sees YAML.
 *
 * <p>Reading never throws for a bad value: each problem is recorded with the key's line and column, what was
 * found and what is allowed, and the read returns the default (optional keys) or null (required keys), so one
 * pass reports every problem. A binder compares {@link #problemCount()} before and after to decide whether
 * what it read is usable. Not thread-safe: one load, one thread.
 */
public interface Settings {

    /** Where this section is, as problems name it: {@code sinks[0].tls}. */
    String path();

    /** The keys present, in the order written. */
    Set<String> keys();

    default boolean has(String key) {
        return keys().contains(key);
    }

    /**
     * Records a problem for every key that is neither in {@code known} nor one the app reads for every entry
     * of this kind ({@code name}, {@code type}, and the delivery settings of a sink).
     */
    void expectKeys(String... known);

    String requiredString(String key);

    String optionalString(String key, String defaultValue);

    /** A list of strings; empty when absent. */
    List<String> optionalStringList(String key);

    /** A mapping of strings to strings, in the order written; empty when absent. */
    Map<String, String> optionalStringMap(String key);

    int optionalInt(String key, int min, int max, int defaultValue);

    boolean optionalBoolean(String key, boolean defaultValue);

    /** A duration in {@link DurationSyntax}; null when absent and {@code defaultValue} is null. */
    Duration optionalDuration(String key, Duration defaultValue);

    /** A size in {@link ByteSize} syntax. */
    ByteSize optionalSize(String key, ByteSize defaultValue);

    /** A {@link HostPort}; {@code defaultPort} 0 when the port must be written. */
    HostPort requiredHostPort(String key, int defaultPort);

    /** One of {@code allowed}, exactly as written there. */
    String requiredChoice(String key, List<String> allowed);

    String optionalChoice(String key, List<String> allowed, String defaultValue);

    URI requiredUrl(String key);

    URI optionalUrl(String key, URI defaultValue);

    /** A secret: never echoed in a problem. */
    Secret requiredSecret(String key);

    Secret optionalSecret(String key, Secret defaultValue);

    /** The mapping under {@code key}; an empty section when absent (a problem when it is not a mapping). */
    Settings optionalMapping(String key);

    /** The elements of the list under {@code key}; empty when absent (a problem when it is not a list). */
    List<Settings> optionalList(String key);

    /** This section's text when it is a plain value (a list element such as {@code host:2003}); else null. */
    String text();

    /** Records that this section holds {@code found} where {@code expected} is allowed. */
    void problem(String found, String expected);

    /**
     * Records a problem at {@code key}'s value, or at this section when the key is absent. A dotted key
     * ({@code tls.ca_file}) names a value inside a mapping of this section.
     */
    void problem(String key, String found, String expected);

    /** How many problems the whole load has recorded so far. */
    int problemCount();

    /** Records every problem in {@code problems}, each at its key. */
    default void report(List<SettingProblem> problems) {
        for (SettingProblem problem : problems) {
            problem(problem.key(), problem.found(), problem.expected());
        }
    }

    /**
     * Builds a config record whose constructor checks the rules that span keys: each broken rule an
     * {@link InvalidSettingsException} carries is recorded at its key, and null is returned.
     */
    default <T> T build(Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (InvalidSettingsException e) {
            report(e.problems());
            return null;
        }
    }
}
