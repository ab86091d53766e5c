package dev.concierge.courier.app.wiring;

import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceType;
import java.time.Duration;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.spi.PeerProbe;
import java.util.List;
import java.util.Objects;

/**
 * A source as configured: validated, not yet created. Creating it is deferred so that a configuration with
 * problems never opens a single connection.
 *
 * @param plugin the source's type, which bound {@code config} and creates the source
 * @param config the plugin's own record, compared on reload: a source whose config (and watched files) are
 *               equal keeps running untouched
 * @param files  the content of the files the config names, so a reload sees a renewed key or certificate
 * @param processor the entry's processing rules ({@code include}, {@code rename}...), applied before the ring;
 *               compared on reload like {@code config}
 */
public record SourceDefinition<C>(String name, SourceType<C> plugin, C config, CredentialFiles files,
                                  SampleProcessor processor) {
    public SourceDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(processor, "processor");
    }

    /** A definition without processing rules whose files are read now. */
    public static <C> SourceDefinition<C> of(String name, SourceType<C> plugin, C config) {
        return of(name, plugin, config, SampleProcessor.none());
    }

    /** A definition whose files are read now. */
    public static <C> SourceDefinition<C> of(String name, SourceType<C> plugin, C config,
                                             SampleProcessor processor) {
        return new SourceDefinition<>(name, plugin, config, CredentialFiles.of(plugin.watchedFiles(config)),
                processor);
    }

    /** The config {@code type}. */
    public String type() {
        return plugin.name();
    }

    public Duration interval() {
        return plugin.interval(config);
    }

    /** The plugin's summary, and the rules when there are some. */
    public String summary() {
        return processor.isEmpty() ? plugin.summary(config) : plugin.summary(config) + "; " + processor.summary();
    }

    public Source create() {
        return plugin.create(config);
    }

    /** What {@code courier check} finds wrong on this machine, each problem at its key (see {@code SourceType}). */
    public List<SettingProblem> checkLocally() {
        return plugin.checkLocally(config);
    }

    /** How {@code courier check --connect} reaches its peer once. */
    public List<PeerProbe> probes() {
        return plugin.probes(config);
    }

    /** Whether {@code other} describes the same source with the same settings, so it can keep running. */
    public boolean sameAs(SourceDefinition<?> other) {
        return name.equals(other.name) && plugin.getClass() == other.plugin.getClass()
                && config.equals(other.config) && Objects.equals(files, other.files)
                && processor.equals(other.processor);
    }
}
