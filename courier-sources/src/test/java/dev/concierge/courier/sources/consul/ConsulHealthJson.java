package dev.concierge.courier.sources.consul;

import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code /v1/health/service/:name} answers shaped like PROTOCOLS.md §6.4: a node with tagged addresses and
 * meta, a service with an empty {@code Address} (so the node address is used), {@code Weights} and other
 * fields consul-api does not map, and two checks: {@code serfHealth} and the service's own.
 */
final class ConsulHealthJson {
    /** One instance: its node, its service ID, the port its metrics are served on, its service check status. */
    record Instance(String node, String serviceId, int port, String status) {
        Instance withStatus(String newStatus) {
            return new Instance(node, serviceId, port, newStatus);
        }
    }

    private ConsulHealthJson() {
    }

    static String answer(String service, List<Instance> instances) {
        return instances.stream().map(i -> entry(service, i)).collect(Collectors.joining(",", "[", "]"));
    }

    static String entry(String service, Instance i) {
        return """
                {"Node": {"ID": "5f3c2a1e-9b7d-4c1a-8e2f-0a9d6b4c3e21", "Node": "%1$s",
                          "Address": "127.0.0.1", "Datacenter": "dc1",
                          "TaggedAddresses": {"lan": "127.0.0.1", "lan_ipv4": "127.0.0.1", "wan": "127.0.0.1", "wan_ipv4": "127.0.0.1"},
                          "Meta": {"consul-network-segment": "", "rack": "r12"},
                          "CreateIndex": 1187, "ModifyIndex": 1190},
                 "Service": {"ID": "%2$s", "Service": "%3$s", "Tags": ["v1", "metrics=dropwizard"],
                             "Address": "", "Port": %4$d,
                             "Meta": {"version": "1.4.0", "metrics_path": "/metrics"},
                             "TaggedAddresses": {}, "Weights": {"Passing": 1, "Warning": 1},
                             "EnableTagOverride": false, "Kind": "", "CreateIndex": 20452, "ModifyIndex": 20452},
                 "Checks": [
                   {"Node": "%1$s", "CheckID": "serfHealth", "Name": "Serf Health Status", "Status": "passing",
                    "Notes": "", "Output": "Agent alive and reachable", "ServiceID": "", "ServiceName": "",
                    "ServiceTags": [], "Type": "", "CreateIndex": 1187, "ModifyIndex": 1187},
                   {"Node": "%1$s", "CheckID": "%2$s-http", "Name": "metrics endpoint", "Status": "%5$s",
                    "Notes": "", "Output": "HTTP GET: 200 OK", "ServiceID": "%2$s", "ServiceName": "%3$s",
                    "ServiceTags": ["v1", "metrics=dropwizard"], "Type": "http", "CreateIndex": 20452, "ModifyIndex": 20460}
                 ]}""".formatted(i.node(), i.serviceId(), service, i.port(), i.status());
    }
}
