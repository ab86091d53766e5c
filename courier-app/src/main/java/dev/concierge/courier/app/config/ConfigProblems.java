package dev.concierge.courier.app.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Collects every problem found while reading a configuration, so that one pass reports them all and a
 * bad configuration never starts half a courier. Readers record here instead of throwing; whoever owns the
 * whole load calls {@link #throwIfAny()} once at the end.
 *
 * <p>Recording the same problem twice (same position, path and text) keeps one copy, so several readers
 * may safely complain about the same misshapen node.
 *
 * <p>Not thread-safe: use one instance per load, on one thread.
 */
public final class ConfigProblems {
    private static final Comparator<ConfigProblem> ORDER =
            Comparator.comparing(ConfigProblem::position, SourcePosition.ORDER);

    private final Set<ConfigProblem> problems = new LinkedHashSet<>();

    /** Records that {@code at} holds {@code found} where {@code expected} is allowed. */
    public void add(ConfigNode at, String found, String expected) {
        Objects.requireNonNull(at, "at");
        add(at.position(), at.path(), found, expected);
    }

    /** Records a problem for a path that has no node of its own, such as a missing key. */
    public void add(SourcePosition position, String path, String found, String expected) {
        problems.add(new ConfigProblem(position, path, found, expected));
    }

    /**
     * How many problems have been recorded. A binder can compare counts before and after reading its
     * section to decide whether the values it read are all usable.
     */
    public int count() {
        return problems.size();
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /** A snapshot of every problem, sorted by position; problems at the same position keep their order. */
    public List<ConfigProblem> sorted() {
        List<ConfigProblem> list = new ArrayList<>(problems);
        list.sort(ORDER); // stable: ties stay in the order they were found
        return list;
    }

    /** Throws a {@link ConfigException} listing every problem, or returns if there are none. */
    public void throwIfAny() throws ConfigException {
        if (!problems.isEmpty()) {
            throw new ConfigException(sorted());
        }
    }
}
