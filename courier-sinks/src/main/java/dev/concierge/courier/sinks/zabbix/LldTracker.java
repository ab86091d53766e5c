package dev.concierge.courier.sinks.zabbix;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.concierge.courier.core.ledger.OwnerOnlyFiles;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.LldJson;
import dev.concierge.courier.sinks.zabbix.client.ZabbixSenderRequest.Row;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one Zabbix sink has discovered: per host and discovery rule ({@link LldSeries}), the set of entities
 * seen in the samples passing through, and when each set was last sent.
 *
 * <ul>
 *   <li><b>Complete sets only.</b> An LLD value replaces the previous one (PROTOCOLS.md §2.3), so a value
 *       always lists every entity of the rule seen within {@code forget_after}, never just a batch's.</li>
 *   <li><b>Resend policy.</b> A rule's value is sent when its content (SHA-256 of the JSON) differs from the
 *       last one the server processed, and at most once per {@code min_interval}; a value the server
 *       counted as failed (no such trapper rule on the host) is tried again after {@code min_interval}.</li>
 *   <li><b>Restarts.</b> With a state file, the last value processed per rule and its time survive a
 *       restart: the sets start from those values, so an unchanged set is not sent again and a changed one
 *       still waits out {@code min_interval} from the last send. Without one, every rule is sent once more.</li>
 *   <li><b>Forgetting.</b> An entity not seen for {@code forget_after} leaves the set, which is then sent
 *       (an empty set as {@code []}, after which the rule is dropped).</li>
 *   <li><b>New series.</b> A row is new while its entity has not been in a processed value, or was first
 *       in one less than {@code hold} ago: Zabbix has no item for it until its configuration cache syncs.</li>
 * </ul>
 *
 * <p>Threads: {@link #observe} and {@link #isNew} run on the pipeline thread that calls the sink, the
 * {@code sent}/{@code refused}/{@code unanswered} callbacks on the sink's event loop; every method locks
 * the tracker. The state file is written on the pipeline thread, after a value was processed.
 */
final class LldTracker {
    private static final Logger LOG = LoggerFactory.getLogger(LldTracker.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final int STATE_VERSION = 1;

    /**
     * One LLD value to send ahead of the batch's values.
     *
     * @param host    the host whose rule it is for
     * @param ruleKey the trapper discovery rule's key
     * @param value   the complete set, as 4.2+ LLD JSON
     */
    record Due(String host, String ruleKey, String value, String hash, List<Entity> entities) {
    }

    /** One discovered entity: one LLD row. */
    static final class Entity {
        final Rule rule;
        final String id; // the LLD row as JSON; the set is ordered by it
        Instant lastSeen;
        Instant sentAt; // first processed in a value at; null while never

        Entity(Rule rule, String id, Instant lastSeen, Instant sentAt) {
            this.rule = rule;
            this.id = id;
            this.lastSeen = lastSeen;
            this.sentAt = sentAt;
        }
    }

    static final class Rule {
        final String host;
        final String key;
        final TreeMap<String, Entity> entities = new TreeMap<>();
        String sentHash;
        String sentValue;
        Instant lastAttempt;
        boolean changed;
        boolean refused;
        boolean inFlight;
        boolean warned;

        Rule(String host, String key) {
            this.host = host;
            this.key = key;
        }
    }

    private final String sink;
    private final ZabbixDiscoveryConfig config;
    private final Map<String, Rule> rules = new LinkedHashMap<>(); // host \0 rule key
    private final Map<String, Entity> byItem = new HashMap<>(); // host \0 item key
    private final AtomicLong valuesSent = new AtomicLong();
    private final AtomicLong valuesRefused = new AtomicLong();
    private Instant nextPrune;
    private boolean stateDirty;

    LldTracker(String sink, ZabbixDiscoveryConfig config, Instant now) {
        this.sink = sink;
        this.config = config;
        this.nextPrune = now.plus(config.minInterval());
        if (config.stateFile() != null) {
            load(config.stateFile(), now);
        }
    }

    /** LLD values the server processed since the sink started. */
    long valuesSent() {
        return valuesSent.get();
    }

    /** LLD values the server counted as failed or refused: the host lacks the rule. */
    long valuesRefused() {
        return valuesRefused.get();
    }

    /**
     * Takes note of the series of {@code samples} (sent as {@code rows}, at the same index) and returns the
     * complete values of every rule that is due now. A returned value is in flight until one of
     * {@link #sent}, {@link #refused} or {@link #unanswered} is called for it.
     */
    synchronized List<Due> observe(List<Sample> samples, List<Row> rows, Instant now) {
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            String item = row.host() + '\0' + row.key();
            Entity entity = byItem.get(item);
            if (entity == null || !entity.rule.entities.containsKey(entity.id)) {
                entity = entityOf(row.host(), LldSeries.of(samples.get(i)), now);
                byItem.put(item, entity);
            }
            entity.lastSeen = now;
        }
        if (!now.isBefore(nextPrune)) {
            prune(now);
            nextPrune = now.plus(config.minInterval());
        }
        List<Due> due = new ArrayList<>();
        for (Rule rule : rules.values()) {
            if ((!rule.changed && !rule.refused) || rule.inFlight
                    || (rule.lastAttempt != null && now.isBefore(rule.lastAttempt.plus(config.minInterval())))) {
                continue;
            }
            rule.changed = false;
            String value = LldJson.ofRowObjects(rule.entities.keySet(), LldJson.Format.ARRAY);
            String hash = sha256(value);
            if (hash.equals(rule.sentHash) && !rule.refused) {
                continue;
            }
            rule.inFlight = true;
            due.add(new Due(rule.host, rule.key, value, hash, List.copyOf(rule.entities.values())));
        }
        if (stateDirty) {
            stateDirty = false;
            save();
        }
        return due;
    }

    /** True when {@code row}'s item may not exist yet: see the class comment. */
    synchronized boolean isNew(Row row, Instant now) {
        Entity entity = byItem.get(row.host() + '\0' + row.key());
        if (entity == null || entity.rule.refused) {
            return false;
        }
        return entity.sentAt == null || now.isBefore(entity.sentAt.plus(config.hold()));
    }

    /** The server processed {@code due}. */
    synchronized void sent(Due due, Instant at) {
        Rule rule = rules.get(due.host() + '\0' + due.ruleKey());
        valuesSent.incrementAndGet();
        LOG.debug("Zabbix sink {}: discovery {} for host {}: {} entities sent", sink, due.ruleKey(), due.host(),
                due.entities().size());
        if (rule == null) {
            return;
        }
        rule.inFlight = false;
        rule.refused = false;
        rule.warned = false;
        rule.lastAttempt = at;
        rule.sentHash = due.hash();
        rule.sentValue = due.value();
        for (Entity entity : due.entities()) {
            if (entity.sentAt == null) {
                entity.sentAt = at;
            }
        }
        if (rule.entities.isEmpty() && !rule.changed) {
            rules.remove(due.host() + '\0' + due.ruleKey());
        }
        stateDirty = true;
    }

    /** The server counted {@code due} as failed, or refused its frame: the host has no such trapper rule. */
    synchronized void refused(Due due, Instant at, String detail) {
        valuesRefused.incrementAndGet();
        Rule rule = rules.get(due.host() + '\0' + due.ruleKey());
        if (rule == null) {
            return;
        }
        rule.inFlight = false;
        rule.refused = true;
        rule.lastAttempt = at;
        if (!rule.warned) {
            rule.warned = true;
            LOG.warn("Zabbix sink {}: host {} took no discovery value for {} ({}): link the Concierge Courier "
                            + "template or create a trapper discovery rule with that key; trying again every {}",
                    sink, due.host(), due.ruleKey(), detail, config.minInterval());
        } else {
            LOG.debug("Zabbix sink {}: host {} still takes no discovery value for {}", sink, due.host(),
                    due.ruleKey());
        }
    }

    /** The frame carrying {@code due} had no trustworthy answer; it is due again at the next batch. */
    synchronized void unanswered(Due due) {
        Rule rule = rules.get(due.host() + '\0' + due.ruleKey());
        if (rule != null) {
            rule.inFlight = false;
            rule.changed = true;
        }
    }

    /** Writes the state file if a value was processed since it was last written. */
    synchronized void flush() {
        if (stateDirty) {
            stateDirty = false;
            save();
        }
    }

    private Entity entityOf(String host, LldSeries series, Instant now) {
        Rule rule = rules.computeIfAbsent(host + '\0' + series.ruleKey(), k -> new Rule(host, series.ruleKey()));
        String id = LldJson.row(series.macros());
        Entity entity = rule.entities.get(id);
        if (entity == null) {
            entity = new Entity(rule, id, now, null);
            rule.entities.put(id, entity);
            rule.changed = true;
        }
        return entity;
    }

    private void prune(Instant now) {
        Instant cutoff = now.minus(config.forgetAfter());
        int forgotten = 0;
        for (Rule rule : rules.values()) {
            Iterator<Entity> it = rule.entities.values().iterator();
            while (it.hasNext()) {
                if (it.next().lastSeen.isBefore(cutoff)) {
                    it.remove();
                    rule.changed = true;
                    forgotten++;
                }
            }
        }
        if (forgotten > 0) {
            byItem.values().removeIf(e -> e.rule.entities.get(e.id) != e);
            LOG.info("Zabbix sink {}: {} discovered series not seen for {} leave discovery", sink, forgotten,
                    config.forgetAfter());
        }
    }

    static String sha256(String value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    // {"version":1,"rules":[{"host":..,"key":..,"sent_at":<epoch ms>,"value":"[...]"}]}: the last value the
    // server processed per rule. Written to a temporary file and moved over the old one.
    private void save() {
        Path file = config.stateFile();
        if (file == null) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = JSON.createGenerator((OutputStream) bytes, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("version", STATE_VERSION);
            g.writeArrayFieldStart("rules");
            for (Rule rule : rules.values()) {
                if (rule.sentValue == null) {
                    continue;
                }
                g.writeStartObject();
                g.writeStringField("host", rule.host);
                g.writeStringField("key", rule.key);
                g.writeNumberField("sent_at", rule.lastAttempt.toEpochMilli());
                g.writeStringField("value", rule.sentValue);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            OwnerOnlyFiles.createDirectories(file.toAbsolutePath().getParent());
            OwnerOnlyFiles.write(temp, bytes.toByteArray());
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.warn("Zabbix sink {}: cannot write discovery state {}: {}; after a restart every discovery "
                    + "value is sent once more", sink, file, e.toString());
        }
    }

    private void load(Path file, Instant now) {
        if (!Files.exists(file)) {
            return;
        }
        int loaded = 0;
        try (JsonParser p = JSON.createParser(file.toFile())) {
            expect(p.nextToken() == JsonToken.START_OBJECT, "an object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                if (field.equals("version")) {
                    expect(p.getIntValue() == STATE_VERSION, "version " + STATE_VERSION);
                } else if (field.equals("rules")) {
                    expect(token == JsonToken.START_ARRAY, "rules as an array");
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        loadRule(p, now);
                        loaded++;
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            rules.clear();
            LOG.warn("Zabbix sink {}: discovery state {} unreadable ({}); every discovery value is sent once more",
                    sink, file, e.toString());
            return;
        }
        LOG.info("Zabbix sink {}: discovery state of {} rules read from {}", sink, loaded, file);
    }

    private void loadRule(JsonParser p, Instant now) throws IOException {
        String host = null;
        String key = null;
        String value = null;
        long sentAt = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "host" -> host = p.getValueAsString();
                case "key" -> key = p.getValueAsString();
                case "value" -> value = p.getValueAsString();
                case "sent_at" -> sentAt = p.getLongValue();
                default -> p.skipChildren();
            }
        }
        expect(host != null && key != null && value != null && sentAt >= 0, "host, key, value and sent_at");
        Rule rule = new Rule(host, key);
        rule.lastAttempt = Instant.ofEpochMilli(sentAt);
        rule.sentValue = value;
        rule.sentHash = sha256(value);
        try (JsonParser lld = JSON.createParser(value)) {
            expect(lld.nextToken() == JsonToken.START_ARRAY, "value as an LLD array");
            while (lld.nextToken() == JsonToken.START_OBJECT) {
                Map<String, String> macros = new LinkedHashMap<>();
                while (lld.nextToken() == JsonToken.FIELD_NAME) {
                    String macro = lld.currentName();
                    lld.nextToken();
                    macros.put(macro, lld.getValueAsString());
                }
                String id = LldJson.row(macros);
                rule.entities.put(id, new Entity(rule, id, now, rule.lastAttempt));
            }
        }
        rules.put(host + '\0' + key, rule);
    }

    private static void expect(boolean condition, String what) {
        if (!condition) {
            throw new IllegalArgumentException("expected " + what);
        }
    }
}
