package dev.concierge.courier.app.wiring;

import dev.concierge.courier.app.config.ByteSize;
import dev.concierge.courier.app.config.ConfigNode;
import dev.concierge.courier.app.config.ConfigProblems;
import dev.concierge.courier.sources.dropwizard.DropwizardConfig;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonSource;
import dev.concierge.courier.sources.prometheus.PrometheusConfig;
import dev.concierge.courier.sources.prometheus.PrometheusScrapeSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The catalog of source types. Adding a source is one binder method here plus its package in
 * courier-sources.
 */
final class BuiltInSources {
    private interface Binder {
        SourceDefinition bind(ConfigNode node, String name, ConfigProblems problems);
    }

    private static final Map<String, Binder> BINDERS = Map.of(
            DropwizardConfig.TYPE, BuiltInSources::dropwizard,
            PrometheusConfig.TYPE, BuiltInSources::prometheus);

    private BuiltInSources() {
    }

    static List<String> types() {
        return BINDERS.keySet().stream().sorted().toList();
    }

    /** Binds one {@code sources[i]} entry; null when it has problems (recorded in {@code problems}). */
    static SourceDefinition bind(ConfigNode node, ConfigProblems problems) {
        String name = node.requiredString("name", problems);
        String type = node.requiredChoice("type", types(), problems);
        if (type == null) {
            return null;
        }
        return BINDERS.get(type).bind(node, name, problems);
    }

    private static SourceDefinition dropwizard(ConfigNode node, String name, ConfigProblems problems) {
        int before = problems.count();
        node.expectKeys(problems, "name", "type", "url", "file", "interval", "timeout", "max_size", "host");
        URI url = node.optionalUrl("url", null, problems);
        String file = node.optionalString("file", null, problems);
        Duration interval = node.optionalDuration("interval", DropwizardConfig.DEFAULT_INTERVAL, problems);
        Duration timeout = node.optionalDuration("timeout", DropwizardConfig.DEFAULT_TIMEOUT, problems);
        ByteSize maxSize = node.optionalSize("max_size", ByteSize.ofBytes(DropwizardConfig.DEFAULT_MAX_BYTES),
                problems);
        String host = node.optionalString("host", null, problems);
        if ((url == null) == (file == null) && problems.count() == before) {
            problems.add(node, url == null ? "neither url nor file" : "both url and file", "exactly one of them");
        }
        if (problems.count() > before) {
            return null;
        }
        DropwizardConfig config = Plugins.build(node, problems, () -> new DropwizardConfig(name, url,
                file == null ? null : Path.of(file), interval, timeout, maxSize.bytes(),
                host == null ? DropwizardConfig.defaultHost() : host));
        if (config == null) {
            return null;
        }
        return new SourceDefinition(name, DropwizardConfig.TYPE, interval, config.location() + " every " + interval,
                () -> DropwizardJsonSource.create(config));
    }

    private static SourceDefinition prometheus(ConfigNode node, String name, ConfigProblems problems) {
        int before = problems.count();
        node.expectKeys(problems, "name", "type", "url", "interval", "timeout", "max_size", "host");
        URI url = node.requiredUrl("url", problems);
        Duration interval = node.optionalDuration("interval", PrometheusConfig.DEFAULT_INTERVAL, problems);
        Duration timeout = node.optionalDuration("timeout", PrometheusConfig.DEFAULT_TIMEOUT, problems);
        ByteSize maxSize = node.optionalSize("max_size", ByteSize.ofBytes(PrometheusConfig.DEFAULT_MAX_BYTES),
                problems);
        String host = node.optionalString("host", null, problems);
        if (problems.count() > before) {
            return null;
        }
        PrometheusConfig config = Plugins.build(node, problems, () -> new PrometheusConfig(name, url, interval,
                timeout, maxSize.bytes(), host == null ? PrometheusConfig.defaultHost() : host));
        if (config == null) {
            return null;
        }
        return new SourceDefinition(name, PrometheusConfig.TYPE, interval, config.url() + " every " + interval,
                () -> PrometheusScrapeSource.create(config));
    }
}
