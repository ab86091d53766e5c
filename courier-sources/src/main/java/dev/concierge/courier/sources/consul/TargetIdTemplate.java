package dev.concierge.courier.sources.consul;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The id a target is shared by: the operator's template ({@code sharing.target_id}) filled from the target's
 * registration. It must stay the same for as long as the target is the same, so that ownership does not move
 * when nothing moved: its fields are identity, never labels, tags or meta that change with a deploy.
 *
 * <p>Placeholders: {@code {service}} (the Consul service name), {@code {instance}} (the service ID),
 * {@code {node}} (the node name), {@code {address}} (Service.Address, else Node.Address), {@code {port}} (the
 * port scraped) and {@code {path}} (the metrics path). The default is {@value #DEFAULT}. Immutable.
 */
final class TargetIdTemplate {
    static final String DEFAULT = "{service}/{address}:{port}";
    static final Set<String> PLACEHOLDERS = Set.of("service", "instance", "node", "address", "port", "path");

    private final List<String> parts; // literal, placeholder, literal, placeholder, ... (placeholders at odd indexes)

    private TargetIdTemplate(List<String> parts) {
        this.parts = List.copyOf(parts);
    }

    /** What is wrong with {@code template}, or null when it can be used. */
    static String problem(String template) {
        if (template == null || template.isBlank()) {
            return "empty";
        }
        try {
            TargetIdTemplate parsed = parse(template);
            return parsed.parts.size() < 2 ? "no placeholder" : null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** @throws IllegalArgumentException on an unknown placeholder or an unclosed brace */
    static TargetIdTemplate parse(String template) {
        List<String> parts = new ArrayList<>();
        int at = 0;
        while (true) {
            int open = template.indexOf('{', at);
            if (open < 0) {
                parts.add(template.substring(at));
                return new TargetIdTemplate(parts);
            }
            int close = template.indexOf('}', open);
            if (close < 0) {
                throw new IllegalArgumentException("unclosed { at " + open);
            }
            String name = template.substring(open + 1, close);
            if (!PLACEHOLDERS.contains(name)) {
                throw new IllegalArgumentException("unknown placeholder {" + name + "}");
            }
            parts.add(template.substring(at, open));
            parts.add(name);
            at = close + 1;
        }
    }

    /** The id of {@code instance} scraped on {@code port} at {@code path}. */
    String render(ServiceInstance instance, int port, String path) {
        Map<String, String> values = Map.of("service", instance.service(), "instance", instance.id(), "node",
                instance.node(), "address", instance.address(), "port", Integer.toString(port), "path", path);
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            id.append(i % 2 == 0 ? parts.get(i) : values.get(parts.get(i)));
        }
        return id.toString();
    }
}
