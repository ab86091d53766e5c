package dev.concierge.courier.core.process;

import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.settings.HostPort;
import dev.concierge.courier.core.settings.Settings;
import dev.concierge.courier.core.spi.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A fake {@link Settings} over maps, lists and strings, as YAML would give them; every problem is recorded as
 * {@code path: found (expected: rule)} in one shared list. Only the reads the processing binder makes are here.
 */
final class MapSettings implements Settings {
    private final String path;
    private final Object node;
    private final List<String> problems;

    private MapSettings(String path, Object node, List<String> problems) {
        this.path = path;
        this.node = node;
        this.problems = problems;
    }

    static MapSettings of(Map<String, ?> entry) {
        return new MapSettings("sources[0]", entry, new ArrayList<>());
    }

    List<String> problems() {
        return problems;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map() {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Set<String> keys() {
        return map().keySet();
    }

    @Override
    public void expectKeys(String... known) {
        for (String key : keys()) {
            if (!Arrays.asList(known).contains(key)) {
                problems.add(path + "." + key + ": unknown key (expected: one of " + String.join(", ", known) + ")");
            }
        }
    }

    @Override
    public String requiredString(String key) {
        Object value = map().get(key);
        if (!(value instanceof String s)) {
            problems.add(path + "." + key + ": missing (expected: a string)");
            return null;
        }
        return s;
    }

    @Override
    public String optionalString(String key, String defaultValue) {
        Object value = map().get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof String s)) {
            problems.add(path + "." + key + ": a " + value.getClass().getSimpleName() + " (expected: a string)");
            return defaultValue;
        }
        return s;
    }

    @Override
    public List<String> optionalStringList(String key) {
        List<String> strings = new ArrayList<>();
        for (Settings element : optionalList(key)) {
            if (element.text() == null) {
                element.problem("a mapping or list", "a string");
            } else {
                strings.add(element.text());
            }
        }
        return strings;
    }

    @Override
    public Map<String, String> optionalStringMap(String key) {
        Map<String, String> values = new LinkedHashMap<>();
        Settings mapping = optionalMapping(key);
        for (String name : mapping.keys()) {
            values.put(name, mapping.optionalString(name, null));
        }
        return values;
    }

    @Override
    public String optionalChoice(String key, List<String> allowed, String defaultValue) {
        String value = optionalString(key, null);
        if (value == null) {
            return defaultValue;
        }
        if (!allowed.contains(value)) {
            problems.add(path + "." + key + ": \"" + value + "\" (expected: one of " + String.join(", ", allowed) + ")");
            return null;
        }
        return value;
    }

    @Override
    public Settings optionalMapping(String key) {
        Object value = map().get(key);
        if (value != null && !(value instanceof Map)) {
            problems.add(path + "." + key + ": not a mapping (expected: a mapping)");
        }
        return new MapSettings(path + "." + key, value instanceof Map ? value : Map.of(), problems);
    }

    @Override
    public List<Settings> optionalList(String key) {
        Object value = map().get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            problems.add(path + "." + key + ": not a list (expected: a list)");
            return List.of();
        }
        List<Settings> elements = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            elements.add(new MapSettings(path + "." + key + "[" + i + "]", list.get(i), problems));
        }
        return elements;
    }

    @Override
    public String text() {
        return node instanceof String s ? s : null;
    }

    @Override
    public void problem(String found, String expected) {
        problems.add(path + ": " + found + " (expected: " + expected + ")");
    }

    @Override
    public void problem(String key, String found, String expected) {
        problems.add(path + (key.isEmpty() ? "" : "." + key) + ": " + found + " (expected: " + expected + ")");
    }

    @Override
    public int problemCount() {
        return problems.size();
    }

    @Override
    public int optionalInt(String key, int min, int max, int defaultValue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean optionalBoolean(String key, boolean defaultValue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Duration optionalDuration(String key, Duration defaultValue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ByteSize optionalSize(String key, ByteSize defaultValue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public HostPort requiredHostPort(String key, int defaultPort) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String requiredChoice(String key, List<String> allowed) {
        throw new UnsupportedOperationException();
    }

    @Override
    public URI requiredUrl(String key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public URI optionalUrl(String key, URI defaultValue) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Secret requiredSecret(String key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Secret optionalSecret(String key, Secret defaultValue) {
        throw new UnsupportedOperationException();
    }
}
