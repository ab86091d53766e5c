package dev.concierge.courier.app.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration cannot be used. The message lists every problem found, one per line, in position
 * order, so the operator can fix them all in one edit instead of one per restart.
 */
public class ConfigException extends Exception {
    private final List<ConfigProblem> problems;

    /** @param problems at least one problem, already in the order they should be shown */
    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::message).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: none (expected: at least one)");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every problem, in position order. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
