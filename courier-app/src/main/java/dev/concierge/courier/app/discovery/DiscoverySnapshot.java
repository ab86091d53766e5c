package dev.concierge.courier.app.discovery;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.concierge.courier.core.ledger.OwnerOnlyFiles;
import dev.concierge.courier.core.spi.LldRow;
import dev.concierge.courier.core.spi.LldRows;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
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
 * <p>It is what the source's {@link dev.concierge.courier.core.spi.LldDiscoverable} ability answered
 * ({@link LldRows}), whatever the source's type:
 * <ul>
 *   <li>{@code rows} hold every entity as its unfiltered LLD row, in output order, each with the
 *       {@code group} a filter selects on: the Dropwizard section ({@code timers}) for {@code --kind}, the
 *       Prometheus family for {@code --family}, the Consul service for {@code --service}.</li>
 *   <li>{@code incomplete} is null, or why the rows are not the whole list (a Prometheus exposition with
 *       malformed lines); such a snapshot answers nothing.</li>
 *   <li>{@code groups}, for sources answered group by group (Consul): every group (watched service) and
 *       whether its latest answer is current. A group that is not current answers nothing, because its rows
 *       may miss entities.</li>
 *   <li>{@code "discovers":false}, written only then, marks a source whose type has no discovery ability:
 *       it answers nothing, and says so. It also carries an {@code incomplete} reason, so that a reader
 *       that does not know the field refuses it too, rather than printing {@code []}.</li>
 * </ul>
 *
 * <p>Files are written whole to a temporary file beside the target and renamed over it, so a reader sees
 * the previous snapshot or the next, never half of one. They are not synced: a file torn by a power loss is
 * refused as malformed until the next write. A file is rewritten only when its content changed;
 * a collect that found the same rows moves the file's modification time forward instead ({@link #confirm}),
 * so {@code collected_at} is when the content was first found and the later of it and the modification time
 * is when a collect last found it, which is what {@link #read} returns as {@link #collectedAt()}.
 *
 * @param source      the configured source name
 * @param type        the source's configured type: {@code dropwizard}, {@code prometheus}, {@code consul}...
 * @param collectedAt when a collect last found these rows: as written, the collect that produced them; as read,
 *                    the later of that and the file's modification time
 * @param interval    the source's collect interval, the unit of staleness
 * @param incomplete  null, or why the rows are not the complete list
 * @param groups      group to whether its answer is current, for sources answered group by group; else empty
 * @param rows        every entity, in output order
 * @param discovers   false when the source's type has no discovery ability; then there are no rows
 */
public record DiscoverySnapshot(String source, String type, Instant collectedAt, Duration interval, String incomplete,
                                Map<String, Boolean> groups, List<LldRow> rows, boolean discovers) {
    /** The format version written in {@code courier_discovery}; a reader refuses any other. */
    public static final int VERSION = 1;
    /** The directory under {@code data_dir}. */
    public static final String DIRECTORY = "discovery";
    /** A snapshot older than this many intervals is stale, unless the reader says otherwise. */
    public static final int STALE_AFTER_INTERVALS = 3;

    private static final JsonFactory JSON = new JsonFactory();

    public DiscoverySnapshot {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(collectedAt, "collectedAt");
        Objects.requireNonNull(interval, "interval");
        groups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        rows = List.copyOf(rows);
    }

    /** The snapshot of what a source's discovery ability answered at {@code at}. */
    public static DiscoverySnapshot of(String source, String type, Instant at, Duration interval, LldRows rows) {
        return new DiscoverySnapshot(source, type, at, interval, rows.incomplete(), rows.groups(), rows.rows(), true);
    }

    /** The snapshot of a source whose type has no discovery ability: no rows, and a refusal that says so. */
    public static DiscoverySnapshot withoutDiscovery(String source, String type, Instant at, Duration interval) {
        return new DiscoverySnapshot(source, type, at, interval, "source " + source + " of type " + type
                + " has no discovery", Map.of(), List.of(), false);
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
        if (!discovers) {
            return "source " + source + " lists no LLD rows: its type, " + type + ", has no discovery";
        }
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

    /** The file's bytes: one line of JSON. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + rows.size() * 64);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
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
            for (LldRow row : rows) {
                json.writeStartObject();
                json.writeStringField("group", row.group());
                json.writeObjectFieldStart("lld");
                for (Map.Entry<String, String> macro : row.macros().entrySet()) {
                    json.writeStringField(macro.getKey(), macro.getValue());
                }
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
            if (!discovers) {
                json.writeBooleanField("discovers", false);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * Writes {@code file} atomically: the whole snapshot to {@code .<name>.tmp} beside it, its modification time
     * set to {@link #collectedAt()}, then a rename over it. Creates the directory when missing. One writer per
     * file at a time.
     */
    public void writeAtomically(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        OwnerOnlyFiles.createDirectories(dir);
        Path temporary = dir.resolve("." + file.getFileName() + ".tmp");
        OwnerOnlyFiles.write(temporary, toJson());
        // The modification time says when a collect last found these rows (confirm, read): now, collectedAt.
        Files.setLastModifiedTime(temporary, FileTime.from(collectedAt));
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Marks the snapshot in {@code file} as found again by a collect at {@code at}, without rewriting it: its
     * modification time becomes {@code at}, which {@link #read} takes as {@link #collectedAt()} when it is later
     * than {@code collected_at}. One syscall, where a rewrite is the whole file.
     *
     * @return false when there is no such file (removed behind the courier's back): write it whole instead
     * @throws IOException when the file exists and its time cannot be set
     */
    public static boolean confirm(Path file, Instant at) throws IOException {
        try {
            Files.setLastModifiedTime(file, FileTime.from(at));
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Reads a snapshot file. Its {@link #collectedAt()} is the later of {@code collected_at} and the file's
     * modification time ({@link #confirm}).
     *
     * @throws IOException when it cannot be read, or is not a complete snapshot of this {@link #VERSION}; the
     *                     message says what was wrong and where
     */
    public static DiscoverySnapshot read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Instant modified = Files.getLastModifiedTime(file).toInstant();
        DiscoverySnapshot written;
        try (JsonParser json = JSON.createParser(bytes)) {
            written = read(json);
        } catch (IOException | DateTimeParseException | IllegalArgumentException | NullPointerException e) {
            throw new IOException("not a discovery snapshot: " + e.getMessage(), e);
        }
        if (!modified.isAfter(written.collectedAt)) {
            return written;
        }
        return new DiscoverySnapshot(written.source, written.type, modified, written.interval, written.incomplete,
                written.groups, written.rows, written.discovers);
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
        List<LldRow> rows = new ArrayList<>();
        boolean discovers = true;
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
                case "discovers" -> discovers = json.getBooleanValue();
                default -> json.skipChildren();
            }
        }
        if (json.currentToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
            throw new IOException("trailing content at " + json.currentLocation());
        }
        if (version != VERSION) {
            throw new IOException("courier_discovery: " + version + " (expected: " + VERSION + ")");
        }
        return new DiscoverySnapshot(source, type, collectedAt, interval, incomplete, groups, rows, discovers);
    }

    private static LldRow readRow(JsonParser json) throws IOException {
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
        return new LldRow(group, lld);
    }

    private static void expect(JsonToken actual, JsonToken expected, JsonParser json) throws IOException {
        if (actual != expected) {
            throw new IOException(actual + " at " + json.currentLocation() + " (expected: " + expected + ")");
        }
    }
}
