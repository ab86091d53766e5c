package dev.concierge.courier.core.settings;

import java.util.Objects;

/**
 * One broken rule in a plugin's settings, as a value: which key, what was found, what is allowed. The app
 * places it at the key's line and column; {@link #toString()} is {@code key: found (expected: rule)}.
 *
 * @param key      the key the rule is about, relative to the plugin's section ({@code timeout},
 *                 {@code tls.ca_file}); empty when it is about the section as a whole
 * @param found    what the settings hold, ready to print (quoted text, {@code missing}, {@code both})
 * @param expected what is allowed, in words
 */
public record SettingProblem(String key, String found, String expected) {
    public SettingProblem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(found, "found");
        Objects.requireNonNull(expected, "expected");
    }

    public static SettingProblem of(String key, String found, String expected) {
        return new SettingProblem(key, found, expected);
    }

    @Override
    public String toString() {
        return (key.isEmpty() ? "" : key + ": ") + found + " (expected: " + expected + ")";
    }
}
