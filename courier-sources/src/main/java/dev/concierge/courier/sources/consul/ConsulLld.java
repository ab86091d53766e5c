package dev.concierge.courier.sources.consul;

import com.ecwid.consul.v1.QueryParams;
import com.ecwid.consul.v1.health.HealthServicesRequest;
import com.ecwid.consul.v1.health.model.HealthService;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import dev.concierge.courier.core.spi.Secret;
import dev.concierge.courier.core.spi.SourceException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Zabbix low-level discovery rows (PROTOCOLS.md section 2) for the passing instances of Consul services, one
 * row per instance:
 *
 * <pre>
 *   {"{#SERVICE}":"metrics-courier","{#INSTANCE}":"courier-web-01","{#NODE}":"app-node-07",
 *    "{#ADDRESS}":"10.0.3.7","{#PORT}":"9102"}
 * </pre>
 *
 * <ul>
 *   <li>An instance is listed when every one of its checks passes, node checks included: the same rule
 *       {@link ConsulSource} scrapes by. {@code {#ADDRESS}} is {@code Service.Address}, or
 *       {@code Node.Address} when that is empty; {@code {#PORT}} is {@code Service.Port}. Every value is a
 *       string.</li>
 *   <li>Rows are sorted by service, node and instance ID, so an unchanged answer yields identical JSON.</li>
 *   <li>A row's group is its service. A list is only ever built from complete answers: {@link #queryPassing}
 *       fails as a whole when one service's query fails, and {@link ConsulSource#lldRows()} marks a service
 *       whose latest query failed as not current. A partial list would make Zabbix start the lost-resource
 *       timers of the instances it misses.</li>
 * </ul>
 */
public final class ConsulLld {
    public static final String SERVICE_MACRO = "{#SERVICE}";
    public static final String INSTANCE_MACRO = "{#INSTANCE}";
    public static final String NODE_MACRO = "{#NODE}";
    public static final String ADDRESS_MACRO = "{#ADDRESS}";
    public static final String PORT_MACRO = "{#PORT}";

    private static final Comparator<ServiceInstance> ROW_ORDER = Comparator.comparing(ServiceInstance::service)
            .thenComparing(ServiceInstance::node).thenComparing(ServiceInstance::id);

    private ConsulLld() {
    }

    /**
     * Asks the agent once per service, without blocking ({@code /v1/health/service/:name} with no
     * {@code index}), and returns the rows of every passing instance of every service, in
     * {@code services} order. The token travels only in the {@code X-Consul-Token} header. Blocks the
     * caller for at most about {@code timeout} per service (connect, then read).
     *
     * @param token null for the agent's default token
     * @throws IllegalArgumentException when the token cannot go into a header ({@link ConsulConfig#tokenProblem})
     * @throws SourceException when any query fails; the message names the agent and the service, never the
     *                         token
     */
    public static LldRows queryPassing(URI agent, Secret token, Duration timeout, List<String> services)
            throws SourceException {
        Objects.requireNonNull(agent, "agent");
        dev.concierge.courier.core.settings.SettingProblem tokenProblem = token == null ? null : ConsulConfig.tokenProblem(token);
        if (tokenProblem != null) {
            throw new IllegalArgumentException(tokenProblem.toString());
        }
        List<LldRow> rows = new ArrayList<>();
        try (ConsulAgentConnection connection = ConsulAgentConnection.oneShot(agent, token, timeout)) {
            for (String service : services) {
                List<HealthService> entries;
                try {
                    // Unfiltered, as the source asks: HealthState decides "passing" the same way in both places.
                    entries = connection.agent().getHealthServices(ConsulAgentConnection.pathSegment(service),
                            HealthServicesRequest.newBuilder().setPassing(false)
                                    .setQueryParams(QueryParams.DEFAULT).build()).getValue();
                } catch (RuntimeException e) {
                    throw new SourceException(agent + " service " + service + ": " + e.getMessage(), e);
                }
                rows.addAll(rows(snapshotOf(service, entries == null ? List.of() : entries)));
            }
        }
        return LldRows.complete(rows);
    }

    /** The rows of the passing instances in {@code snapshot}, sorted. */
    static List<LldRow> rows(ServiceSnapshot snapshot) {
        List<ServiceInstance> passing = new ArrayList<>(snapshot.passing());
        passing.sort(ROW_ORDER);
        List<LldRow> rows = new ArrayList<>(passing.size());
        for (ServiceInstance instance : passing) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put(SERVICE_MACRO, instance.service());
            row.put(INSTANCE_MACRO, instance.id());
            row.put(NODE_MACRO, instance.node());
            row.put(ADDRESS_MACRO, instance.address());
            row.put(PORT_MACRO, Integer.toString(instance.port()));
            rows.add(new LldRow(instance.service(), row));
        }
        return rows;
    }

    static ServiceSnapshot snapshotOf(String service, List<HealthService> entries) {
        List<ServiceInstance> instances = new ArrayList<>(entries.size());
        for (HealthService entry : entries) {
            ServiceInstance instance = ServiceInstance.of(service, entry);
            if (instance != null) {
                instances.add(instance);
            }
        }
        return new ServiceSnapshot(service, instances, true);
    }
}
