package dev.concierge.courier.app.discovery;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.concierge.courier.sources.consul.ConsulLld;
import dev.concierge.courier.sources.dropwizard.DropwizardKind;
import dev.concierge.courier.sources.dropwizard.DropwizardMetricNames;
import dev.concierge.courier.sources.prometheus.PrometheusDiscovery;
import dev.concierge.courier.sources.prometheus.PrometheusParseResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one successful collect of a source told about its discoverable entities, as {@code courier run} keeps
 * it in {@code data_dir/discovery/<source>.json} for {@code courier discover --from}. One file per source:
 *
 * <pre>
 * {"courier_discovery":1,"source":"orders","type":"dropwizard","collected_at":"2025-05-01T10:00:00.123Z",
 *  "interval_ms":10000,"incomplete":null,"groups":{},
 *  "rows":[{"group":"timers","lld":{"{#TYPE}":"timer","{#NAME}":"app.requests"}}, ...]}
 * </pre>
 *
 * <ul>
 *   <li>{@code rows} hold every entity as its unfiltered LLD row, in output order, each with the
 *       {@code group} a filter selects on: the Dropwizard section ({@code timers}) for {@code --kind}, the
 *       Prometheus family for {@code --family}, the Consul service for {@code --service}.</li>
 *   <li>{@code incomplete} is null, or why the rows are not the whole list (a Prometheus exposition with
 *       malformed lines); such a snapshot answers nothing.</li>
 *   <li>{@code groups}, for Consul only: every watched service and whether its latest query answered. A
 *       service that is not current answers nothing, because its rows may miss instances.</li>
 * </ul>
 *
 * <p>Files are written whole to a temporary file beside the target and renamed over it, so a reader sees
 * the previous snapshot or the next, never half of one. They are not synced: they are rewritten at every
 * collect, and a file torn by a power loss is refused as malformed until the next one.
 *
 * @param source      the configured source name
 * @param type        the source type: {@code dropwizard}, {@code prometheus} or {@code consul}
 * @param collectedAt when the collect that produced it returned
 * @param interval    the source's collect interval, the unit of staleness
 * @param incomplete  null, or why the rows are not the complete list
 * @param groups      Consul: watched service to whether it is current; empty for other types
 * @param rows        every entity, in output order
 */
public record DiscoverySnapshot(String source, String type, Instant collectedAt, Duration interval, String incomplete,
                                Map<String, Boolean> groups, List<Row> rows) {
    /** The format version written in {@code courier_discovery}; a reader refuses any other. */
    public static final int VERSION = 1;
    /** The directory under {@code data_dir}. */
    public static final String DIRECTORY = "discovery";
    /** A snapshot older than this many intervals is stale, unless the reader says otherwise. */
    public static final int STALE_AFTER_INTERVALS = 3;

    private static final String TYPE_MACRO = "{#TYPE}";
    private static final String NAME_MACRO = "{#NAME}";

    /** One entity: the group a filter selects on, and its LLD row. */
    public record Row(String group, Map<String, String> lld) {
        public Row {
            Objects.requireNonNull(group, "group");
            lld = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(lld));
        }
    }

    public DiscoverySnapshot {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(collectedAt, "collectedAt");
        Objects.requireNonNull(interval, "interval");
        groups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        rows = List.copyOf(rows);
    }

    /** The snapshot of a Dropwizard document's metric names: every kind, in {@code DropwizardDiscovery} order. */
    public static DiscoverySnapshot ofDropwizard(String source, Instant at, Duration interval,
                                                 DropwizardMetricNames names) {
        List<Row> rows = new ArrayList<>();
        for (DropwizardKind kind : DropwizardKind.values()) {
            for (String name : names.of(kind)) {
                Map<String, String> lld = new LinkedHashMap<>();
                lld.put(TYPE_MACRO, kind.typeName());
                lld.put(NAME_MACRO, name);
                rows.add(new Row(kind.sectionName(), lld));
            }
        }
        return new DiscoverySnapshot(source, "dropwizard", at, interval, null, Map.of(), rows);
    }

    /** The snapshot of a Prometheus exposition; incomplete when it had malformed lines. */
    public static DiscoverySnapshot ofPrometheus(String source, Instant at, Duration interval,
                                                 PrometheusParseResult parsed) {
        String incomplete = null;
        List<Row> rows = new ArrayList<>();
        if (parsed.hasProblems()) {
            incomplete = parsed.problemCount() + " malformed lines in the last exposition, first: "
                    + parsed.problems().get(0);
        } else {
            for (PrometheusDiscovery.Series series : PrometheusDiscovery.series(parsed)) {
                rows.add(new Row(series.family(), series.row()));
            }
        }
        return new DiscoverySnapshot(source, "prometheus", at, interval, incomplete, Map.of(), rows);
    }

    /** The snapshot of a Consul source's watched services. */
    public static DiscoverySnapshot ofConsul(String source, Instant at, Duration interval,
                                             List<ConsulLld.Service> services) {
        Map<String, Boolean> groups = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        for (ConsulLld.Service service : services) {
            groups.put(service.name(), service.current());
            for (Map<String, String> row : service.rows()) {
                rows.add(new Row(service.name(), row));
            }
        }
        return new DiscoverySnapshot(source, "consul", at, interval, null, groups, rows);
    }

    /**
     * {@code dir/<source>.json}: the source name with every character outside {@code A-Za-z0-9._-} (and a
     * leading {@code .}) percent-encoded as UTF-8, so any configured name maps to one plain file name.
     */
    public static Path fileFor(Path dir, String source) {
        StringBuilder name = new StringBuilder(source.length() + 5);
        byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            boolean plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '-' || (c == '.' && i > 0);
            if (plain) {
                name.append((char) c);
            } else {
                name.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return dir.resolve(name.append(".json").toString());
    }

    /**
     * Deletes the snapshot of a source that no longer exists, so {@code courier discover --from} says there is
     * none instead of answering with what the source last found.
     *
     * @throws IOException when the file exists and cannot be deleted
     */
    public static void forget(Path dataDir, String source) throws IOException {
        Files.deleteIfExists(fileFor(dataDir.resolve(DIRECTORY), source));
    }

    /**
     * Why this snapshot must not be answered from, or null when it may. Stale means collected more than
     * {@code maxAge} before {@code now}: the source stopped collecting, or {@code courier run} stopped.
     *
     * @param services the Consul services asked for; empty for all of them
     */
    public String refusal(Instant now, Duration maxAge, Collection<String> services) {
        Duration age = Duration.between(collectedAt, now);
        if (age.compareTo(maxAge) > 0) {
            return "collected " + age.toSeconds() + " s ago by source " + source + " (expected: at most "
                    + maxAge.toSeconds() + " s; " + STALE_AFTER_INTERVALS + " intervals of " + interval.toMillis()
                    + " ms unless --max-age says otherwise); is courier run collecting it?";
        }
        if (incomplete != null) {
            return "source " + source + " has no complete list: " + incomplete;
        }
        for (String service : services) {
            if (!groups.containsKey(service)) {
                return "service " + service + " is not watched by source " + source + " (watched: "
                        + groups.keySet() + ")";
            }
        }
        for (Map.Entry<String, Boolean> group : groups.entrySet()) {
            if (!group.getValue() && (services.isEmpty() || services.contains(group.getKey()))) {
                return "service " + group.getKey() + " has no current answer from Consul in source " + source
                        + " (its last query failed or none answered yet)";
            }
        }
        return null;
    }

    /**
     * The LLD rows a filter selects, in order. At most one filter applies, the one matching {@link #type}.
     *
     * @param kind     Dropwizard: one kind, each row then carries the kind's own macro; null for every kind
     *                 with {@code {#TYPE}} and {@code {#NAME}}
     * @param family   Prometheus: the family or sample name to keep; null for every series
     * @param services Consul: the services to keep; empty for every service
     */
    public List<Map<String, String>> select(DropwizardKind kind, String family, Collection<String> services) {
        List<Map<String, String>> selected = new ArrayList<>();
        for (Row row : rows) {
            if (kind != null) {
                if (row.group().equals(kind.sectionName())) {
                    selected.add(Map.of(kind.macro(), row.lld().get(NAME_MACRO)));
                }
            } else if (family != null) {
                if (family.equals(row.group()) || family.equals(row.lld().get(NAME_MACRO))) {
                    selected.add(row.lld());
                }
            } else if (services.isEmpty() || services.contains(row.group())) {
                selected.add(row.lld());
            }
        }
        return selected;
    }

    /** The file's bytes: one line of JSON. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + rows.size() * 64);
        try (JsonGenerator json = LldJson.JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeNumberField("courier_discovery", VERSION);
            json.writeStringField("source", source);
            json.writeStringField("type", type);
            json.writeStringField("collected_at", collectedAt.toString());
            json.writeNumberField("interval_ms", interval.toMillis());
            json.writeStringField("incomplete", incomplete);
            json.writeObjectFieldStart("groups");
            for (Map.Entry<String, Boolean> group : groups.entrySet()) {
                json.writeBooleanField(group.getKey(), group.getValue());
            }
            json.writeEndObject();
            json.writeArrayFieldStart("rows");
            for (Row row : rows) {
                json.writeStartObject();
                json.writeStringField("group", row.group());
                json.writeObjectFieldStart("lld");
                for (Map.Entry<String, String> macro : row.lld().entrySet()) {
                    json.writeStringField(macro.getKey(), macro.getValue());
                }
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * Writes {@code file} atomically: the whole snapshot to {@code .<name>.tmp} beside it, then a rename over
     * it. Creates the directory when missing. One writer per file at a time.
     */
    public void writeAtomically(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temporary = dir.resolve("." + file.getFileName() + ".tmp");
        Files.write(temporary, toJson());
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads a snapshot file.
     *
     * @throws IOException when it cannot be read, or is not a complete snapshot of this {@link #VERSION}; the
     *                     message says what was wrong and where
     */
    public static DiscoverySnapshot read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try (JsonParser json = LldJson.JSON.createParser(bytes)) {
            return read(json);
        } catch (IOException | DateTimeParseException | IllegalArgumentException | NullPointerException e) {
            throw new IOException("not a discovery snapshot: " + e.getMessage(), e);
        }
    }

    private static DiscoverySnapshot read(JsonParser json) throws IOException {
        expect(json.nextToken(), JsonToken.START_OBJECT, json);
        int version = -1;
        String source = null;
        String type = null;
        Instant collectedAt = null;
        Duration interval = null;
        String incomplete = null;
        Map<String, Boolean> groups = new LinkedHashMap<>();
        List<Row> rows = new ArrayList<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            switch (field) {
                case "courier_discovery" -> version = json.getIntValue();
                case "source" -> source = json.getText();
                case "type" -> type = json.getText();
                case "collected_at" -> collectedAt = Instant.parse(json.getText());
                case "interval_ms" -> interval = Duration.ofMillis(json.getLongValue());
                case "incomplete" -> incomplete = value == JsonToken.VALUE_NULL ? null : json.getText();
                case "groups" -> {
                    expect(value, JsonToken.START_OBJECT, json);
                    while (json.nextToken() == JsonToken.FIELD_NAME) {
                        String name = json.currentName();
                        json.nextToken();
                        groups.put(name, json.getBooleanValue());
                    }
                }
                case "rows" -> {
                    expect(value, JsonToken.START_ARRAY, json);
                    while (json.nextToken() == JsonToken.START_OBJECT) {
                        rows.add(readRow(json));
                    }
                }
                default -> json.skipChildren();
            }
        }
        if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
            throw new IOException("trailing content at " + json.currentLocation());
        }
        if (version != VERSION) {
            throw new IOException("courier_discovery: " + version + " (expected: " + VERSION + ")");
        }
        return new DiscoverySnapshot(source, type, collectedAt, interval, incomplete, groups, rows);
    }

    private static Row readRow(JsonParser json) throws IOException {
        String group = null;
        Map<String, String> lld = new LinkedHashMap<>();
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken value = json.nextToken();
            if (field.equals("group")) {
                group = json.getText();
            } else if (field.equals("lld")) {
                expect(value, JsonToken.START_OBJECT, json);
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String macro = json.currentName();
                    json.nextToken();
                    lld.put(macro, json.getText());
                }
            } else {
                json.skipChildren();
            }
        }
        return new Row(group, lld);
    }

    private static void expect(JsonToken actual, JsonToken expected, JsonParser json) throws IOException {
        if (actual != expected) {
            throw new IOException(actual + " at " + json.currentLocation() + " (expected: " + expected + ")");
        }
    }
}
