package dev.concierge.courier.app.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration, told the same way everywhere:
 * {@code <file>:<line>:<column>: <path>: <found> (expected: <expected>)}.
 *
 * @param position where the problem was written
 * @param path     the configuration path, such as {@code sinks[0].server}; empty for the document itself,
 *                 in which case the message leaves the path out
 * @param found    what was found, for example {@code "10"} or {@code unknown key}; never a secret's value
 * @param expected what is allowed, for example {@code a duration with a unit such as 10s}
 */
public record ConfigProblem(SourcePosition position, String path, String found, String expected) {

    public ConfigProblem {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(found, "found");
        Objects.requireNonNull(expected, "expected");
    }

    /** The one-line message, as it is shown to the operator. */
    public String message() {
        StringBuilder sb = new StringBuilder().append(position).append(": ");
        if (!path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(found).append(" (expected: ").append(expected).append(')').toString();
    }

    @Override
    public String toString() {
        return message();
    }
}
