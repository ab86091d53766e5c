package dev.concierge.courier.app.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One node of a parsed configuration: a mapping, a list or a scalar, which knows its path
 * ({@code sinks[0].server}) and where it was written ({@code courier.yaml:12:13}).
 *
 * <p>Scalars are text, already interpolated from the environment; the typed readers decide what the text
 * means, so {@code port: 10051} and {@code port: "10051"} read the same. A scalar written as YAML null
 * ({@code key:}, {@code key: ~}, {@code key: null}) counts as absent.
 *
 * <p>Immutable and thread-safe. The raw accessors never throw on a node of the wrong kind; they answer
 * empty, and the typed readers turn the mismatch into a problem.
 */
public final class ConfigNode {
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

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

    /** The path of {@code key} under {@code parent}: {@code a.b}, or {@code a["odd key"]} for keys that need quoting. */
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
     * What this node is, as a problem's "found" part: {@code a mapping}, {@code a list}, {@code null}, or the
     * scalar's text in quotes. Only call it for values that are not secrets.
     */
    String describe() {
        return switch (kind) {
            case MAPPING -> "a mapping";
            case LIST -> "a list";
            case SCALAR -> isNull ? "null" : quote(text);
        };
    }

    static String quote(String text) {
        String shown = text.length() > 80 ? text.substring(0, 77) + "..." : text;
        StringBuilder sb = new StringBuilder(shown.length() + 2).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Kind, path and position; never the value, which may be a secret. */
    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " " + (path.isEmpty() ? "(document)" : path)
                + " at " + position;
    }
}
