package dev.concierge.courier.sources.consul;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.Response;
import com.ecwid.consul.v1.health.HealthServicesRequest;
import com.ecwid.consul.v1.health.model.HealthService;
import dev.concierge.courier.core.pipeline.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The couriers sharing the targets: the passing instances of the courier service (the one
 * {@link ConsulRegistration} registers every courier under), watched with a blocking query on
 * {@code /v1/health/service/:name?passing} by one {@link BlockingQueryLoop}. A courier whose TTL check went
 * critical (it died, or stopped collecting) leaves the list as soon as the check does; one that deregisters
 * leaves it at once.
 *
 * <p>After a failed query the last answer stays, marked stale ({@link CourierMembers#stale}), so ownership
 * stays as it was while the agent is away. {@link #current()} may be called from any thread.
 */
final class CourierMembership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CourierMembership.class);

    private final String service;
    private final Clock clock;
    private final BlockingQueryLoop<List<HealthService>> loop;
    private final AtomicReference<CourierMembers> current = new AtomicReference<>();
    private final AtomicLong changes = new AtomicLong();

    CourierMembership(String service, ConsulClient client, long waitSeconds, Backoff backoff, QueryBudget budget,
                      Clock clock) {
        this.service = service;
        this.clock = clock;
        this.loop = new BlockingQueryLoop<>("couriers-" + service, (index, wait) -> fetch(client, index, wait),
                new BlockingQueryLoop.Listener<>() {
                    @Override
                    public void answered(List<HealthService> entries) {
                        record(entries);
                    }

                    @Override
                    public void failed(String reason) {
                        CourierMembers was = current.getAndUpdate(m -> m == null ? null : m.stale(clock.instant()));
                        if (was != null && was.current()) {
                            LOG.warn("consul: courier membership of {} unknown ({}); keeping the last known {} couriers "
                                    + "and their ownership until the agent answers", service, reason, was.ids().size());
                        }
                    }
                }, waitSeconds, backoff, budget);
    }

    private Response<List<HealthService>> fetch(ConsulClient client, long index, long wait) {
        HealthServicesRequest request = HealthServicesRequest.newBuilder()
                .setPassing(true)
                .setQueryParams(new QueryParams(wait, index))
                .build();
        return client.getHealthServices(ConsulAgentConnection.pathSegment(service), request);
    }

    private void record(List<HealthService> entries) {
        Set<String> ids = new TreeSet<>();
        for (HealthService entry : entries) {
            if (entry != null && entry.getService() != null && entry.getService().getId() != null) {
                ids.add(entry.getService().getId());
            }
        }
        CourierMembers was = current.get();
        CourierMembers now = was == null ? new CourierMembers(ids, true, clock.instant(), null)
                : was.answered(ids, clock.instant());
        current.set(now);
        if (was == null || !was.ids().equals(now.ids())) {
            changes.incrementAndGet();
            LOG.info("consul: {} couriers share the targets: {}", now.ids().size(), now.ids());
        } else if (!was.current()) {
            LOG.info("consul: courier membership of {} known again: {} couriers, unchanged", service, now.ids().size());
        }
    }

    void start() {
        loop.start();
    }

    /** The latest membership; null before the first answer. */
    CourierMembers current() {
        return current.get();
    }

    /** How many times the list of couriers changed, the first answer included. */
    long changes() {
        return changes.get();
    }

    long failures() {
        return loop.failures();
    }

    long resets() {
        return loop.resets();
    }

    void stop() {
        loop.stop();
    }

    void join(Duration timeout) {
        loop.join(timeout);
    }

    @Override
    public void close() {
        loop.close();
    }
}
