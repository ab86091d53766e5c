package dev.concierge.courier.core.settings;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A plugin's config record refused the values it was built with. Carries every broken rule as a value, so that
 * a binder reports each at its own key ({@link Settings#build}) instead of parsing a message.
 */
public final class InvalidSettingsException extends IllegalArgumentException {
    private final transient List<SettingProblem> problems;

    /**
     * @param what     what was being built, for the message ({@code dropwizard source orders})
     * @param problems at least one
     */
    public InvalidSettingsException(String what, List<SettingProblem> problems) {
        super("invalid " + what + ":" + problems.stream().map(p -> "\n  " + p).collect(Collectors.joining()));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: empty (expected: at least one)");
        }
        this.problems = List.copyOf(problems);
    }

    /** Throws when {@code problems} is not empty. */
    public static void throwIfAny(String what, List<SettingProblem> problems) {
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException(what, problems);
        }
    }

    public List<SettingProblem> problems() {
        return problems;
    }
}
