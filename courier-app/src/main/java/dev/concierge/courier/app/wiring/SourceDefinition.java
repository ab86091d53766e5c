package dev.concierge.courier.app.wiring;

import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceType;
import java.time.Duration;
import java.util.Objects;

/**
 * A source as configured: validated, not yet created. Creating it is deferred so that a configuration with
 * problems never opens a single connection.
 *
 * @param plugin the source's type, which bound {@code config} and creates the source
 * @param config the plugin's own record, compared on reload: a source whose config (and watched files) are
 *               equal keeps running untouched
 * @param files  the content of the files the config names, so a reload sees a renewed key or certificate
 */
public record SourceDefinition<C>(String name, SourceType<C> plugin, C config, CredentialFiles files) {
    public SourceDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(config, "config");
    }

    /** A definition whose files are read now. */
    public static <C> SourceDefinition<C> of(String name, SourceType<C> plugin, C config) {
        return new SourceDefinition<>(name, plugin, config, CredentialFiles.of(plugin.watchedFiles(config)));
    }

    /** The config {@code type}. */
    public String type() {
        return plugin.name();
    }

    public Duration interval() {
        return plugin.interval(config);
    }

    public String summary() {
        return plugin.summary(config);
    }

    public Source create() {
        return plugin.create(config);
    }

    /** Whether {@code other} describes the same source with the same settings, so it can keep running. */
    public boolean sameAs(SourceDefinition<?> other) {
        return name.equals(other.name) && plugin.getClass() == other.plugin.getClass()
                && config.equals(other.config) && Objects.equals(files, other.files);
    }
}
