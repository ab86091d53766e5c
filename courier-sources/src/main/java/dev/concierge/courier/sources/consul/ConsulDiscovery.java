package dev.concierge.courier.sources.consul;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.catalog.CatalogServicesRequest;
import com.ecwid.consul.v1.health.HealthServicesRequest;
import com.ecwid.consul.v1.health.model.HealthService;
import dev.concierge.courier.core.pipeline.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the health of every configured service, and of every catalog service carrying the configured tag,
 * with one {@link BlockingQueryLoop} per service on {@code /v1/health/service/:name} (not filtered by
 * {@code passing}: one answer gives both the instances to scrape and the counts per state, from the same
 * index, so the two never disagree). With a tag, one more loop watches {@code /v1/catalog/services} and
 * starts or stops service watches as services gain or lose the tag.
 *
 * <p>{@link #snapshots()} may be called from any thread; it sees each service's latest complete answer.
 */
final class ConsulDiscovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsulDiscovery.class);

    private final ConsulConfig config;
    private final ConsulClient client;
    private final Backoff backoff;
    private final LongSupplier nanoTime;
    private final Map<String, BlockingQueryLoop<List<HealthService>>> watches = new HashMap<>();
    private final Map<String, ServiceSnapshot> snapshots = new ConcurrentHashMap<>();
    private final List<BlockingQueryLoop<?>> stopped = new ArrayList<>();
    private BlockingQueryLoop<Map<String, List<String>>> catalog;
    private boolean closed;

    ConsulDiscovery(ConsulConfig config, ConsulClient client, Backoff backoff, LongSupplier nanoTime) {
        this.config = config;
        this.client = client;
        this.backoff = backoff;
        this.nanoTime = nanoTime;
    }

    synchronized void start() {
        for (String service : config.services()) {
            startWatch(service);
        }
        if (config.tag() != null) {
            catalog = new BlockingQueryLoop<>("catalog-tag-" + config.tag(), this::fetchCatalog,
                    new BlockingQueryLoop.Listener<>() {
                        @Override
                        public void answered(Map<String, List<String>> services) {
                            retarget(services);
                        }

                        @Override
                        public void failed(String reason) {
                            // The tagged services keep being watched as they were.
                        }
                    }, config.waitSeconds(), backoff, budget());
            catalog.start();
        }
    }

    /** The latest answer per watched service, by name; a service appears after its first answer. */
    Map<String, ServiceSnapshot> snapshots() {
        return new TreeMap<>(snapshots);
    }

    /** The services watched now, sorted, answered or not. */
    synchronized List<String> watched() {
        return watches.keySet().stream().sorted().toList();
    }

    /** Failed queries so far, over every watch. */
    synchronized long failures() {
        long total = catalog == null ? 0 : catalog.failures();
        for (BlockingQueryLoop<?> loop : watches.values()) {
            total += loop.failures();
        }
        return total;
    }

    /** Index resets so far, over every watch. */
    synchronized long resets() {
        long total = catalog == null ? 0 : catalog.resets();
        for (BlockingQueryLoop<?> loop : watches.values()) {
            total += loop.resets();
        }
        return total;
    }

    private QueryBudget budget() {
        return new QueryBudget(config.minQueryInterval().toNanos(), nanoTime);
    }

    private com.ecwid.consul.v1.Response<List<HealthService>> fetchHealth(String service, long index, long wait) {
        HealthServicesRequest request = HealthServicesRequest.newBuilder()
                .setPassing(false)
                .setQueryParams(new QueryParams(wait, index))
                .build();
        return client.getHealthServices(ConsulAgentConnection.pathSegment(service), request);
    }

    private com.ecwid.consul.v1.Response<Map<String, List<String>>> fetchCatalog(long index, long wait) {
        return client.getCatalogServices(CatalogServicesRequest.newBuilder()
                .setQueryParams(new QueryParams(wait, index))
                .build());
    }

    private void startWatch(String service) {
        BlockingQueryLoop<List<HealthService>> loop = new BlockingQueryLoop<>("service-" + service,
                (index, wait) -> fetchHealth(service, index, wait), new BlockingQueryLoop.Listener<>() {
                    @Override
                    public void answered(List<HealthService> entries) {
                        record(service, entries);
                    }

                    @Override
                    public void failed(String reason) {
                        snapshots.computeIfPresent(service, (name, snapshot) -> snapshot.stale());
                    }
                }, config.waitSeconds(), backoff, budget());
        watches.put(service, loop);
        loop.start();
    }

    private void record(String service, List<HealthService> entries) {
        List<ServiceInstance> instances = new ArrayList<>(entries.size());
        int unusable = 0;
        for (HealthService entry : entries) {
            ServiceInstance instance = ServiceInstance.of(service, entry);
            if (instance == null) {
                unusable++;
            } else {
                instances.add(instance);
            }
        }
        if (unusable > 0) {
            LOG.debug("consul service {}: {} entries without a service ID or node name ignored", service, unusable);
        }
        synchronized (this) {
            // A watch stopped while its query was in flight must not bring its service back.
            if (!closed && watches.containsKey(service)) {
                snapshots.put(service, new ServiceSnapshot(service, instances, true));
            }
        }
    }

    private synchronized void retarget(Map<String, List<String>> catalogServices) {
        if (closed) {
            return;
        }
        Set<String> wanted = new LinkedHashSet<>(config.services());
        for (Map.Entry<String, List<String>> e : new TreeMap<>(catalogServices).entrySet()) {
            if (e.getValue() != null && e.getValue().contains(config.tag()) && validName(e.getKey())) {
                wanted.add(e.getKey());
            }
        }
        for (String service : List.copyOf(watches.keySet())) {
            if (!wanted.contains(service)) {
                LOG.info("consul: service {} no longer carries tag {}, no longer watched", service, config.tag());
                BlockingQueryLoop<List<HealthService>> loop = watches.remove(service);
                loop.stop();
                stopped.add(loop);
                snapshots.remove(service);
            }
        }
        for (String service : wanted) {
            if (!watches.containsKey(service)) {
                LOG.info("consul: service {} carries tag {}, watching it", service, config.tag());
                startWatch(service);
            }
        }
    }

    private static boolean validName(String service) {
        return service != null && !service.isEmpty() && service.chars().noneMatch(c -> c < 0x20);
    }

    /** Stops every loop; queries in flight end when the caller closes the HTTP client under them. */
    synchronized void stop() {
        closed = true;
        if (catalog != null) {
            catalog.stop();
        }
        watches.values().forEach(BlockingQueryLoop::stop);
    }

    /** Waits for the loops' threads to end, at most {@code timeout} each. */
    void join(Duration timeout) {
        List<BlockingQueryLoop<?>> loops = new ArrayList<>();
        synchronized (this) {
            loops.addAll(watches.values());
            loops.addAll(stopped);
            if (catalog != null) {
                loops.add(catalog);
            }
        }
        loops.forEach(loop -> loop.join(timeout));
    }

    @Override
    public void close() {
        stop();
        join(Duration.ofSeconds(1));
    }
}
