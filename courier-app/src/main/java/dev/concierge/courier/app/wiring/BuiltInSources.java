package dev.concierge.courier.app.wiring;

import dev.concierge.courier.app.config.ByteSize;
import dev.concierge.courier.app.config.ConfigNode;
import dev.concierge.courier.app.config.ConfigProblems;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.sources.consul.ConsulConfig;
import dev.concierge.courier.sources.consul.ConsulSource;
import dev.concierge.courier.sources.dropwizard.DropwizardConfig;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonSource;
import dev.concierge.courier.sources.prometheus.PrometheusConfig;
import dev.concierge.courier.sources.prometheus.PrometheusScrapeSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
            PrometheusConfig.TYPE, BuiltInSources::prometheus,
            ConsulConfig.TYPE, BuiltInSources::consul);

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
                config, () -> DropwizardJsonSource.create(config));
    }

    private static SourceDefinition consul(ConfigNode node, String name, ConfigProblems problems) {
        int before = problems.count();
        node.expectKeys(problems, "name", "type", "agent", "token", "services", "tag", "wait", "read_timeout",
                "connect_timeout", "min_query_interval", "backoff", "interval", "host", "instance_host", "scrape",
                "register");
        URI agent = node.optionalUrl("agent", ConsulConfig.DEFAULT_AGENT, problems);
        Secret token = node.optionalSecret("token", null, problems);
        List<String> services = node.optionalStringList("services", problems);
        String tag = node.optionalString("tag", null, problems);
        Duration wait = node.optionalDuration("wait", ConsulConfig.DEFAULT_WAIT, problems);
        Duration readTimeout = node.optionalDuration("read_timeout", null, problems);
        Duration connectTimeout = node.optionalDuration("connect_timeout", ConsulConfig.DEFAULT_CONNECT_TIMEOUT,
                problems);
        Duration minQueryInterval = node.optionalDuration("min_query_interval",
                ConsulConfig.DEFAULT_MIN_QUERY_INTERVAL, problems);
        ConfigNode backoff = node.optionalMapping("backoff", problems);
        backoff.expectKeys(problems, "initial", "max");
        Duration backoffInitial = backoff.optionalDuration("initial", ConsulConfig.DEFAULT_BACKOFF_INITIAL, problems);
        Duration backoffMax = backoff.optionalDuration("max", ConsulConfig.DEFAULT_BACKOFF_MAX, problems);
        Duration interval = node.optionalDuration("interval", ConsulConfig.DEFAULT_INTERVAL, problems);
        String host = node.optionalString("host", DropwizardConfig.defaultHost(), problems);
        String instanceHost = node.optionalChoice("instance_host", ConsulConfig.InstanceHost.configNames(),
                ConsulConfig.InstanceHost.NODE.configName(), problems);
        ConsulConfig.Scrape scrape = consulScrape(node.optionalMapping("scrape", problems), problems);
        ConsulConfig.Registration register = node.child("register").isPresent()
                ? consulRegistration(node.optionalMapping("register", problems), problems) : null;
        if (problems.count() > before) {
            return null;
        }
        ConsulConfig config = Plugins.build(node, problems, () -> new ConsulConfig(name, agent,
                token == null || token.isEmpty() ? null : token, services, tag, wait,
                readTimeout, connectTimeout, minQueryInterval, backoffInitial, backoffMax, interval, host,
                ConsulConfig.InstanceHost.ofConfigName(instanceHost), scrape, register));
        if (config == null) {
            return null;
        }
        String summary = config.agent() + " services " + config.services()
                + (config.tag() == null ? "" : " and tag " + config.tag()) + " every " + interval;
        return new SourceDefinition(name, ConsulConfig.TYPE, interval, summary, config,
                () -> ConsulSource.create(config));
    }

    private static ConsulConfig.Scrape consulScrape(ConfigNode scrape, ConfigProblems problems) {
        ConsulConfig.Scrape defaults = ConsulConfig.Scrape.defaults();
        scrape.expectKeys(problems, "type", "path", "scheme", "timeout", "max_size", "concurrency");
        String type = scrape.optionalString("type", defaults.type(), problems);
        String path = scrape.optionalString("path", defaults.path(), problems);
        String scheme = scrape.optionalChoice("scheme", List.of("http", "https"), defaults.scheme(), problems);
        Duration timeout = scrape.optionalDuration("timeout", defaults.timeout(), problems);
        ByteSize maxSize = scrape.optionalSize("max_size", ByteSize.ofBytes(defaults.maxBytes()), problems);
        int concurrency = scrape.optionalInt("concurrency", 1, 64, defaults.concurrency(), problems);
        return new ConsulConfig.Scrape(type, path, scheme, timeout, maxSize.bytes(), concurrency);
    }

    private static ConsulConfig.Registration consulRegistration(ConfigNode register, ConfigProblems problems) {
        register.expectKeys(problems, "name", "id", "check_id", "address", "port", "tags", "meta", "ttl",
                "deregister_critical_after");
        String serviceName = register.optionalString("name", ConsulConfig.Registration.DEFAULT_NAME, problems);
        String id = register.optionalString("id",
                ConsulConfig.Registration.defaultId(serviceName, DropwizardConfig.defaultHost()), problems);
        String checkId = register.optionalString("check_id", ConsulConfig.Registration.defaultCheckId(id), problems);
        String address = register.optionalString("address", null, problems);
        int port = register.optionalInt("port", 1, 65535, 0, problems);
        List<String> tags = register.optionalStringList("tags", problems);
        ConfigNode metaNode = register.optionalMapping("meta", problems);
        Map<String, String> meta = new LinkedHashMap<>();
        for (String key : metaNode.keys()) {
            String value = metaNode.optionalString(key, null, problems);
            if (value != null) {
                meta.put(key, value);
            }
        }
        Duration ttl = register.optionalDuration("ttl", ConsulConfig.Registration.DEFAULT_TTL, problems);
        Duration deregisterAfter = register.optionalDuration("deregister_critical_after",
                ConsulConfig.Registration.DEFAULT_DEREGISTER_CRITICAL_AFTER, problems);
        return new ConsulConfig.Registration(serviceName, id, checkId, address, port, tags, meta, ttl,
                deregisterAfter);
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
                config, () -> PrometheusScrapeSource.create(config));
    }
}
