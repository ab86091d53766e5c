package dev.concierge.courier.sources.consul;

import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.settings.DurationSyntax;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.PeerProbe;
import dev.concierge.courier.core.spi.PluginContext;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceType;
import dev.concierge.courier.sources.fetch.ScrapeHttpSettings;
import dev.concierge.courier.sources.fetch.ScrapeSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code type: consul}: services and their health from a Consul agent, the targets to scrape, and the
 * courier's own registration; see {@code sample.yaml}.
 */
public final class ConsulSourceType implements SourceType<ConsulConfig> {

    @Override
    public String name() {
        return ConsulConfig.TYPE;
    }

    @Override
    public ConsulConfig bind(Settings settings, PluginContext context) {
        int before = settings.problemCount();
        settings.expectKeys("agent", "token", "services", "tag", "wait", "read_timeout", "connect_timeout",
                "min_query_interval", "backoff", "interval", "host", "instance_host", "scrape", "register", "sharing");
        URI agent = settings.optionalUrl("agent", ConsulConfig.DEFAULT_AGENT);
        Secret token = settings.optionalSecret("token", null);
        List<String> services = settings.optionalStringList("services");
        String tag = settings.optionalString("tag", null);
        Duration wait = settings.optionalDuration("wait", ConsulConfig.DEFAULT_WAIT);
        Duration readTimeout = settings.optionalDuration("read_timeout", null);
        Duration connectTimeout = settings.optionalDuration("connect_timeout", ConsulConfig.DEFAULT_CONNECT_TIMEOUT);
        Duration minQueryInterval = settings.optionalDuration("min_query_interval",
                ConsulConfig.DEFAULT_MIN_QUERY_INTERVAL);
        Settings backoff = settings.optionalMapping("backoff");
        backoff.expectKeys("initial", "max");
        Duration backoffInitial = backoff.optionalDuration("initial", ConsulConfig.DEFAULT_BACKOFF_INITIAL);
        Duration backoffMax = backoff.optionalDuration("max", ConsulConfig.DEFAULT_BACKOFF_MAX);
        Duration interval = settings.optionalDuration("interval", ConsulConfig.DEFAULT_INTERVAL);
        String host = settings.optionalString("host", context.defaultHost());
        String instanceHost = settings.optionalChoice("instance_host", ConsulConfig.InstanceHost.configNames(),
                ConsulConfig.InstanceHost.NODE.configName());
        ConsulConfig.Scrape scrape = scrape(settings.optionalMapping("scrape"), interval);
        ConsulConfig.Registration register = settings.has("register")
                ? registration(settings.optionalMapping("register"), context.defaultHost()) : null;
        ConsulConfig.Sharing sharing = settings.has("sharing") ? sharing(settings.optionalMapping("sharing")) : null;
        if (settings.problemCount() > before) {
            return null;
        }
        return settings.build(() -> new ConsulConfig(context.name(), agent,
                token == null || token.isEmpty() ? null : token, services, tag, wait, readTimeout, connectTimeout,
                minQueryInterval, backoffInitial, backoffMax, interval, host,
                ConsulConfig.InstanceHost.ofConfigName(instanceHost), scrape, register, sharing));
    }

    /** An unwritten {@code timeout} follows the source's {@code interval} when that is shorter than the default. */
    private static ConsulConfig.Scrape scrape(Settings scrape, Duration interval) {
        ConsulConfig.Scrape defaults = ConsulConfig.Scrape.defaults();
        scrape.expectKeys("type", "path", "scheme", "timeout", "max_size", "concurrency", "headers", "basic_auth",
                "authorization", "tls");
        String type = scrape.optionalString("type", defaults.type());
        String path = scrape.optionalString("path", defaults.path());
        String scheme = scrape.optionalChoice("scheme", List.of("http", "https"), defaults.scheme());
        Duration timeout = scrape.optionalDuration("timeout",
                ScrapeSettings.defaultTimeout(defaults.timeout(), interval));
        ByteSize maxSize = scrape.optionalSize("max_size", ByteSize.ofBytes(defaults.maxBytes()));
        int concurrency = scrape.optionalInt("concurrency", 1, 64, defaults.concurrency());
        ScrapeHttpSettings http = ScrapeHttpSettings.bind(scrape);
        return new ConsulConfig.Scrape(type, path, scheme, timeout, maxSize.bytes(), concurrency,
                http == null ? ScrapeHttpSettings.NONE : http);
    }

    private static ConsulConfig.Sharing sharing(Settings sharing) {
        ConsulConfig.Sharing defaults = ConsulConfig.Sharing.defaults();
        sharing.expectKeys("replicas", "target_id", "settle");
        int replicas = sharing.optionalInt("replicas", 1, ConsulConfig.Sharing.MAX_REPLICAS, defaults.replicas());
        String targetId = sharing.optionalString("target_id", defaults.targetId());
        Duration settle = sharing.optionalDuration("settle", defaults.settle());
        return new ConsulConfig.Sharing(replicas, targetId, settle);
    }

    private static ConsulConfig.Registration registration(Settings register, String defaultHost) {
        register.expectKeys("name", "id", "check_id", "address", "port", "tags", "meta", "ttl",
                "deregister_critical_after");
        String serviceName = register.optionalString("name", ConsulConfig.Registration.DEFAULT_NAME);
        String id = register.optionalString("id", ConsulConfig.Registration.defaultId(serviceName, defaultHost));
        String checkId = register.optionalString("check_id", ConsulConfig.Registration.defaultCheckId(id));
        String address = register.optionalString("address", null);
        int port = register.optionalInt("port", 1, 65535, 0);
        List<String> tags = register.optionalStringList("tags");
        Map<String, String> meta = register.optionalStringMap("meta");
        Duration ttl = register.optionalDuration("ttl", ConsulConfig.Registration.DEFAULT_TTL);
        Duration deregisterAfter = register.optionalDuration("deregister_critical_after",
                ConsulConfig.Registration.DEFAULT_DEREGISTER_CRITICAL_AFTER);
        return new ConsulConfig.Registration(serviceName, id, checkId, address, port, tags, meta, ttl,
                deregisterAfter);
    }

    @Override
    public Duration interval(ConsulConfig config) {
        return config.interval();
    }

    @Override
    public String summary(ConsulConfig config) {
        return config.agent() + " services " + config.services()
                + (config.tag() == null ? "" : " and tag " + config.tag()) + " every " + DurationSyntax.format(config.interval())
                + (config.sharing() == null ? "" : ", sharing targets with the passing " + config.register().name()
                + " couriers, " + config.sharing().replicas() + " per target");
    }

    @Override
    public Source create(ConsulConfig config) {
        return ConsulSource.create(config);
    }

    /** The scrapes' TLS files: a reload recreates the source when a certificate or key changes. */
    @Override
    public List<Path> watchedFiles(ConsulConfig config) {
        return config.scrape().http().watchedFiles();
    }

    /** The scrapes' credential and TLS files this user cannot read. */
    @Override
    public List<SettingProblem> checkLocally(ConsulConfig config) {
        return config.scrape().http().localProblems("scrape.");
    }

    /**
     * A TCP connection to the agent. Not a collect: a Consul source registers itself with the agent when
     * configured to, and its first collect only starts the watches.
     */
    @Override
    public List<PeerProbe> probes(ConsulConfig config) {
        URI agent = config.agent();
        int port = agent.getPort() != -1 ? agent.getPort() : "https".equalsIgnoreCase(agent.getScheme()) ? 443 : 80;
        return List.of(PeerProbe.tcp(agent.getHost(), port));
    }
}
