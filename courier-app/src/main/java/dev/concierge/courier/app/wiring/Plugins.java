package dev.concierge.courier.app.wiring;

import dev.concierge.courier.app.config.ConfigNode;
import dev.concierge.courier.app.config.ConfigProblems;
import java.util.function.Supplier;

/** What the source and sink catalogs share: turning a plugin record's own checks into config problems. */
final class Plugins {
    private Plugins() {
    }

    /**
     * Builds a plugin's config record. Records check the rules that span several keys (a timeout no longer
     * than the interval) in their constructors; each broken rule becomes a problem at the plugin's entry.
     */
    static <T> T build(ConfigNode node, ConfigProblems problems, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            for (String line : e.getMessage().split("\n")) {
                String rule = line.strip();
                if (!rule.isEmpty() && !rule.endsWith(":")) {
                    problems.add(node, rule, "settings that agree with each other");
                }
            }
            return null;
        }
    }
}
