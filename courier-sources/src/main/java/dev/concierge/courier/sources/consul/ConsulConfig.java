package dev.concierge.courier.sources.consul;

import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.sources.dropwizard.DropwizardConfig;
import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.sources.fetch.DocumentFetcher;
import dev.concierge.courier.sources.fetch.ScrapeHttpSettings;
import dev.concierge.courier.core.settings.DurationSyntax;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The configuration of one Consul source (config {@code type: consul}); see {@code sample.yaml} beside this
 * class. Every instance is valid: the constructor reports every problem at once.
 *
 * @param name             the source name, stamped on every sample ({@code name})
 * @param agent            the local agent's HTTP API, {@code http://127.0.0.1:8500} by default ({@code agent})
 * @param token            the ACL token, sent only as the {@code X-Consul-Token} header; null for the agent's
 *                         default token ({@code token}); printable characters only (see {@link #tokenProblem})
 * @param services         service names to watch ({@code services})
 * @param tag              also watch every catalog service carrying this tag; null for none ({@code tag})
 * @param blockingWait     how long one blocking query may be held ({@code wait}, default
 *                         {@value #DEFAULT_WAIT_TEXT}, 1s..10m, whole seconds)
 * @param readTimeout      socket read timeout of blocking queries ({@code read_timeout}); more than
 *                         {@code wait + wait/16}, default {@code wait + wait/16 + 10s}
 * @param connectTimeout   TCP connect timeout to the agent ({@code connect_timeout}, default
 *                         {@value #DEFAULT_CONNECT_TIMEOUT_TEXT}); also the read timeout of agent calls
 * @param minQueryInterval refill period of the per-watch token bucket of 2 queries
 *                         ({@code min_query_interval}, default {@value #DEFAULT_MIN_QUERY_INTERVAL_TEXT})
 * @param backoffInitial   first retry delay ceiling after a failed query ({@code backoff.initial})
 * @param backoffMax       largest retry delay ceiling ({@code backoff.max})
 * @param interval         how often health samples are emitted and targets scraped ({@code interval})
 * @param host             host of the per-service counts ({@code host}, default: this machine's name)
 * @param instanceHost     host of an instance's samples: its Consul node name or its service ID
 *                         ({@code instance_host}, default {@code node})
 * @param scrape           how passing instances are scraped ({@code scrape})
 * @param register         self-registration in the local agent; null when not configured ({@code register})
 * @param sharing          sharing the targets with the other couriers registered under the same service name;
 *                         null to scrape every passing instance ({@code sharing}; needs {@code register})
 */
public record ConsulConfig(String name, URI agent, Secret token, List<String> services, String tag,
                           Duration blockingWait, Duration readTimeout, Duration connectTimeout,
                           Duration minQueryInterval, Duration backoffInitial, Duration backoffMax,
                           Duration interval, String host, InstanceHost instanceHost, Scrape scrape,
                           Registration register, Sharing sharing) {

    /** The config {@code type} naming this plugin. */
    public static final String TYPE = "consul";
    static final String DEFAULT_WAIT_TEXT = "5m";
    static final String DEFAULT_CONNECT_TIMEOUT_TEXT = "5s";
    static final String DEFAULT_MIN_QUERY_INTERVAL_TEXT = "5s";
    public static final URI DEFAULT_AGENT = URI.create("http://127.0.0.1:8500");
    public static final Duration DEFAULT_WAIT = DurationSyntax.parse(DEFAULT_WAIT_TEXT);
    public static final Duration MAX_WAIT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = DurationSyntax.parse(DEFAULT_CONNECT_TIMEOUT_TEXT);
    public static final Duration DEFAULT_MIN_QUERY_INTERVAL = DurationSyntax.parse(DEFAULT_MIN_QUERY_INTERVAL_TEXT);
    public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMinutes(1);
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Added to {@code wait + wait/16} for the default read timeout: room for a slow network and a busy agent. */
    public static final Duration READ_TIMEOUT_MARGIN = Duration.ofSeconds(10);

    // Consul service names and tags: letters, digits, '-', '_', '.' (DNS-friendly); anything else is
    // refused here rather than sent in a path (a "%0a" is rejected by Consul even when encoded).
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    /** Whose name an instance's samples carry as their host. */
    public enum InstanceHost {
        /** The Consul node name ({@code Node.Node}): one Zabbix host per machine. */
        NODE("node"),
        /** The service instance ID ({@code Service.ID}): one host per instance, unique per agent. */
        SERVICE_ID("service_id");

        private final String configName;

        InstanceHost(String configName) {
            this.configName = configName;
        }

        /** The value as configuration writes it. */
        public String configName() {
            return configName;
        }

        /** The configuration values, for the binder's choice. */
        public static List<String> configNames() {
            return List.of(NODE.configName, SERVICE_ID.configName);
        }

        public static InstanceHost ofConfigName(String name) {
            return NODE.configName.equals(name) ? NODE : SERVICE_ID;
        }
    }

    /**
     * How a passing instance is scraped. An instance chooses its own type with service meta
     * {@value #META_TYPE} or a tag {@code metrics=<type>}, its path with meta {@value #META_PATH} and its port
     * with meta {@value #META_PORT}; what it does not say comes from here.
     *
     * @param type        default scrape type, a {@link ScrapeTargetFactory} name such as {@code dropwizard};
     *                    {@value #NONE} scrapes only instances that name a type themselves ({@code type})
     * @param path        default metrics path ({@code path}, default {@code /metrics})
     * @param scheme      {@code http} or {@code https} ({@code scheme}, default {@code http})
     * @param timeout     one scrape's limit ({@code timeout}, default 5s or the source's interval when shorter); at
     *                    most the source's interval
     * @param maxBytes    largest document accepted ({@code max_size}, default 16MiB)
     * @param concurrency how many targets are scraped at once ({@code concurrency}, default 4)
     * @param http        headers, credentials and TLS every target's scrape sends ({@code headers},
     *                    {@code basic_auth}, {@code authorization}, {@code tls}), as a scraping source's own
     */
    public record Scrape(String type, String path, String scheme, Duration timeout, long maxBytes, int concurrency,
                         ScrapeHttpSettings http) {
        public static final String NONE = "none";
        public static final String META_TYPE = "metrics";
        public static final String META_PATH = "metrics_path";
        public static final String META_PORT = "metrics_port";
        public static final String TAG_TYPE_PREFIX = "metrics=";
        public static final String DEFAULT_PATH = "/metrics";
        public static final String DEFAULT_SCHEME = "http";
        public static final int DEFAULT_CONCURRENCY = 4;

        public Scrape {
            Objects.requireNonNull(http, "http");
        }

        /** Scraping without headers or credentials of its own. */
        public Scrape(String type, String path, String scheme, Duration timeout, long maxBytes, int concurrency) {
            this(type, path, scheme, timeout, maxBytes, concurrency, ScrapeHttpSettings.NONE);
        }

        /** Dropwizard scraping of {@code /metrics} over http with the Dropwizard source's limits. */
        public static Scrape defaults() {
            return new Scrape(DropwizardConfig.TYPE, DEFAULT_PATH, DEFAULT_SCHEME, DropwizardConfig.DEFAULT_TIMEOUT,
                    DropwizardConfig.DEFAULT_MAX_BYTES, DEFAULT_CONCURRENCY);
        }
    }

    /**
     * The courier's own entry in the local agent, with a TTL check kept passing every {@code ttl / 3} while
     * the source is healthy.
     *
     * @param name                    service name ({@code name}, default {@value #DEFAULT_NAME})
     * @param id                      service ID, unique on the agent ({@code id}, default {@code <name>-<host>})
     * @param checkId                 the TTL check's ID ({@code check_id}, default {@code <id>:ttl})
     * @param address                 advertised address; null lets the agent use its node address ({@code address})
     * @param port                    advertised port; 0 for none ({@code port})
     * @param tags                    service tags ({@code tags})
     * @param meta                    service meta ({@code meta})
     * @param ttl                     the TTL of the check ({@code ttl}, default 30s)
     * @param deregisterCriticalAfter how long the check may stay critical before the agent removes the
     *                                service, at least 1m ({@code deregister_critical_after}, default 10m)
     */
    public record Registration(String name, String id, String checkId, String address, int port, List<String> tags,
                               Map<String, String> meta, Duration ttl, Duration deregisterCriticalAfter) {
        public static final String DEFAULT_NAME = "concierge-courier";
        public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
        public static final Duration DEFAULT_DEREGISTER_CRITICAL_AFTER = Duration.ofMinutes(10);
        /** Consul's floor for DeregisterCriticalServiceAfter (agent/service.mdx); its reaper runs every 30 s. */
        public static final Duration MIN_DEREGISTER_CRITICAL_AFTER = Duration.ofMinutes(1);

        public Registration {
            tags = tags == null ? List.of() : List.copyOf(tags);
            meta = meta == null ? Map.of() : Map.copyOf(meta);
        }

        /** The default service ID for a courier on {@code host}. */
        public static String defaultId(String name, String host) {
            return name + "-" + host;
        }

        /** The default check ID for service {@code id}. */
        public static String defaultCheckId(String id) {
            return id + ":ttl";
        }

        /** How often the check is passed: a third of the TTL, so two passes may be lost before it expires. */
        public Duration heartbeat() {
            return ttl.dividedBy(3);
        }
    }

    /**
     * Sharing the scrape targets among the couriers that register under the same service name: each scrapes the
     * targets rendezvous hashing gives it among the passing couriers.
     *
     * @param replicas how many couriers scrape each target ({@code replicas}, default 1, 1..16)
     * @param targetId the template of a target's id, which ownership follows ({@code target_id}, default
     *                 {@value TargetIdTemplate#DEFAULT}); identity fields only, never labels
     * @param settle   the time Consul takes to tell every courier about a change; a courier that loses a
     *                 target keeps scraping it for one interval plus this ({@code settle}, default
     *                 {@value #DEFAULT_SETTLE_TEXT})
     */
    public record Sharing(int replicas, String targetId, Duration settle) {
        static final String DEFAULT_SETTLE_TEXT = "5s";
        public static final Duration DEFAULT_SETTLE = DurationSyntax.parse(DEFAULT_SETTLE_TEXT);
        public static final int MAX_REPLICAS = 16;

        /** One replica, the default target id and settle time. */
        public static Sharing defaults() {
            return new Sharing(1, TargetIdTemplate.DEFAULT, DEFAULT_SETTLE);
        }
    }

    /** A configuration without sharing: every passing instance is scraped. */
    public ConsulConfig(String name, URI agent, Secret token, List<String> services, String tag,
                        Duration blockingWait, Duration readTimeout, Duration connectTimeout,
                        Duration minQueryInterval, Duration backoffInitial, Duration backoffMax,
                        Duration interval, String host, InstanceHost instanceHost, Scrape scrape,
                        Registration register) {
        this(name, agent, token, services, tag, blockingWait, readTimeout, connectTimeout, minQueryInterval,
                backoffInitial, backoffMax, interval, host, instanceHost, scrape, register, null);
    }

    /** How long a lost target is still scraped: one interval plus the settle time; zero without sharing. */
    public Duration linger() {
        return sharing == null ? Duration.ZERO : interval.plus(sharing.settle());
    }

    public ConsulConfig {
        services = services == null ? List.of() : List.copyOf(services);
        if (readTimeout == null && blockingWait != null) {
            readTimeout = defaultReadTimeout(blockingWait);
        }
        List<SettingProblem> problems = check(name, agent, token, services, tag, blockingWait, readTimeout, connectTimeout,
                minQueryInterval, backoffInitial, backoffMax, interval, host, instanceHost, scrape, register);
        checkSharing(problems, sharing, register);
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(what(name), problems);
        }
    }

    /**
     * Why {@code token} cannot be sent, or null when it can: it goes into an HTTP header, where an empty
     * value means "no token" and a CR or LF would split the request. The text never quotes the token.
     */
    public static SettingProblem tokenProblem(Secret token) {
        String value = token.reveal();
        if (value.isEmpty()) {
            return SettingProblem.of("token", "empty", "a non-empty ACL token");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return SettingProblem.of("token", "a control character at position " + i, "printable characters only");
            }
        }
        return null;
    }

    /** {@code wait + wait/16 + }{@link #READ_TIMEOUT_MARGIN}: the agent adds up to wait/16 of jitter (blocking.mdx). */
    public static Duration defaultReadTimeout(Duration wait) {
        return wait.plus(wait.dividedBy(16)).plus(READ_TIMEOUT_MARGIN);
    }

    /** The wait in whole seconds, as consul-api's {@code QueryParams} takes it. */
    public long waitSeconds() {
        return blockingWait.toSeconds();
    }

    @Override
    public String toString() {
        return "consul source " + name + ": agent " + agent + (token == null ? "" : " with token " + token)
                + ", services " + services + (tag == null ? "" : ", tag " + tag) + ", wait "
                + DurationSyntax.format(blockingWait) + ", every " + DurationSyntax.format(interval) + ", scrape " + scrape.type()
                + (register == null ? "" : ", registers " + register.id())
                + (sharing == null ? "" : ", shares targets with the other " + register.name() + " couriers ("
                + sharing.replicas() + (sharing.replicas() == 1 ? " replica" : " replicas") + ")");
    }

    private static List<SettingProblem> check(String name, URI agent, Secret token, List<String> services, String tag, Duration wait,
                                      Duration readTimeout, Duration connectTimeout, Duration minQueryInterval,
                                      Duration backoffInitial, Duration backoffMax, Duration interval, String host,
                                      InstanceHost instanceHost, Scrape scrape, Registration register) {
        List<SettingProblem> problems = new ArrayList<>();
        if (name == null || name.isBlank()) {
            problems.add(SettingProblem.of("name", quoted(name), "a non-blank name"));
        }
        if (agent == null || !("http".equalsIgnoreCase(agent.getScheme()) || "https".equalsIgnoreCase(agent.getScheme()))
                || agent.getHost() == null) {
            problems.add(SettingProblem.of("agent", quoted(agent), "an http or https URL such as http://127.0.0.1:8500"));
        } else if (agent.getRawQuery() != null || agent.getRawUserInfo() != null) {
            problems.add(SettingProblem.of("agent", "a query or user info in the URL", "scheme, host, port and path only; " + "the token goes in `token`"));
        }
        SettingProblem tokenProblem = token == null ? null : tokenProblem(token);
        if (tokenProblem != null) {
            problems.add(tokenProblem);
        }
        if (services.isEmpty() && tag == null) {
            problems.add(SettingProblem.of("services, tag", "neither set", "at least one service name, or a tag"));
        }
        for (String service : services) {
            if (service == null || !SERVICE_NAME.matcher(service).matches()) {
                problems.add(SettingProblem.of("services", quoted(service), "letters, digits, '-', '_' or '.'"));
            }
        }
        if (tag != null && !SERVICE_NAME.matcher(tag).matches()) {
            problems.add(SettingProblem.of("tag", quoted(tag), "letters, digits, '-', '_' or '.'"));
        }
        if (wait == null || wait.compareTo(Duration.ofSeconds(1)) < 0 || wait.compareTo(MAX_WAIT) > 0
                || wait.toNanos() % 1_000_000_000L != 0) {
            problems.add(SettingProblem.of("wait", format(wait), "whole seconds from 1s to 10m"));
        } else if (readTimeout == null || readTimeout.compareTo(wait.plus(wait.dividedBy(16))) <= 0) {
            problems.add(SettingProblem.of("read_timeout", format(readTimeout), "more than wait + wait/16 = " + format(wait.plus(wait.dividedBy(16)))));
        }
        positive(problems, "connect_timeout", connectTimeout);
        positive(problems, "min_query_interval", minQueryInterval);
        positive(problems, "backoff.initial", backoffInitial);
        positive(problems, "interval", interval);
        if (backoffMax == null || (backoffInitial != null && backoffMax.compareTo(backoffInitial) < 0)) {
            problems.add(SettingProblem.of("backoff.max", format(backoffMax), "at least backoff.initial, " + format(backoffInitial)));
        }
        if (host == null || host.isBlank()) {
            problems.add(SettingProblem.of("host", quoted(host), "a non-blank host name"));
        }
        if (instanceHost == null) {
            problems.add(SettingProblem.of("instance_host", "missing", "one of " + String.join(", ", InstanceHost.configNames())));
        }
        if (scrape == null) {
            problems.add(SettingProblem.of("scrape", "missing", "scrape settings"));
        } else {
            checkScrape(problems, scrape, interval);
        }
        if (register != null) {
            checkRegistration(problems, register);
        }
        return problems;
    }

    private static void checkScrape(List<SettingProblem> problems, Scrape scrape, Duration interval) {
        if (scrape.type() == null || scrape.type().isBlank()) {
            problems.add(SettingProblem.of("scrape.type", quoted(scrape.type()), "a scrape type or none"));
        }
        if (scrape.path() == null || !scrape.path().startsWith("/")) {
            problems.add(SettingProblem.of("scrape.path", quoted(scrape.path()), "a path starting with /"));
        }
        if (!"http".equals(scrape.scheme()) && !"https".equals(scrape.scheme())) {
            problems.add(SettingProblem.of("scrape.scheme", quoted(scrape.scheme()), "http or https"));
        }
        if (scrape.timeout() == null || scrape.timeout().isNegative() || scrape.timeout().isZero()) {
            problems.add(SettingProblem.of("scrape.timeout", format(scrape.timeout()), "> 0"));
        } else if (interval != null && scrape.timeout().compareTo(interval) > 0) {
            problems.add(SettingProblem.of("scrape.timeout", format(scrape.timeout()), "at most the interval, " + format(interval)));
        }
        if (scrape.maxBytes() < 1 || scrape.maxBytes() > DocumentFetcher.LARGEST_CAP) {
            problems.add(SettingProblem.of("scrape.max_size", ByteSize.format(scrape.maxBytes()), "1B.." + ByteSize.format(DocumentFetcher.LARGEST_CAP)));
        }
        if (scrape.concurrency() < 1 || scrape.concurrency() > 64) {
            problems.add(SettingProblem.of("scrape.concurrency", String.valueOf(scrape.concurrency()), "1..64"));
        }
    }

    private static void checkSharing(List<SettingProblem> problems, Sharing sharing, Registration register) {
        if (sharing == null) {
            return;
        }
        if (register == null) {
            problems.add(SettingProblem.of("sharing", "set without register",
                    "register: the couriers find each other as the passing instances of its service"));
        }
        if (sharing.replicas() < 1 || sharing.replicas() > Sharing.MAX_REPLICAS) {
            problems.add(SettingProblem.of("sharing.replicas", String.valueOf(sharing.replicas()),
                    "1.." + Sharing.MAX_REPLICAS));
        }
        String templateProblem = TargetIdTemplate.problem(sharing.targetId());
        if (templateProblem != null) {
            problems.add(SettingProblem.of("sharing.target_id", quoted(sharing.targetId()) + ": " + templateProblem,
                    "a template of " + new TreeSet<>(TargetIdTemplate.PLACEHOLDERS).stream()
                            .map(p -> "{" + p + "}").collect(Collectors.joining(", "))
                            + ", such as " + TargetIdTemplate.DEFAULT));
        }
        positive(problems, "sharing.settle", sharing.settle());
    }

    private static void checkRegistration(List<SettingProblem> problems, Registration register) {
        if (register.name() == null || !SERVICE_NAME.matcher(register.name()).matches()) {
            problems.add(SettingProblem.of("register.name", quoted(register.name()), "letters, digits, '-', '_' or '.'"));
        }
        if (register.id() == null || register.id().isBlank()) {
            problems.add(SettingProblem.of("register.id", quoted(register.id()), "a non-blank service ID"));
        }
        if (register.checkId() == null || register.checkId().isBlank()) {
            problems.add(SettingProblem.of("register.check_id", quoted(register.checkId()), "a non-blank check ID"));
        }
        if (register.port() < 0 || register.port() > 65535) {
            problems.add(SettingProblem.of("register.port", String.valueOf(register.port()), "1..65535, or 0 for none"));
        }
        if (register.ttl() == null || register.ttl().compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(SettingProblem.of("register.ttl", format(register.ttl()), "at least 1s"));
        }
        if (register.deregisterCriticalAfter() == null
                || register.deregisterCriticalAfter().compareTo(Registration.MIN_DEREGISTER_CRITICAL_AFTER) < 0) {
            problems.add(SettingProblem.of("register.deregister_critical_after", format(register.deregisterCriticalAfter()), "at least 1m, Consul's minimum"));
        }
    }

    private static void positive(List<SettingProblem> problems, String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            problems.add(SettingProblem.of(key, format(value), "> 0"));
        }
    }

    private static String what(String name) {
        return TYPE + " source" + (name == null || name.isBlank() ? "" : " " + name);
    }

    static String format(Duration d) {
        return d == null ? "missing" : DurationSyntax.format(d);
    }

    private static String quoted(Object value) {
        return value == null ? "missing" : "\"" + value + "\"";
    }
}
