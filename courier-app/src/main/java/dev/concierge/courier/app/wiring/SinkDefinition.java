package dev.concierge.courier.app.wiring;

import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.pipeline.Backoff;
import dev.concierge.courier.core.pipeline.SinkSpec;
import dev.concierge.courier.core.process.SampleProcessor;
import dev.concierge.courier.core.spi.Sink;
import dev.concierge.courier.core.spi.SinkType;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.spi.PeerProbe;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A sink as configured, with the delivery settings the pipeline applies to it; not yet created.
 *
 * @param plugin       the sink's type, which bound {@code config} and creates the sink
 * @param config       the plugin's own record, compared on reload: a sink whose config, watched files, backoff
 *                     and backlog budget are equal keeps running with its connections and backlog
 * @param backoff      the pipeline's retry schedule for this sink ({@code backoff})
 * @param backlogBytes the budget of what this sink may owe ({@code backlog_size})
 * @param sources      the sources whose samples it takes ({@code sources}); null for every source
 * @param files        the content of the files the config names, so a reload sees a renewed key or certificate
 * @param processor    the entry's processing rules ({@code include}, {@code rename}...), applied on the sink's
 *                     thread before its backlog; compared on reload like {@code config}
 */
public record SinkDefinition<C>(String name, SinkType<C> plugin, C config, Backoff backoff, long backlogBytes,
                                Set<String> sources, CredentialFiles files, SampleProcessor processor) {
    public SinkDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(backoff, "backoff");
        sources = sources == null ? null : Set.copyOf(sources);
        Objects.requireNonNull(processor, "processor");
    }

    /** A definition of a sink taking every source, without processing rules, whose files are read now. */
    public static <C> SinkDefinition<C> of(String name, SinkType<C> plugin, C config, Backoff backoff,
                                           long backlogBytes) {
        return of(name, plugin, config, backoff, backlogBytes, null, SampleProcessor.none());
    }

    /** A definition whose files are read now. */
    public static <C> SinkDefinition<C> of(String name, SinkType<C> plugin, C config, Backoff backoff,
                                           long backlogBytes, Set<String> sources, SampleProcessor processor) {
        return new SinkDefinition<>(name, plugin, config, backoff, backlogBytes, sources,
                CredentialFiles.of(plugin.watchedFiles(config)), processor);
    }

    /** How the pipeline runs {@code sink}, created from this definition. */
    public SinkSpec spec(Sink sink) {
        return new SinkSpec(sink, backoff, backlogBytes, sources, processor);
    }

    /** The config {@code type}. */
    public String type() {
        return plugin.name();
    }

    /** The plugin's summary, and the rules when there are some. */
    public String summary() {
        return processor.isEmpty() ? plugin.summary(config) : plugin.summary(config) + "; " + processor.summary();
    }

    public Sink create() {
        return plugin.create(config);
    }

    /** How the sink escapes Prometheus names ({@code name_escaping}); none for a sink that renders no names. */
    public NameEscaping nameEscaping() {
        return plugin.nameEscaping(config);
    }

    /** What {@code courier check} finds wrong on this machine, each problem at its key (see {@code SinkType}). */
    public List<SettingProblem> checkLocally() {
        return plugin.checkLocally(config);
    }

    /** How {@code courier check --connect} reaches its peer once. */
    public List<PeerProbe> probes() {
        return plugin.probes(config);
    }

    /** Whether {@code other} describes the same sink with the same settings, so it can keep running. */
    public boolean sameAs(SinkDefinition<?> other) {
        return name.equals(other.name) && plugin.getClass() == other.plugin.getClass()
                && config.equals(other.config) && backoff.equals(other.backoff)
                && backlogBytes == other.backlogBytes && Objects.equals(sources, other.sources)
                && Objects.equals(files, other.files) && processor.equals(other.processor);
    }
}
