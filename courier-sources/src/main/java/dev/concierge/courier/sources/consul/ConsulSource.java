package dev.concierge.courier.sources.consul;

import java.util.function.LongSupplier;
import dev.concierge.courier.core.spi.CountsEvents;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.core.pipeline.Backoff;
import dev.concierge.courier.core.pipeline.FullJitterBackoff;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.LeavesBeforeStop;
import dev.concierge.courier.core.spi.LldDiscoverable;
import dev.concierge.courier.core.spi.ReportsState;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.SecretMask;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers service instances in Consul, scrapes every passing one, and reports the services' health as
 * samples.
 *
 * <p>On creation it starts watching (see {@link ConsulDiscovery}: one blocking-query thread per service) and,
 * when configured, registers the courier in the local agent (see {@link ConsulRegistration}). Each
 * {@link #collect} then, on the pipeline's scheduler thread:
 * <ol>
 *   <li>offers the health samples of every service whose latest query succeeded:
 *       {@value #PASSING_METRIC} (1 or 0) per instance, with labels {@code service}, {@code instance} and
 *       {@code node}, under the instance's host; and {@value #INSTANCES_METRIC} per state
 *       ({@code passing}, {@code warning}, {@code critical}), with labels {@code service} and {@code state},
 *       under the configured {@code host};</li>
 *   <li>brings the scrape targets in line with the passing instances: an instance that stopped passing is
 *       closed and no longer scraped, a new one gets a source from its type's {@link ScrapeTargetFactory};</li>
 *   <li>scrapes every target, up to {@code scrape.concurrency} at once, each bounded by
 *       {@code scrape.timeout}, and offers the samples of those that answered. A target that fails is logged
 *       when it starts and stops failing, and counted; it does not fail the collect.</li>
 * </ol>
 *
 * <p>{@link #close()} is called once by the pipeline as the last step of its shutdown (after the sources were
 * stopped and the sinks drained): it deregisters the courier, stops the watches, closes the HTTP clients and
 * every target source.
 */
public final class ConsulSource implements Source, CountsEvents, LldDiscoverable, ReportsState, LeavesBeforeStop {
    private static final Logger LOG = LoggerFactory.getLogger(ConsulSource.class);

    /** Per instance: 1 while every check of the instance passes, else 0. */
    public static final String PASSING_METRIC = "consul.service.passing";
    /** Per service and state: how many instances are in that state. */
    public static final String INSTANCES_METRIC = "consul.service.instances";

    private final ConsulConfig config;
    private final ScrapeTargets scrapeTypes;
    private final Clock clock;
    private final ConsulAgentConnection connection;
    private final ConsulDiscovery discovery;
    private final ConsulRegistration registration;
    // With sharing: the couriers registered under the same name, and this courier's share of the targets.
    private final CourierMembership membership;
    private final OwnedTargets owned;
    private final TargetIdTemplate targetIds;
    private final ExecutorService scrapers;
    private final long createdNanos = System.nanoTime();
    private volatile long lastCollectNanos;
    private volatile boolean collected;

    // Collect thread only.
    private final Map<ScrapeTarget, Target> targets = new LinkedHashMap<>();
    private final Set<String> warnedOnce = new HashSet<>();

    private final AtomicLong scrapeFailures = new AtomicLong();
    private final AtomicLong skippedInstances = new AtomicLong();

    private static final class Target {
        final Source source;
        boolean failing;

        Target(Source source) {
            this.source = source;
        }
    }

    private ConsulSource(ConsulConfig config, ScrapeTargets scrapeTypes, Clock clock) {
        this.config = config;
        this.scrapeTypes = scrapeTypes;
        this.clock = clock;
        this.connection = ConsulAgentConnection.create(config);
        Backoff backoff = FullJitterBackoff.of(config.backoffInitial(), config.backoffMax(), 2.0);
        this.discovery = new ConsulDiscovery(config, connection.watch(), backoff, System::nanoTime);
        this.registration = config.register() == null ? null
                : new ConsulRegistration(config.register(), connection, this::healthy);
        if (config.sharing() != null) {
            this.membership = new CourierMembership(config.register().name(), connection.watch(), config.waitSeconds(),
                    backoff, new QueryBudget(config.minQueryInterval().toNanos(), System::nanoTime), clock);
            this.owned = new OwnedTargets(config.register().id(), config.sharing().replicas(), config.linger());
            this.targetIds = TargetIdTemplate.parse(config.sharing().targetId());
        } else {
            this.membership = null;
            this.owned = null;
            this.targetIds = null;
        }
        AtomicInteger threads = new AtomicInteger();
        this.scrapers = Executors.newFixedThreadPool(config.scrape().concurrency(), r -> {
            Thread t = new Thread(r, "consul-scrape-" + config.name() + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The ACL token it sends to the agent, hidden wherever a failure's text is logged or shown. */
    @Override
    public SecretMask secrets() {
        return SecretMask.of(config.token()).and(config.scrape().http().inlineSecrets());
    }

    /** A source with the built-in scrape types, stamping samples from the UTC system clock. */
    public static ConsulSource create(ConsulConfig config) {
        return create(config, ScrapeTargets.builtIn(), Clock.systemUTC());
    }

    /**
     * Starts watching and, when configured, the self-registration heartbeat. Nothing here waits for the
     * agent: an agent that is down is retried by the watches and the heartbeat.
     */
    public static ConsulSource create(ConsulConfig config, ScrapeTargets scrapeTypes, Clock clock) {
        ConsulSource source = new ConsulSource(Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(scrapeTypes, "scrapeTypes"), Objects.requireNonNull(clock, "clock"));
        source.discovery.start();
        if (source.membership != null) {
            source.membership.start();
        }
        if (source.registration != null) {
            source.registration.start();
        }
        return source;
    }

    @Override
    public String name() {
        return config.name();
    }

    public ConsulConfig config() {
        return config;
    }

    @Override
    public void collect(Emitter out) throws SourceException {
        lastCollectNanos = System.nanoTime();
        collected = true;
        Instant at = clock.instant();
        Map<String, ServiceSnapshot> snapshots = discovery.snapshots();
        // Ownership first: with sharing, health samples follow it, so that each is sent by its owners only.
        reconcile(snapshots, at);
        List<Sample> samples = new ArrayList<>();
        for (ServiceSnapshot snapshot : snapshots.values()) {
            if (snapshot.current()) {
                healthSamples(snapshot, at, samples);
            }
        }
        offer(samples, out);
        scrape(out);
    }

    /**
     * The id a target is shared by ({@code sharing.target_id}), from the port and path it is scraped on, as
     * {@link #targetOf} finds them.
     */
    private String shareId(ServiceInstance instance) {
        int port = scrapePort(instance);
        // targetOf skips an instance whose port does not parse; its id keeps the service port.
        return targetIds.render(instance, port == -1 ? instance.port() : port, scrapePath(instance));
    }

    /** The port an instance is scraped on: its {@code META_PORT} meta, else the service port; -1 if unparsable. */
    private static int scrapePort(ServiceInstance instance) {
        String portText = instance.meta().get(ConsulConfig.Scrape.META_PORT);
        if (portText == null) {
            return instance.port();
        }
        try {
            return Integer.parseInt(portText.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The metrics path an instance is scraped on: its {@code META_PATH} meta, else the configured path. */
    private String scrapePath(ServiceInstance instance) {
        return instance.meta().getOrDefault(ConsulConfig.Scrape.META_PATH, config.scrape().path());
    }

    /** Without sharing, every health sample; with it, those of the instances and services this courier owns. */
    private boolean reportsHealthOf(String shareId) {
        return owned == null || owned.owns(shareId);
    }

    private void healthSamples(ServiceSnapshot snapshot, Instant at, List<Sample> out) {
        for (ServiceInstance instance : snapshot.instances()) {
            if (owned != null && !reportsHealthOf(shareId(instance))) {
                continue;
            }
            Labels labels = Labels.of("service", instance.service(), "instance", instance.id(), "node", instance.node());
            out.add(new Sample(PASSING_METRIC, labels, MetricType.GAUGE, null,
                    SampleValue.of(instance.state() == HealthState.PASSING ? 1L : 0L), at.getEpochSecond(),
                    at.getNano(), hostOf(instance), config.name()));
        }
        if (owned != null && !reportsHealthOf("service " + snapshot.service())) {
            return;
        }
        for (HealthState state : HealthState.values()) {
            Labels labels = Labels.of("service", snapshot.service(), "state", state.label());
            out.add(new Sample(INSTANCES_METRIC, labels, MetricType.GAUGE, null, SampleValue.of(snapshot.count(state)),
                    at.getEpochSecond(), at.getNano(), config.host(), config.name()));
        }
    }

    private String hostOf(ServiceInstance instance) {
        return config.instanceHost() == ConsulConfig.InstanceHost.NODE ? instance.node() : instance.id();
    }

    /**
     * Closes targets whose instance stopped passing (or, with sharing, that this courier no longer owns and
     * has stopped lingering on), creates those of newly passing (or newly owned) instances.
     */
    private void reconcile(Map<String, ServiceSnapshot> snapshots, Instant at) {
        Set<ScrapeTarget> wanted = new HashSet<>();
        Map<String, ScrapeTarget> byHost = new HashMap<>();
        Map<ScrapeTarget, String> ids = new HashMap<>();
        for (ServiceSnapshot snapshot : snapshots.values()) {
            for (ServiceInstance instance : snapshot.passing()) {
                ScrapeTarget target = targetOf(instance);
                if (target == null) {
                    continue;
                }
                wanted.add(target);
                if (owned != null) {
                    ids.put(target, shareId(instance));
                }
                ScrapeTarget sameHost = byHost.putIfAbsent(target.host(), target);
                if (sameHost != null && warnOnce("host " + target.host())) {
                    LOG.warn("consul source {}: {} and {} share host {}; their samples mix (set instance_host: service_id "
                            + "to keep them apart)", config.name(), sameHost.instanceId(), target.instanceId(), target.host());
                }
            }
        }
        if (owned != null) {
            Set<String> scrape = owned.update(new HashSet<>(ids.values()), membership.current(), at);
            wanted.removeIf(target -> !scrape.contains(ids.get(target)));
        }
        targets.entrySet().removeIf(e -> {
            if (wanted.contains(e.getKey())) {
                return false;
            }
            LOG.info("consul source {}: no longer scraping {}", config.name(), e.getKey());
            closeQuietly(e.getValue().source);
            return true;
        });
        for (ScrapeTarget target : wanted) {
            if (targets.containsKey(target)) {
                continue;
            }
            try {
                Source source = scrapeTypes.factory(target.type()).create(target);
                targets.put(target, new Target(source));
                LOG.info("consul source {}: scraping {}", config.name(), target);
            } catch (RuntimeException e) {
                skippedInstances.incrementAndGet();
                if (warnOnce("create " + target)) {
                    LOG.warn("consul source {}: cannot scrape {}: {}; skipping it until its registration changes", config.name(), target, e.getMessage());
                }
            }
        }
    }

    /** The scrape target of a passing instance, or null (logged once, counted) when it has none. */
    ScrapeTarget targetOf(ServiceInstance instance) {
        String type = instance.meta().get(ConsulConfig.Scrape.META_TYPE);
        if (type == null) {
            type = instance.tags().stream().filter(t -> t.startsWith(ConsulConfig.Scrape.TAG_TYPE_PREFIX))
                    .map(t -> t.substring(ConsulConfig.Scrape.TAG_TYPE_PREFIX.length())).findFirst()
                    .orElse(config.scrape().type());
        }
        if (ConsulConfig.Scrape.NONE.equals(type)) {
            return null;
        }
        if (scrapeTypes.factory(type) == null) {
            return skip(instance, "scrape type " + type + " (expected: one of " + scrapeTypes.types() + " or none)");
        }
        int port = scrapePort(instance);
        String portText = instance.meta().get(ConsulConfig.Scrape.META_PORT);
        if (port < 1 || port > 65535) {
            return skip(instance, "port " + (portText != null ? portText : instance.port()) + " (expected: 1..65535)");
        }
        if (instance.address().isEmpty()) {
            return skip(instance, "no address (expected: Service.Address or Node.Address)");
        }
        String path = scrapePath(instance);
        if (!path.startsWith("/")) {
            return skip(instance, "metrics path " + path + " (expected: a path starting with /)");
        }
        String host = instance.address().indexOf(':') >= 0 ? "[" + instance.address() + "]" : instance.address();
        URI url;
        try {
            url = new URI(config.scrape().scheme() + "://" + host + ":" + port + path);
        } catch (URISyntaxException e) {
            return skip(instance, "URL " + e.getInput() + " (expected: a valid URL)");
        }
        return new ScrapeTarget(config.name(), instance.service(), instance.id(), type, url, hostOf(instance),
                config.interval(), config.scrape().timeout(), config.scrape().maxBytes(), config.scrape().http());
    }

    private ScrapeTarget skip(ServiceInstance instance, String why) {
        skippedInstances.incrementAndGet();
        if (warnOnce("skip " + instance.service() + "/" + instance.id() + " " + why)) {
            LOG.warn("consul source {}: not scraping instance {} of {}: {}", config.name(), instance.id(),
                    instance.service(), why);
        }
        return null;
    }

    private boolean warnOnce(String key) {
        return warnedOnce.add(key);
    }

    private void scrape(Emitter out) {
        List<Map.Entry<ScrapeTarget, Target>> running = new ArrayList<>(targets.entrySet());
        List<CompletableFuture<List<Sample>>> results = new ArrayList<>(running.size());
        for (Map.Entry<ScrapeTarget, Target> entry : running) {
            Source source = entry.getValue().source;
            results.add(CompletableFuture.supplyAsync(() -> {
                List<Sample> collected = new ArrayList<>();
                try {
                    source.collect(collected::add);
                } catch (SourceException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
                return collected;
            }, scrapers));
        }
        for (int i = 0; i < running.size(); i++) {
            ScrapeTarget target = running.get(i).getKey();
            Target state = running.get(i).getValue();
            try {
                offer(results.get(i).join(), out);
                if (state.failing) {
                    state.failing = false;
                    LOG.info("consul source {}: {} answers again", config.name(), target);
                }
            } catch (RuntimeException e) {
                scrapeFailures.incrementAndGet();
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                // The target's peer may echo what it was sent; its source knows the secrets it sent.
                String why = state.source.secrets().apply(cause.getMessage());
                if (!state.failing) {
                    state.failing = true;
                    LOG.warn("consul source {}: scraping {} failed: {} (logged again when it recovers)", config.name(),
                            target.instanceId(), why);
                } else {
                    LOG.debug("consul source {}: scraping {} failed: {}", config.name(), target.instanceId(), why);
                }
            }
        }
    }

    private static void offer(List<Sample> samples, Emitter out) {
        // A sample the ring refuses is counted and logged by the pipeline's emitter.
        samples.forEach(out::offer);
    }

    /**
     * Whether the heartbeat may pass the TTL check: a collect started within three intervals (before the first
     * collect, within three intervals of creation). A pipeline that stopped collecting lets the check fail.
     */
    boolean healthy() {
        long since = System.nanoTime() - (collected ? lastCollectNanos : createdNanos);
        return since <= config.interval().multipliedBy(3).toNanos();
    }

    /**
     * Every watched service as a group, sorted by name, with whether its latest answer is current, and the
     * {@link ConsulLld} rows of its passing instances as of that answer. The watches keep this view, not
     * collect, so it is never empty: a service not answered yet is listed, not current, with no rows. Any
     * thread; each service's rows come from one answer.
     */
    @Override
    public Optional<LldRows> lldRows() {
        Map<String, ServiceSnapshot> snapshots = discovery.snapshots();
        Map<String, Boolean> groups = new LinkedHashMap<>();
        List<LldRow> rows = new ArrayList<>();
        for (String service : discovery.watched()) {
            ServiceSnapshot snapshot = snapshots.get(service);
            groups.put(service, snapshot != null && snapshot.current());
            if (snapshot != null) {
                rows.addAll(ConsulLld.rows(snapshot));
            }
        }
        return Optional.of(LldRows.byGroup(groups, rows));
    }

    /** The targets being scraped now. Collect thread only; for tests and diagnostics. */
    List<ScrapeTarget> targets() {
        return List.copyOf(targets.keySet());
    }

    /** Scrapes that failed so far. */
    public long scrapeFailures() {
        return scrapeFailures.get();
    }

    /** Passing instances that could not be scraped (no port, unknown type, bad path), counted per collect. */
    public long skippedInstances() {
        return skippedInstances.get();
    }

    /** Failed blocking queries so far, over every watch. */
    public long queryFailures() {
        return discovery.failures() + (membership == null ? 0 : membership.failures());
    }

    /** Times an index went backwards and a watch started over. */
    public long indexResets() {
        return discovery.resets() + (membership == null ? 0 : membership.resets());
    }

    /** Failed agent calls of the self-registration so far; 0 without registration. */
    public long registrationFailures() {
        return registration == null ? 0 : registration.failures();
    }

    /** What it counted, by event; with sharing also {@code handoffs_in}, {@code handoffs_out}, {@code membership_changes}. */
    @Override
    public Map<String, LongSupplier> events() {
        Map<String, LongSupplier> events = new LinkedHashMap<>(Map.of("scrape_failures", this::scrapeFailures,
                "skipped_instances", this::skippedInstances, "query_failures", this::queryFailures, "index_resets",
                this::indexResets, "registration_failures", this::registrationFailures));
        if (owned != null) {
            events.put("handoffs_in", owned::handoffsIn);
            events.put("handoffs_out", owned::handoffsOut);
            events.put("membership_changes", membership::changes);
        }
        return events;
    }

    /**
     * With sharing: {@code targets.owned}, {@code targets.lingering} (lost, still scraped until the new owner
     * has surely started), {@code sharing.couriers}, {@code sharing.membership.stale} (1 while the agent does
     * not answer and the last known membership is used) and {@code sharing.seconds.since.membership.change}.
     * Without sharing, none.
     */
    @Override
    public Map<String, DoubleSupplier> gauges() {
        if (owned == null) {
            return Map.of();
        }
        // As the status document: from the membership the latest collect computed ownership from.
        return Map.of("targets.owned", () -> owned.view().owned().size(),
                "targets.lingering", () -> owned.view().releasing().size(),
                "sharing.couriers", () -> owned.view().members() == null ? 0 : owned.view().members().ids().size(),
                "sharing.membership.stale", () -> owned.view().members() == null || !owned.view().members().current() ? 1 : 0,
                "sharing.seconds.since.membership.change", () -> owned.view().members() == null ? 0
                        : Math.max(0, Duration.between(owned.view().members().changedAt(), clock.instant()).toMillis() / 1000.0));
    }

    /**
     * With sharing, {@code sharing}: this courier's id, the replicas, the membership ({@code current},
     * {@code stale} or {@code unknown}) with its couriers, when it last changed and since when it is stale,
     * the targets owned and lingering, the handoff counts and the latest handoffs, newest first. Without
     * sharing, nothing.
     */
    @Override
    public Map<String, Object> state() {
        if (owned == null) {
            return Map.of();
        }
        OwnedTargets.View view = owned.view();
        // The membership the ownership was computed from (the latest collect's), not a newer one the watch
        // has heard of since: owned targets and couriers always agree.
        CourierMembers members = view.members();
        Map<String, Object> sharing = new LinkedHashMap<>();
        sharing.put("courier_id", config.register().id());
        sharing.put("replicas", config.sharing().replicas());
        sharing.put("membership", members == null ? "unknown" : members.current() ? "current" : "stale");
        sharing.put("couriers", members == null ? List.of() : List.copyOf(members.ids()));
        sharing.put("membership_changed_at", members == null ? null : members.changedAt().toString());
        sharing.put("stale_since", members == null || members.staleSince() == null ? null : members.staleSince().toString());
        sharing.put("targets_owned", view.owned().size());
        sharing.put("owned", view.owned().stream().sorted().toList());
        List<Object> lingering = new ArrayList<>();
        view.releasing().forEach((id, until) -> lingering.add(Map.of("target", id, "until", until.toString())));
        sharing.put("lingering", lingering);
        sharing.put("handoffs_in", view.handoffsIn());
        sharing.put("handoffs_out", view.handoffsOut());
        List<Object> recent = new ArrayList<>();
        for (OwnedTargets.Handoff handoff : view.recent()) {
            recent.add(Map.of("at", handoff.at().toString(), "target", handoff.targetId(), "direction",
                    handoff.in() ? "in" : "out", "from", handoff.from(), "to", handoff.to()));
        }
        sharing.put("recent_handoffs", recent);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("sharing", sharing);
        return state;
    }

    /**
     * Deregisters the courier at once, so that the other couriers see it leave and take its targets over,
     * and returns how long it should go on scraping: one interval plus the settle time with sharing (the
     * targets it loses linger that long), zero without.
     */
    @Override
    public Duration leave() {
        if (registration != null) {
            registration.close();
        }
        return config.linger();
    }

    /**
     * Deregisters (when registered and not done by {@link #leave()}), stops the watches, closes both HTTP clients (which ends queries in
     * flight), the scrape threads and every target source. Called once, after the last collect.
     */
    @Override
    public void close() {
        if (registration != null) {
            registration.close();
        }
        discovery.stop();
        if (membership != null) {
            membership.stop();
        }
        connection.close();
        discovery.join(Duration.ofSeconds(2));
        if (membership != null) {
            membership.join(Duration.ofSeconds(2));
        }
        scrapers.shutdownNow();
        targets.values().forEach(t -> closeQuietly(t.source));
        targets.clear();
    }

    private void closeQuietly(Source source) {
        try {
            source.close();
        } catch (Exception e) {
            LOG.warn("consul source {}: closing a target source failed; going on", config.name(), e);
        }
    }

    @Override
    public String toString() {
        return config.toString();
    }
}
