package dev.concierge.courier.sources.graphite;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Maps the dot-separated parts of a Graphite path to a metric name, labels and a host, as Telegraf's graphite
 * templates do ({@code [filter] template}). A template is dot-separated words, one per path part:
 * <ul>
 *   <li>{@code name} (Telegraf's {@code measurement} is taken too): the part joins the metric name; the
 *       name's parts are joined with dots in path order;</li>
 *   <li>{@code name*} as the last word: every remaining part joins the name;</li>
 *   <li>{@code host}: the part is the sample's host;</li>
 *   <li>an empty word (two dots) or {@code _}: the part is dropped;</li>
 *   <li>any other word: a label of that name whose value is the part.</li>
 * </ul>
 * Parts beyond the template's words are dropped unless it ends with {@code name*}. A filter is a pattern of
 * dot-separated parts in which {@code *} matches any one part and a trailing {@code *} part matches every
 * remaining one (at least one); the first template whose filter matches applies, one without a filter matches
 * every path. A path no template matches keeps its whole path as the name. Immutable and thread-safe.
 *
 * <p>Example: {@code servers.* .host.name*} turns {@code servers.web-01.cpu.load} into the name
 * {@code cpu.load} for host {@code web-01}; {@code app.* .env.name*} turns {@code app.prod.requests.count} into
 * {@code requests.count} with the label {@code env=prod}.
 */
final class GraphiteTemplate {
    private enum Kind { NAME, NAME_REST, HOST, DROP, LABEL }

    private record Word(Kind kind, String label) {
    }

    private final String written;
    private final String[] filter;
    private final List<Word> words;

    private GraphiteTemplate(String written, String[] filter, List<Word> words) {
        this.written = written;
        this.filter = filter;
        this.words = words;
    }

    /**
     * Parses {@code [filter] template}.
     *
     * @throws IllegalArgumentException reading {@code "template: found (expected: rule)"}
     */
    static GraphiteTemplate parse(String text) {
        String trimmed = Objects.requireNonNull(text, "text").trim();
        String[] fields = trimmed.split("\\s+");
        if (fields.length > 2 || trimmed.isEmpty()) {
            throw new IllegalArgumentException("template: \"" + text
                    + "\" (expected: an optional filter and a template, such as \"servers.* .host.name*\")");
        }
        String[] filter = fields.length == 2 ? fields[0].split("\\.", -1) : null;
        String template = fields[fields.length - 1];
        String[] parts = template.split("\\.", -1);
        List<Word> words = new ArrayList<>(parts.length);
        boolean named = false;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            Word word;
            if (part.equals("name*") || part.equals("measurement*")) {
                if (i != parts.length - 1) {
                    throw new IllegalArgumentException("template: \"" + text + "\" (expected: " + part
                            + " only as the last word)");
                }
                word = new Word(Kind.NAME_REST, null);
            } else if (part.equals("name") || part.equals("measurement")) {
                word = new Word(Kind.NAME, null);
            } else if (part.equals("host")) {
                word = new Word(Kind.HOST, null);
            } else if (part.isEmpty() || part.equals("_")) {
                word = new Word(Kind.DROP, null);
            } else if (part.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                word = new Word(Kind.LABEL, part);
            } else {
                throw new IllegalArgumentException("template: \"" + text + "\" (expected: words name, name*, host, "
                        + "_ or a label name of letters, digits and _; found \"" + part + "\")");
            }
            named |= word.kind() == Kind.NAME || word.kind() == Kind.NAME_REST;
            words.add(word);
        }
        if (!named) {
            throw new IllegalArgumentException("template: \"" + text + "\" (expected: a name or name* word)");
        }
        return new GraphiteTemplate(trimmed, filter, List.copyOf(words));
    }

    /** What a template makes of a path; null fields mean "not set by the template". */
    record Mapped(String name, String host, List<String> labelNames, List<String> labelValues) {
    }

    /** The mapping of {@code parts}, or null when the filter does not match them. */
    Mapped map(String[] parts) {
        if (filter != null && !matches(parts)) {
            return null;
        }
        StringBuilder name = new StringBuilder();
        String host = null;
        List<String> names = new ArrayList<>(2);
        List<String> values = new ArrayList<>(2);
        for (int i = 0; i < words.size() && i < parts.length; i++) {
            Word word = words.get(i);
            switch (word.kind()) {
                case NAME -> appendPart(name, parts[i]);
                case NAME_REST -> {
                    for (int j = i; j < parts.length; j++) {
                        appendPart(name, parts[j]);
                    }
                }
                case HOST -> host = parts[i];
                case LABEL -> {
                    names.add(word.label());
                    values.add(parts[i]);
                }
                case DROP -> {
                }
                default -> throw new IllegalStateException("word: " + word);
            }
        }
        if (name.length() == 0) {
            return null; // the path was too short to give a name: not this template's
        }
        return new Mapped(name.toString(), host, names, values);
    }

    private static void appendPart(StringBuilder name, String part) {
        if (name.length() > 0) {
            name.append('.');
        }
        name.append(part);
    }

    private boolean matches(String[] parts) {
        for (int i = 0; i < filter.length; i++) {
            boolean last = i == filter.length - 1;
            if (last && filter[i].equals("*") && parts.length > i) {
                return true;
            }
            if (i >= parts.length || !filter[i].equals("*") && !filter[i].equals(parts[i])) {
                return false;
            }
        }
        return parts.length == filter.length;
    }

    @Override
    public String toString() {
        return written;
    }
}
