package dev.concierge.courier.app.config;

import dev.concierge.courier.core.settings.InvalidValueException;
import dev.concierge.courier.core.settings.HostPort;
import dev.concierge.courier.core.settings.DurationSyntax;
import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.spi.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One node of a parsed configuration: a mapping, a list or a scalar, which knows its path
 * ({@code sinks[0].server}) and where it was written ({@code courier.yaml:12:13}).
 *
 * <p>Scalars are text, already interpolated from the environment; the typed readers decide what the text
 * means, so {@code port: 10051} and {@code port: "10051"} read the same. A scalar written as YAML null
 * ({@code key:}, {@code key: ~}, {@code key: null}) counts as absent.
 *
 * <p>The typed readers ({@code requiredString}, {@code optionalDuration}, ...) each read one key of a
 * mapping and record a problem in {@link ConfigProblems} instead of throwing, so a binder reads its whole
 * section in one pass and the operator sees every mistake at once:
 * <ul>
 *   <li>{@code requiredX} returns null when the key is missing, null or invalid, a problem having been
 *       recorded;</li>
 *   <li>{@code optionalX} takes the same arguments plus a default, and returns the default when the key is
 *       absent or null, and also when the value is invalid, again with a problem recorded;</li>
 *   <li>{@link #expectKeys} reports every key the binder does not know, so a typo never passes silently.</li>
 * </ul>
 * Compare {@link ConfigProblems#count()} before and after reading a section to know whether its values are
 * all usable. Reading from a node that is not a mapping is reported once, however many keys are read.
 *
 * <p>Immutable and thread-safe. The raw accessors other than {@link #text()} never throw on a node of the
 * wrong kind; they answer empty, and the typed readers turn the mismatch into a problem.
 */
public final class ConfigNode {
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,10}");
    private static final String BOOLEAN = "true or false";
    private static final String URL = "an http or https URL such as https://example.com/api";
    private static final String SECRET = "a non-empty secret, such as ${ZBX_PSK} taken from the environment";

    /** What a node holds. */
    public enum Kind { MAPPING, LIST, SCALAR }

    /** A mapping entry: where its key was written, and its value. */
    record Entry(SourcePosition keyPosition, ConfigNode value) {
    }

    private final Kind kind;
    private final String path;
    private final SourcePosition position;
    private final Map<String, Entry> entries;
    private final List<ConfigNode> elements;
    private final String text;
    private final boolean isNull;

    private ConfigNode(Kind kind, String path, SourcePosition position, Map<String, Entry> entries,
                       List<ConfigNode> elements, String text, boolean isNull) {
        this.kind = kind;
        this.path = Objects.requireNonNull(path, "path");
        this.position = Objects.requireNonNull(position, "position");
        this.entries = entries;
        this.elements = elements;
        this.text = text;
        this.isNull = isNull;
    }

    /** @param entries in document order; copied */
    static ConfigNode mapping(String path, SourcePosition position, Map<String, Entry> entries) {
        return new ConfigNode(Kind.MAPPING, path, position,
                Collections.unmodifiableMap(new LinkedHashMap<>(entries)), List.of(), null, false);
    }

    static ConfigNode list(String path, SourcePosition position, List<ConfigNode> elements) {
        return new ConfigNode(Kind.LIST, path, position, Map.of(), List.copyOf(elements), null, false);
    }

    static ConfigNode scalar(String path, SourcePosition position, String text) {
        return new ConfigNode(Kind.SCALAR, path, position, Map.of(), List.of(),
                Objects.requireNonNull(text, "text"), false);
    }

    static ConfigNode nullScalar(String path, SourcePosition position) {
        return new ConfigNode(Kind.SCALAR, path, position, Map.of(), List.of(), "", true);
    }

    /** The path of {@code key} under {@code parent}: {@code a.b}, or {@code a["odd.key"]} when it needs quoting. */
    static String childPath(String parent, String key) {
        if (!PLAIN_KEY.matcher(key).matches()) {
            return parent + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
        }
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** The path of the element at {@code index} under {@code parent}: {@code sinks[0]}. */
    static String elementPath(String parent, int index) {
        return parent + "[" + index + "]";
    }

    public Kind kind() {
        return kind;
    }

    /** Where this node sits in the document, such as {@code sinks[0].server}; empty for the document itself. */
    public String path() {
        return path;
    }

    /** Where this node starts in its source. */
    public SourcePosition position() {
        return position;
    }

    public boolean isMapping() {
        return kind == Kind.MAPPING;
    }

    public boolean isList() {
        return kind == Kind.LIST;
    }

    public boolean isScalar() {
        return kind == Kind.SCALAR;
    }

    /** True for a scalar written as YAML null: an empty value, {@code ~} or {@code null}. */
    public boolean isNull() {
        return isNull;
    }

    /**
     * The scalar's text after environment interpolation; empty for a null scalar.
     *
     * @throws IllegalStateException if this is not a scalar
     */
    public String text() {
        if (kind != Kind.SCALAR) {
            throw new IllegalStateException(path + ": " + describe() + " (expected: a scalar)");
        }
        return text;
    }

    /** A mapping's keys in document order; empty for lists and scalars. */
    public Set<String> keys() {
        return entries.keySet();
    }

    /** A mapping's value for {@code key}, including a null scalar; empty if absent or if this is no mapping. */
    public Optional<ConfigNode> child(String key) {
        Entry entry = entries.get(key);
        return entry == null ? Optional.empty() : Optional.of(entry.value());
    }

    /** A list's elements in document order; empty for mappings and scalars. */
    public List<ConfigNode> elements() {
        return elements;
    }

    /** Where {@code key} itself was written, or this node's position if it is absent. */
    SourcePosition keyPosition(String key) {
        Entry entry = entries.get(key);
        return entry == null ? position : entry.keyPosition();
    }

    /**
     * Reports every key of this mapping that is not in {@code known}, at the key's own position, so that a
     * misspelt key never passes silently; reports this node instead if it is not a mapping.
     */
    public void expectKeys(ConfigProblems problems, String... known) {
        if (!requireMapping(problems)) {
            return;
        }
        Set<String> allowed = new LinkedHashSet<>(List.of(known));
        String expected = allowed.isEmpty() ? "no keys" : "one of " + String.join(", ", allowed);
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                problems.add(e.getValue().keyPosition(), childPath(path, e.getKey()), "unknown key", expected);
            }
        }
    }

    /** A string that is present and not empty. */
    public String requiredString(String key, ConfigProblems problems) {
        return read(key, true, "a non-empty string", problems, text -> {
            if (text.isEmpty()) {
                throw new InvalidValueException(text, "a non-empty string");
            }
            return text;
        });
    }

    /** A string, possibly empty; {@code defaultValue} (may be null) when absent. */
    public String optionalString(String key, String defaultValue, ConfigProblems problems) {
        return orDefault(read(key, false, "a string", problems, text -> text), defaultValue);
    }

    /** A list of strings; empty when absent. */
    public List<String> optionalStringList(String key, ConfigProblems problems) {
        List<String> strings = new ArrayList<>();
        for (ConfigNode element : optionalList(key, problems)) {
            if (element.isScalar() && !element.isNull()) {
                strings.add(element.text());
            } else {
                problems.add(element, element.describe(), "a string");
            }
        }
        return List.copyOf(strings);
    }

    /** A whole number from {@code min} to {@code max} inclusive. */
    public Integer requiredInt(String key, int min, int max, ConfigProblems problems) {
        return readInt(key, true, min, max, problems);
    }

    /** A whole number from {@code min} to {@code max} inclusive; {@code defaultValue} when absent. */
    public int optionalInt(String key, int min, int max, int defaultValue, ConfigProblems problems) {
        return orDefault(readInt(key, false, min, max, problems), defaultValue);
    }

    /** {@code true} or {@code false}, in any case; YAML 1.1's {@code yes}, {@code on} and friends are refused. */
    public Boolean requiredBoolean(String key, ConfigProblems problems) {
        return read(key, true, BOOLEAN, problems, ConfigNode::parseBoolean);
    }

    /** {@code true} or {@code false}, in any case; {@code defaultValue} when absent. */
    public boolean optionalBoolean(String key, boolean defaultValue, ConfigProblems problems) {
        return orDefault(read(key, false, BOOLEAN, problems, ConfigNode::parseBoolean), defaultValue);
    }

    /** A duration with a unit: {@code 250ms}, {@code 10s}, {@code 1m}, {@code 1h}, {@code 2d}; never a bare number. */
    public Duration requiredDuration(String key, ConfigProblems problems) {
        return read(key, true, DurationSyntax.EXPECTED, problems, DurationSyntax::parse);
    }

    /** As {@link #requiredDuration}; {@code defaultValue} (may be null) when absent. */
    public Duration optionalDuration(String key, Duration defaultValue, ConfigProblems problems) {
        return orDefault(read(key, false, DurationSyntax.EXPECTED, problems, DurationSyntax::parse), defaultValue);
    }

    /** A size with a unit, {@code 64MiB} or {@code 16MB}; see {@link ByteSize} for what each unit means. */
    public ByteSize requiredSize(String key, ConfigProblems problems) {
        return read(key, true, ByteSize.EXPECTED, problems, ByteSize::parse);
    }

    /** As {@link #requiredSize}; {@code defaultValue} (may be null) when absent. */
    public ByteSize optionalSize(String key, ByteSize defaultValue, ConfigProblems problems) {
        return orDefault(read(key, false, ByteSize.EXPECTED, problems, ByteSize::parse), defaultValue);
    }

    /**
     * A peer address, {@code host:port} or {@code [ipv6]:port}; see {@link HostPort#parse}.
     *
     * @param defaultPort used when only a host is written, or 0 if the port must be written
     */
    public HostPort requiredHostPort(String key, int defaultPort, ConfigProblems problems) {
        return read(key, true, HostPort.EXPECTED, problems, text -> HostPort.parse(text, defaultPort));
    }

    /** As {@link #requiredHostPort}; {@code defaultValue} (may be null) when absent. */
    public HostPort optionalHostPort(String key, int defaultPort, HostPort defaultValue, ConfigProblems problems) {
        return orDefault(read(key, false, HostPort.EXPECTED, problems, text -> HostPort.parse(text, defaultPort)),
                defaultValue);
    }

    /** One of {@code allowed}, compared exactly; the problem lists them in the given order. */
    public String requiredChoice(String key, List<String> allowed, ConfigProblems problems) {
        return read(key, true, oneOf(allowed), problems, text -> choose(text, allowed));
    }

    /** As {@link #requiredChoice}; {@code defaultValue} when absent. */
    public String optionalChoice(String key, List<String> allowed, String defaultValue, ConfigProblems problems) {
        return orDefault(read(key, false, oneOf(allowed), problems, text -> choose(text, allowed)), defaultValue);
    }

    /** An absolute {@code http} or {@code https} URL with a host. */
    public URI requiredUrl(String key, ConfigProblems problems) {
        return read(key, true, URL, problems, ConfigNode::parseUrl);
    }

    /** As {@link #requiredUrl}; {@code defaultValue} (may be null) when absent. */
    public URI optionalUrl(String key, URI defaultValue, ConfigProblems problems) {
        return orDefault(read(key, false, URL, problems, ConfigNode::parseUrl), defaultValue);
    }

    /**
     * A non-empty secret. Problems about it never quote its value. Write it as an environment reference,
     * such as {@code psk: ${ZBX_PSK}}, to keep it out of the file.
     */
    public Secret requiredSecret(String key, ConfigProblems problems) {
        return read(key, true, SECRET, problems, text -> {
            if (text.isEmpty()) {
                throw new InvalidValueException(text, SECRET);
            }
            return Secret.of(text);
        });
    }

    /** A secret, possibly empty; {@code defaultValue} (may be null) when absent. */
    public Secret optionalSecret(String key, Secret defaultValue, ConfigProblems problems) {
        return orDefault(read(key, false, SECRET, problems, Secret::of), defaultValue);
    }

    /** A nested mapping; if it is missing or not a mapping, a problem and an empty mapping to read defaults from. */
    public ConfigNode requiredMapping(String key, ConfigProblems problems) {
        return mappingOrEmpty(key, container(key, true, Kind.MAPPING, problems));
    }

    /** A nested mapping, or an empty one when absent, so the binder reads its defaults the same way. */
    public ConfigNode optionalMapping(String key, ConfigProblems problems) {
        return mappingOrEmpty(key, container(key, false, Kind.MAPPING, problems));
    }

    /** A list's elements; empty, with a problem, if it is missing or not a list. */
    public List<ConfigNode> requiredList(String key, ConfigProblems problems) {
        ConfigNode list = container(key, true, Kind.LIST, problems);
        return list == null ? List.of() : list.elements();
    }

    /** A list's elements; empty when absent. */
    public List<ConfigNode> optionalList(String key, ConfigProblems problems) {
        ConfigNode list = container(key, false, Kind.LIST, problems);
        return list == null ? List.of() : list.elements();
    }

    private boolean requireMapping(ConfigProblems problems) {
        if (kind == Kind.MAPPING) {
            return true;
        }
        problems.add(this, describe(), "a mapping");
        return false;
    }

    /** The value of {@code key} parsed by {@code parser}, or null after recording why not. */
    private <T> T read(String key, boolean required, String expected, ConfigProblems problems,
                       Function<String, T> parser) {
        ConfigNode value = present(key, required, expected, problems);
        if (value == null) {
            return null;
        }
        if (!value.isScalar()) {
            problems.add(value, value.describe(), expected);
            return null;
        }
        try {
            return parser.apply(value.text());
        } catch (InvalidValueException e) {
            problems.add(value, InvalidValueException.quote(value.text()), e.expected());
            return null;
        }
    }

    /** The non-null value of {@code key}, or null after recording a problem if it was required. */
    private ConfigNode present(String key, boolean required, String expected, ConfigProblems problems) {
        if (!requireMapping(problems)) {
            return null;
        }
        Entry entry = entries.get(key);
        if (entry == null || entry.value().isNull()) {
            if (required) {
                problems.add(entry == null ? position : entry.keyPosition(), childPath(path, key),
                        entry == null ? "missing" : "null", expected);
            }
            return null;
        }
        return entry.value();
    }

    private ConfigNode container(String key, boolean required, Kind wanted, ConfigProblems problems) {
        String expected = wanted == Kind.MAPPING ? "a mapping" : "a list";
        ConfigNode value = present(key, required, expected, problems);
        if (value != null && value.kind != wanted) {
            problems.add(value, value.describe(), expected);
            return null;
        }
        return value;
    }

    private ConfigNode mappingOrEmpty(String key, ConfigNode mapping) {
        return mapping != null ? mapping : ConfigNode.mapping(childPath(path, key), keyPosition(key), Map.of());
    }

    private Integer readInt(String key, boolean required, int min, int max, ConfigProblems problems) {
        if (min > max) {
            throw new IllegalArgumentException("min, max: " + min + ", " + max + " (expected: min <= max)");
        }
        String expected = "an integer from " + min + " to " + max;
        return read(key, required, expected, problems, text -> {
            if (!INTEGER.matcher(text).matches()) {
                throw new InvalidValueException(text, expected);
            }
            long value = Long.parseLong(text); // at most 10 digits: fits a long, may not fit an int
            if (value < min || value > max) {
                throw new InvalidValueException(text, expected);
            }
            return (int) value;
        });
    }

    private static Boolean parseBoolean(String text) {
        if (text.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (text.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        throw new InvalidValueException(text, BOOLEAN);
    }

    private static URI parseUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            if (scheme != null && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, with the same expectation as any other malformed URL
        }
        throw new InvalidValueException(text, URL);
    }

    private static String choose(String text, List<String> allowed) {
        if (!allowed.contains(text)) {
            throw new InvalidValueException(text, oneOf(allowed));
        }
        return text;
    }

    private static String oneOf(List<String> allowed) {
        return "one of " + String.join(", ", allowed);
    }

    private static <T> T orDefault(T value, T defaultValue) {
        return value != null ? value : defaultValue;
    }

    /**
     * What this node is, as a problem's "found" part: {@code a mapping}, {@code a list}, {@code null}, or the
     * scalar's text in quotes. Only call it for values that are not secrets.
     */
    String describe() {
        return switch (kind) {
            case MAPPING -> "a mapping";
            case LIST -> "a list";
            case SCALAR -> isNull ? "null" : InvalidValueException.quote(text);
        };
    }


    /** Kind, path and position; never the value, which may be a secret. */
    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " " + (path.isEmpty() ? "(document)" : path)
                + " at " + position;
    }
}
