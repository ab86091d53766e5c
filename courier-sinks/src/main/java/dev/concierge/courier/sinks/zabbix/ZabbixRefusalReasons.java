package dev.concierge.courier.sinks.zabbix;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Why Zabbix refused values. A trapper answers only {@code failed: N}; after a frame with failures the sink
 * asks the JSON-RPC API about its host and keys ({@code host.get}, {@code item.get}) and names, per value,
 * what Zabbix's trapper checks would refuse: no such host, a host not monitored, no such item, an item
 * disabled, not a trapper item, a value of the wrong type for the item. The last is named even though 6.0's
 * trapper counts such a value processed: its preprocessing refuses it afterwards and the item turns
 * unsupported, so it is stored nowhere. A value the API finds nothing against gets no reason (the trapper's allowed hosts, or a host monitored by a proxy, are not asked).
 *
 * <p><b>Authentication.</b> Zabbix 6.0 takes the token in the request's {@code auth} field; 7.2 refuses that
 * field and wants an {@code Authorization: Bearer} header, which 6.4 and later accept. The version is asked
 * once ({@code apiinfo.version}, without authentication) and decides which.
 *
 * <p><b>Cache.</b> Answers are kept for {@link #CACHE_FOR}, per host and per host and key, so a frame that
 * keeps failing costs no API call. Lookups never fail the batch: an API that cannot be reached gives no
 * reasons, and the outcome says so.
 *
 * <p>Thread-safe; {@link #reasons} does not block (the JDK {@link HttpClient} runs the calls).
 */
final class ZabbixRefusalReasons {
    /** How long a host's or an item's answer is reused. */
    static final Duration CACHE_FOR = Duration.ofMinutes(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern FLOAT = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    private static final Pattern UNSIGNED = Pattern.compile("\\+?[0-9]+");

    private final ZabbixApiConfig api;
    private final HttpClient http;
    private final Clock clock;
    private final Map<String, Cached<Map<String, String>>> hosts = new ConcurrentHashMap<>();
    private final Map<String, Cached<Map<String, String>>> items = new ConcurrentHashMap<>(); // hostid + key
    private volatile CompletableFuture<Boolean> bearer; // true: Authorization header; false: auth field

    private record Cached<T>(T value, Instant until) {
    }

    ZabbixRefusalReasons(ZabbixApiConfig api, Clock clock) {
        this.api = api;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /**
     * The reason for each of {@code rows} (one host's frame) that Zabbix's checks would refuse; rows without
     * one are left out. Completes normally; when the API fails, with one entry under the key {@code null}
     * saying why.
     */
    CompletableFuture<Map<Row, String>> reasons(List<Row> rows) {
        String host = rows.get(0).host();
        return host(host).thenCompose(found -> {
            Map<Row, String> reasons = new LinkedHashMap<>();
            if (found == null) {
                rows.forEach(row -> reasons.put(row, "no such host"));
                return CompletableFuture.completedFuture(reasons);
            }
            if (!"0".equals(found.get("status"))) {
                rows.forEach(row -> reasons.put(row, "host not monitored"));
                return CompletableFuture.completedFuture(reasons);
            }
            Set<String> keys = new LinkedHashSet<>();
            rows.forEach(row -> keys.add(row.key()));
            return items(found.get("hostid"), keys).thenApply(byKey -> {
                for (Row row : rows) {
                    String reason = itemReason(byKey.get(row.key()), row.value());
                    if (reason != null) {
                        reasons.put(row, reason);
                    }
                }
                return reasons;
            });
        }).exceptionally(e -> {
            Map<Row, String> failed = new HashMap<>();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            failed.put(null, "API " + api.url() + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            return failed;
        });
    }

    /** Zabbix's trapper checks, in its order, for one value against its item (null = no item). */
    static String itemReason(Map<String, String> item, String value) {
        if (item == null) {
            return "no such item";
        }
        if (!"0".equals(item.get("status"))) {
            return "item disabled";
        }
        if (!"2".equals(item.get("type"))) {
            return "not a trapper item (item type " + item.get("type") + ")";
        }
        String type = item.get("value_type");
        if ("0".equals(type) && !FLOAT.matcher(value.strip()).matches()) {
            return "value of the wrong type (the item takes numbers (float))";
        }
        if ("3".equals(type) && !UNSIGNED.matcher(value.strip()).matches()) {
            return "value of the wrong type (the item takes numbers (unsigned))";
        }
        return null;
    }

    private CompletableFuture<Map<String, String>> host(String host) {
        Cached<Map<String, String>> cached = hosts.get(host);
        if (cached != null && clock.instant().isBefore(cached.until())) {
            return CompletableFuture.completedFuture(cached.value());
        }
        return call("host.get", g -> {
            g.writeArrayFieldStart("output");
            g.writeString("hostid");
            g.writeString("host");
            g.writeString("status");
            g.writeEndArray();
            g.writeObjectFieldStart("filter");
            g.writeArrayFieldStart("host");
            g.writeString(host);
            g.writeEndArray();
            g.writeEndObject();
        }).thenApply(result -> {
            Map<String, String> found = result.isEmpty() ? null : result.get(0);
            hosts.put(host, new Cached<>(found, clock.instant().plus(CACHE_FOR)));
            return found;
        });
    }

    private CompletableFuture<Map<String, Map<String, String>>> items(String hostId, Set<String> keys) {
        Map<String, Map<String, String>> byKey = new HashMap<>();
        List<String> missing = new ArrayList<>();
        Instant now = clock.instant();
        for (String key : keys) {
            Cached<Map<String, String>> cached = items.get(hostId + '\0' + key);
            if (cached != null && now.isBefore(cached.until())) {
                byKey.put(key, cached.value());
            } else {
                missing.add(key);
            }
        }
        if (missing.isEmpty()) {
            return CompletableFuture.completedFuture(byKey);
        }
        return call("item.get", g -> {
            g.writeArrayFieldStart("output");
            for (String field : List.of("itemid", "key_", "status", "type", "value_type")) {
                g.writeString(field);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("hostids");
            g.writeString(hostId);
            g.writeEndArray();
            g.writeObjectFieldStart("filter");
            g.writeArrayFieldStart("key_");
            for (String key : missing) {
                g.writeString(key);
            }
            g.writeEndArray();
            g.writeEndObject();
        }).thenApply(result -> {
            Map<String, Map<String, String>> found = new HashMap<>();
            for (Map<String, String> item : result) {
                found.put(item.get("key_"), item);
            }
            Instant until = clock.instant().plus(CACHE_FOR);
            for (String key : missing) {
                items.put(hostId + '\0' + key, new Cached<>(found.get(key), until));
                byKey.put(key, found.get(key));
            }
            return byKey;
        });
    }

    @FunctionalInterface
    private interface Params {
        void write(JsonGenerator g) throws IOException;
    }

    /** One authenticated call; completes with its {@code result} array, each object's scalar fields. */
    private CompletableFuture<List<Map<String, String>>> call(String method, Params params) {
        return bearer().thenCompose(header -> {
            byte[] body = request(method, params, header ? null : api.token().reveal());
            HttpRequest.Builder request = HttpRequest.newBuilder(api.url()).timeout(TIMEOUT)
                    .header("Content-Type", "application/json-rpc")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (header) {
                request.header("Authorization", "Bearer " + api.token().reveal());
            }
            return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                    .thenApply(response -> results(method, response));
        });
    }

    /** Whether to send the token as a header: Zabbix 6.4 and later take it, 7.2 requires it. */
    private CompletableFuture<Boolean> bearer() {
        CompletableFuture<Boolean> known = bearer;
        if (known != null && !known.isCompletedExceptionally()) {
            return known;
        }
        byte[] body = request("apiinfo.version", g -> { }, null);
        CompletableFuture<Boolean> asked = http.sendAsync(HttpRequest.newBuilder(api.url()).timeout(TIMEOUT)
                        .header("Content-Type", "application/json-rpc")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
                    String version = version(response);
                    String[] parts = version.split("\\.");
                    int major = Integer.parseInt(parts[0]);
                    int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
                    return major > 6 || major == 6 && minor >= 4;
                });
        bearer = asked;
        return asked;
    }

    private static byte[] request(String method, Params params, String auth) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("jsonrpc", "2.0");
            g.writeStringField("method", method);
            if (method.equals("apiinfo.version")) {
                g.writeArrayFieldStart("params"); // 6.0 wants no auth here, and params as an array or object
                g.writeEndArray();
            } else {
                g.writeObjectFieldStart("params");
                params.write(g);
                g.writeEndObject();
            }
            if (auth != null) {
                g.writeStringField("auth", auth);
            }
            g.writeNumberField("id", 1);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String version(HttpResponse<byte[]> response) {
        try (JsonParser p = JSON.createParser(response.body())) {
            String result = null;
            String error = null;
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("apiinfo.version: HTTP " + response.statusCode() + ", not JSON-RPC");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                if (field.equals("result") && token == JsonToken.VALUE_STRING) {
                    result = p.getText();
                } else if (field.equals("error")) {
                    error = errorText(p, token);
                } else {
                    p.skipChildren();
                }
            }
            if (result == null) {
                throw new IllegalStateException("apiinfo.version: " + (error == null ? "no result" : error));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Map<String, String>> results(String method, HttpResponse<byte[]> response) {
        List<Map<String, String>> objects = new ArrayList<>();
        String error = null;
        boolean sawResult = false;
        try (JsonParser p = JSON.createParser(response.body())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException(method + ": HTTP " + response.statusCode() + ", not JSON-RPC");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                if (field.equals("result") && token == JsonToken.START_ARRAY) {
                    sawResult = true;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        Map<String, String> object = new HashMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            JsonToken value = p.nextToken();
                            if (value.isScalarValue()) {
                                object.put(name, p.getText());
                            } else {
                                p.skipChildren();
                            }
                        }
                        objects.add(object);
                    }
                } else if (field.equals("error")) {
                    error = errorText(p, token);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!sawResult) {
            throw new IllegalStateException(method + ": " + (error == null ? "no result" : error));
        }
        return objects;
    }

    /** {@code message data} of a JSON-RPC error object the parser stands at. */
    private static String errorText(JsonParser p, JsonToken token) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            p.skipChildren();
            return "error";
        }
        String message = "";
        String data = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("message") && value.isScalarValue()) {
                message = p.getText();
            } else if (name.equals("data") && value.isScalarValue()) {
                data = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return (message + " " + data).strip();
    }
}
