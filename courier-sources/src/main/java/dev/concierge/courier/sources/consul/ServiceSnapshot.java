package dev.concierge.courier.sources.consul;

import java.util.List;

/**
 * Everything one answer of {@code /v1/health/service/:name} said about a service: all its instances with
 * their aggregated health, complete, in the agent's order.
 *
 * @param service   the watched service name
 * @param instances every registered instance, whatever its health
 * @param current   false once a query after this answer failed: the list may be out of date
 */
record ServiceSnapshot(String service, List<ServiceInstance> instances, boolean current) {

    ServiceSnapshot {
        instances = List.copyOf(instances);
    }

    ServiceSnapshot stale() {
        return current ? new ServiceSnapshot(service, instances, false) : this;
    }

    List<ServiceInstance> passing() {
        return instances.stream().filter(i -> i.state() == HealthState.PASSING).toList();
    }

    long count(HealthState state) {
        return instances.stream().filter(i -> i.state() == state).count();
    }
}
