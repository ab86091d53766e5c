package dev.concierge.courier.app.config;

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
 * A plugin's section of the YAML, read through {@link Settings}: every read goes to the {@link ConfigNode}
 * reader of the same name, and every problem to the load's {@link ConfigProblems}, with its line and column.
 */
public final class ConfigSettings implements Settings {
    private final ConfigNode node;
    private final ConfigProblems problems;
    private final List<String> commonKeys;

    /**
     * @param commonKeys the keys the app reads for every entry of this kind, which {@link #expectKeys} allows
     *                   besides the plugin's own
     */
    public ConfigSettings(ConfigNode node, ConfigProblems problems, List<String> commonKeys) {
        this.node = node;
        this.problems = problems;
        this.commonKeys = List.copyOf(commonKeys);
    }

    private ConfigSettings nested(ConfigNode child) {
        return new ConfigSettings(child, problems, List.of());
    }

    @Override
    public String path() {
        return node.path();
    }

    @Override
    public Set<String> keys() {
        return node.keys();
    }

    @Override
    public void expectKeys(String... known) {
        List<String> allowed = new ArrayList<>(commonKeys);
        allowed.addAll(Arrays.asList(known));
        node.expectKeys(problems, allowed.toArray(String[]::new));
    }

    @Override
    public String requiredString(String key) {
        return node.requiredString(key, problems);
    }

    @Override
    public String optionalString(String key, String defaultValue) {
        return node.optionalString(key, defaultValue, problems);
    }

    @Override
    public List<String> optionalStringList(String key) {
        return node.optionalStringList(key, problems);
    }

    @Override
    public Map<String, String> optionalStringMap(String key) {
        ConfigNode mapping = node.optionalMapping(key, problems);
        Map<String, String> values = new LinkedHashMap<>();
        for (String entry : mapping.keys()) {
            String value = mapping.optionalString(entry, null, problems);
            if (value != null) {
                values.put(entry, value);
            }
        }
        return values;
    }

    @Override
    public int optionalInt(String key, int min, int max, int defaultValue) {
        return node.optionalInt(key, min, max, defaultValue, problems);
    }

    @Override
    public boolean optionalBoolean(String key, boolean defaultValue) {
        return node.optionalBoolean(key, defaultValue, problems);
    }

    @Override
    public Duration optionalDuration(String key, Duration defaultValue) {
        return node.optionalDuration(key, defaultValue, problems);
    }

    @Override
    public ByteSize optionalSize(String key, ByteSize defaultValue) {
        return node.optionalSize(key, defaultValue, problems);
    }

    @Override
    public HostPort requiredHostPort(String key, int defaultPort) {
        return node.requiredHostPort(key, defaultPort, problems);
    }

    @Override
    public String requiredChoice(String key, List<String> allowed) {
        return node.requiredChoice(key, allowed, problems);
    }

    @Override
    public String optionalChoice(String key, List<String> allowed, String defaultValue) {
        return node.optionalChoice(key, allowed, defaultValue, problems);
    }

    @Override
    public URI requiredUrl(String key) {
        return node.requiredUrl(key, problems);
    }

    @Override
    public URI optionalUrl(String key, URI defaultValue) {
        return node.optionalUrl(key, defaultValue, problems);
    }

    @Override
    public Secret requiredSecret(String key) {
        return node.requiredSecret(key, problems);
    }

    @Override
    public Secret optionalSecret(String key, Secret defaultValue) {
        return node.optionalSecret(key, defaultValue, problems);
    }

    @Override
    public Settings optionalMapping(String key) {
        return nested(node.optionalMapping(key, problems));
    }

    @Override
    public List<Settings> optionalList(String key) {
        return node.optionalList(key, problems).stream().map(this::nested).map(Settings.class::cast).toList();
    }

    @Override
    public String text() {
        return node.isScalar() && !node.isNull() ? node.text() : null;
    }

    @Override
    public void problem(String found, String expected) {
        problems.add(node, found, expected);
    }

    @Override
    public void problem(String key, String found, String expected) {
        ConfigNode at = node;
        String[] parts = key.isEmpty() ? new String[0] : key.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            ConfigNode child = at.child(parts[i]).orElse(null);
            if (child == null) {
                // A default broke the rule (the key is not written): say which key, at the deepest node written.
                problems.add(at, String.join(".", Arrays.copyOfRange(parts, i, parts.length)) + " " + found,
                        expected);
                return;
            }
            at = child;
        }
        problems.add(at, found, expected);
    }

    @Override
    public int problemCount() {
        return problems.count();
    }
}
