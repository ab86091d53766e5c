package dev.concierge.courier.sources.consul;

import com.ecwid.consul.v1.health.model.HealthService;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code /v1/health/service/:name}, reduced to what discovery and health samples need.
 *
 * @param service   the service name
 * @param id        the service instance ID ({@code Service.ID})
 * @param node      the Consul node name ({@code Node.Node})
 * @param address   {@code Service.Address}, or {@code Node.Address} when that is empty (health.mdx)
 * @param port      {@code Service.Port}; 0 when absent
 * @param tags      {@code Service.Tags}
 * @param meta      {@code Service.Meta}
 * @param state     the worst status of all its checks
 */
record ServiceInstance(String service, String id, String node, String address, int port, List<String> tags,
                       Map<String, String> meta, HealthState state) {

    ServiceInstance {
        tags = List.copyOf(tags);
        meta = Map.copyOf(meta);
    }

    /**
     * Reads one entry, or returns null when it lacks what identifies an instance (a service ID and a node
     * name). Gson leaves absent fields null, so every field is checked; unknown fields were ignored.
     */
    static ServiceInstance of(String serviceName, HealthService entry) {
        if (entry == null || entry.getService() == null || entry.getNode() == null) {
            return null;
        }
        HealthService.Service s = entry.getService();
        HealthService.Node n = entry.getNode();
        if (s.getId() == null || s.getId().isEmpty() || n.getNode() == null || n.getNode().isEmpty()) {
            return null;
        }
        String address = s.getAddress() != null && !s.getAddress().isEmpty() ? s.getAddress() : n.getAddress();
        Integer port = s.getPort();
        return new ServiceInstance(s.getService() != null && !s.getService().isEmpty() ? s.getService() : serviceName,
                s.getId(), n.getNode(), address == null ? "" : address, port == null ? 0 : port,
                s.getTags() == null ? List.of() : s.getTags().stream().filter(t -> t != null).toList(),
                s.getMeta() == null ? Map.of() : withoutNulls(s.getMeta()), HealthState.of(entry.getChecks()));
    }

    private static Map<String, String> withoutNulls(Map<String, String> meta) {
        return meta.entrySet().stream().filter(e -> e.getKey() != null && e.getValue() != null)
                .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
