package dev.concierge.courier.app.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Consul agent, as far as the courier uses one, written from the HTTP API documentation
 * ({@code hashicorp/consul} {@code website/content/api-docs/}: {@code features/blocking.mdx},
 * {@code health.mdx}, {@code catalog.mdx}, {@code agent/service.mdx}, {@code agent/check.mdx}; PROTOCOLS.md §6),
 * on the JDK's HTTP server, on 127.0.0.1 and port 0:
 * <ul>
 *   <li>{@code GET /v1/health/service/:name[?passing][&index=&wait=]}: {@code [{Node, Service, Checks}]} shaped
 *       like PROTOCOLS.md §6.4, every node check ({@code serfHealth}) passing; {@code passing} keeps entries
 *       whose checks all pass;</li>
 *   <li>{@code GET /v1/catalog/services[?index=&wait=]}: service name to the union of its tags;</li>
 *   <li>blocking: one index for the whole agent, raised by every change and returned as {@code X-Consul-Index}
 *       (with {@code X-Consul-KnownLeader} and {@code X-Consul-LastContact}); a query with {@code index} at or
 *       above it is held until a change or its {@code wait} (default 5m), without the agent's jitter;</li>
 *   <li>{@code PUT /v1/agent/service/register}: the service and its one {@code Check} (a TTL check with
 *       {@code CheckID}, {@code TTL}, initial {@code Status} (critical when absent) and
 *       {@code DeregisterCriticalServiceAfter}); registering again replaces both;</li>
 *   <li>{@code PUT /v1/agent/check/pass|warn|fail/:check_id}: sets the status and restarts the TTL; an unknown
 *       check answers 404 {@code Unknown check ID "..."}, as an agent that restarted does;</li>
 *   <li>{@code PUT /v1/agent/service/deregister/:service_id}: removes the service and its check; a missing one
 *       is a no-op;</li>
 *   <li>a TTL check not passed within its TTL turns critical; a service whose check stayed critical for
 *       {@code DeregisterCriticalServiceAfter} is removed (Consul's reaper runs every 30 s; this one every 50 ms).</li>
 * </ul>
 * {@link #goAway()} makes it answer 500 {@code No cluster leader} to everything, queries held included, until
 * {@link #comeBack()}; its TTL clocks keep running meanwhile, as a running agent's do.
 *
 * <p>Thread-safe: one monitor guards the state and wakes held queries.
 */
public final class ConsulFake implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final long REAP_MILLIS = 50;

    private final HttpServer server;
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "consul-fake-reaper");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final List<String> agentCalls = new ArrayList<>();
    private long index = 100;
    private boolean away;

    /** One registered service instance with its TTL check, if any. */
    private static final class Service {
        String id;
        String name;
        String address;
        int port;
        List<String> tags = List.of();
        Map<String, String> meta = Map.of();
        long createIndex;
        long modifyIndex;
        // The TTL check: null for services added with a passing check of their own (the targets).
        String checkId;
        Duration ttl;
        Duration deregisterAfter;
        String status = "passing";
        long deadlineNanos;
        long criticalSinceNanos;
    }

    private ConsulFake(HttpServer server) {
        this.server = server;
    }

    /** Starts an agent with nothing registered. */
    public static ConsulFake start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        ConsulFake fake = new ConsulFake(server);
        // Held queries each keep a thread: one per courier watch, and a few for the agent calls.
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "consul-fake-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/v1/", fake::handle);
        server.start();
        fake.reaper.scheduleWithFixedDelay(fake::reap, REAP_MILLIS, REAP_MILLIS, TimeUnit.MILLISECONDS);
        return fake;
    }

    /** The agent's base URL, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Registers an instance with a passing check of its own (not a TTL): a scrape target. */
    public synchronized void addPassingService(String name, String id, String address, int port,
                                               Map<String, String> meta) {
        Service service = new Service();
        service.id = id;
        service.name = name;
        service.address = address;
        service.port = port;
        service.meta = Map.copyOf(meta);
        service.createIndex = ++index;
        service.modifyIndex = index;
        services.put(id, service);
        notifyAll();
    }

    /** The IDs of the passing instances of {@code name}, sorted. */
    public synchronized List<String> passing(String name) {
        return services.values().stream().filter(s -> s.name.equals(name) && s.status.equals("passing"))
                .map(s -> s.id).sorted().toList();
    }

    /** Whether {@code id} is registered. */
    public synchronized boolean registered(String id) {
        return services.containsKey(id);
    }

    /** The {@code DeregisterCriticalServiceAfter} {@code id} registered with; null when none or not registered. */
    public synchronized Duration deregisterCriticalAfter(String id) {
        Service service = services.get(id);
        return service == null ? null : service.deregisterAfter;
    }

    /** Every agent call so far, in order: {@code register <id>}, {@code deregister <id>}, {@code pass <check>}. */
    public synchronized List<String> agentCalls() {
        return List.copyOf(agentCalls);
    }

    /** From now on every request, held ones included, answers 500 until {@link #comeBack()}. */
    public synchronized void goAway() {
        away = true;
        notifyAll();
    }

    public synchronized void comeBack() {
        away = false;
        notifyAll();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.startsWith("/v1/health/service/")) {
                read(exchange, query, () -> health(path.substring("/v1/health/service/".length()),
                        query.containsKey("passing") && !"false".equals(query.get("passing"))));
            } else if (method.equals("GET") && path.equals("/v1/catalog/services")) {
                read(exchange, query, this::catalog);
            } else if (method.equals("PUT") && path.equals("/v1/agent/service/register")) {
                answer(exchange, register(JSON.readTree(exchange.getRequestBody())));
            } else if (method.equals("PUT") && path.startsWith("/v1/agent/service/deregister/")) {
                answer(exchange, deregister(path.substring("/v1/agent/service/deregister/".length())));
            } else if (method.equals("PUT") && path.matches("/v1/agent/check/(pass|warn|fail)/.+")) {
                String[] parts = path.split("/", 6);
                answer(exchange, check(parts[5], parts[4]));
            } else {
                send(exchange, 404, "no such endpoint in the fake: " + method + " " + path, -1);
            }
        }
    }

    /** A status, a body and, for reads, the index. */
    private record Answer(int status, String body, long index) {
    }

    private interface Read {
        String body();
    }

    private void read(HttpExchange exchange, Map<String, String> query, Read read) throws IOException {
        Answer answer;
        synchronized (this) {
            if (query.containsKey("index")) {
                long wanted = Long.parseLong(query.get("index"));
                long waitNanos = parseDuration(query.getOrDefault("wait", "5m")).toNanos();
                long until = System.nanoTime() + waitNanos;
                long left;
                while (!away && index <= wanted && (left = until - System.nanoTime()) > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            answer = away ? new Answer(500, "No cluster leader", -1) : new Answer(200, read.body(), index);
        }
        send(exchange, answer.status, answer.body, answer.index);
    }

    private void answer(HttpExchange exchange, Answer answer) throws IOException {
        send(exchange, answer.status, answer.body, -1);
    }

    private static void send(HttpExchange exchange, int status, String body, long index) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status == 200 && index >= 0 ? "application/json"
                : "text/plain; charset=utf-8");
        if (index >= 0) {
            exchange.getResponseHeaders().set("X-Consul-Index", Long.toString(index));
            exchange.getResponseHeaders().set("X-Consul-KnownLeader", "true");
            exchange.getResponseHeaders().set("X-Consul-LastContact", "0");
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    // Called with the monitor held.
    private String health(String name, boolean passingOnly) {
        ArrayNode entries = JSON.createArrayNode();
        for (Service service : services.values()) {
            if (!service.name.equals(name) || (passingOnly && !service.status.equals("passing"))) {
                continue;
            }
            ObjectNode entry = entries.addObject();
            ObjectNode node = entry.putObject("Node");
            node.put("ID", "5f3c2a1e-9b7d-4c1a-8e2f-0a9d6b4c3e21");
            node.put("Node", "node-1");
            node.put("Address", "127.0.0.1");
            node.put("Datacenter", "dc1");
            node.putObject("TaggedAddresses").put("lan", "127.0.0.1").put("wan", "127.0.0.1");
            node.putObject("Meta").put("consul-network-segment", "");
            node.put("CreateIndex", 10);
            node.put("ModifyIndex", 10);
            ObjectNode s = entry.putObject("Service");
            s.put("ID", service.id);
            s.put("Service", service.name);
            ArrayNode tags = s.putArray("Tags");
            service.tags.forEach(tags::add);
            s.put("Address", service.address == null ? "" : service.address);
            s.put("Port", service.port);
            ObjectNode meta = s.putObject("Meta");
            new TreeMap<>(service.meta).forEach(meta::put);
            s.putObject("TaggedAddresses");
            s.putObject("Weights").put("Passing", 1).put("Warning", 1);
            s.put("EnableTagOverride", false);
            s.put("Kind", "");
            s.put("CreateIndex", service.createIndex);
            s.put("ModifyIndex", service.modifyIndex);
            ArrayNode checks = entry.putArray("Checks");
            checkJson(checks.addObject(), "serfHealth", "Serf Health Status", "passing", "Agent alive and reachable",
                    "", "", "");
            checkJson(checks.addObject(), service.checkId == null ? "service:" + service.id : service.checkId,
                    service.checkId == null ? "metrics endpoint" : "courier heartbeat", service.status, "",
                    service.id, service.name, service.checkId == null ? "http" : "ttl");
        }
        return entries.toString();
    }

    private static void checkJson(ObjectNode check, String id, String name, String status, String output,
                                  String serviceId, String serviceName, String type) {
        check.put("Node", "node-1");
        check.put("CheckID", id);
        check.put("Name", name);
        check.put("Status", status);
        check.put("Notes", "");
        check.put("Output", output);
        check.put("ServiceID", serviceId);
        check.put("ServiceName", serviceName);
        check.putArray("ServiceTags");
        check.put("Type", type);
        check.put("CreateIndex", 10);
        check.put("ModifyIndex", 10);
    }

    private String catalog() {
        Map<String, TreeSet<String>> tags = new TreeMap<>();
        for (Service service : services.values()) {
            tags.computeIfAbsent(service.name, n -> new TreeSet<>()).addAll(service.tags);
        }
        ObjectNode body = JSON.createObjectNode();
        tags.forEach((name, set) -> {
            ArrayNode list = body.putArray(name);
            set.forEach(list::add);
        });
        return body.toString();
    }

    private synchronized Answer register(JsonNode body) {
        if (away) {
            return new Answer(500, "No cluster leader", -1);
        }
        String name = body.path("Name").asText("");
        if (name.isEmpty()) {
            return new Answer(400, "Missing service name", -1);
        }
        Service service = new Service();
        service.name = name;
        service.id = body.path("ID").asText(name);
        service.address = body.path("Address").asText("");
        service.port = body.path("Port").asInt(0);
        List<String> tags = new ArrayList<>();
        body.path("Tags").forEach(t -> tags.add(t.asText()));
        service.tags = List.copyOf(tags);
        Map<String, String> meta = new HashMap<>();
        body.path("Meta").fields().forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
        service.meta = Map.copyOf(meta);
        JsonNode check = body.path("Check");
        if (check.isObject()) {
            service.checkId = check.path("CheckID").asText("service:" + service.id);
            service.ttl = check.has("TTL") ? parseDuration(check.get("TTL").asText()) : null;
            service.deregisterAfter = check.has("DeregisterCriticalServiceAfter")
                    ? parseDuration(check.get("DeregisterCriticalServiceAfter").asText()) : null;
            // agent/check.mdx: without Status a check starts critical.
            service.status = check.path("Status").asText("critical");
            service.deadlineNanos = service.ttl == null ? Long.MAX_VALUE : System.nanoTime() + service.ttl.toNanos();
            service.criticalSinceNanos = System.nanoTime();
        }
        Service was = services.get(service.id);
        service.createIndex = was == null ? index + 1 : was.createIndex;
        service.modifyIndex = ++index;
        services.put(service.id, service);
        agentCalls.add("register " + service.id);
        notifyAll();
        return new Answer(200, "", -1);
    }

    private synchronized Answer deregister(String id) {
        if (away) {
            return new Answer(500, "No cluster leader", -1);
        }
        agentCalls.add("deregister " + id);
        if (services.remove(id) != null) {
            index++;
            notifyAll();
        }
        return new Answer(200, "", -1);
    }

    private synchronized Answer check(String checkId, String verb) {
        if (away) {
            return new Answer(500, "No cluster leader", -1);
        }
        Service service = services.values().stream().filter(s -> checkId.equals(s.checkId)).findFirst().orElse(null);
        if (service == null) {
            return new Answer(404, "Unknown check ID \"" + checkId + "\"", -1);
        }
        agentCalls.add(verb + " " + checkId);
        String status = switch (verb) {
            case "pass" -> "passing";
            case "warn" -> "warning";
            default -> "critical";
        };
        if (service.ttl != null) {
            service.deadlineNanos = System.nanoTime() + service.ttl.toNanos();
        }
        setStatus(service, status);
        return new Answer(200, "", -1);
    }

    private void setStatus(Service service, String status) {
        if (!service.status.equals(status)) {
            if (status.equals("critical")) {
                service.criticalSinceNanos = System.nanoTime();
            }
            service.status = status;
            service.modifyIndex = ++index;
            notifyAll();
        }
    }

    private synchronized void reap() {
        long now = System.nanoTime();
        for (Service service : List.copyOf(services.values())) {
            if (service.ttl != null && !service.status.equals("critical") && now - service.deadlineNanos > 0) {
                setStatus(service, "critical");
            }
            if (service.deregisterAfter != null && service.status.equals("critical")
                    && now - service.criticalSinceNanos > service.deregisterAfter.toNanos()) {
                services.remove(service.id);
                index++;
                notifyAll();
            }
        }
    }

    /** Go's duration syntax as Consul reads it, the subset the courier writes: {@code 1m30s}, {@code 500ms}. */
    static Duration parseDuration(String text) {
        Matcher m = GO_DURATION.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalArgumentException("duration: " + text);
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end != text.length() || end == 0) {
            throw new IllegalArgumentException("duration: " + text);
        }
        return total;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(key, value);
        }
        return params;
    }

    @Override
    public void close() {
        reaper.shutdownNow();
        synchronized (this) {
            away = true;
            notifyAll();
        }
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
