package dev.concierge.courier.core.process;

import dev.concierge.courier.core.settings.InvalidValueException;
import java.util.regex.Pattern;

/**
 * A pattern for metric names: a glob, where {@code *} stands for any run of characters (dots included) and
 * {@code ?} for one character, or a regular expression between slashes, {@code /node_(cpu|memory)_.+/}. Either
 * must match the whole name. Equal when written the same. Immutable.
 */
public final class NamePattern {
    private final String text;
    // Exactly one of these: a literal name is compared, not matched.
    private final String literal;
    private final AnchoredRegex regex;

    private NamePattern(String text, String literal, AnchoredRegex regex) {
        this.text = text;
        this.literal = literal;
        this.regex = regex;
    }

    /** @throws InvalidValueException when {@code text} is empty or a regular expression that does not compile */
    public static NamePattern parse(String text) {
        if (text.isEmpty()) {
            throw new InvalidValueException(text, "a metric name, a glob such as node_cpu_* or a /regex/");
        }
        if (text.length() >= 2 && text.startsWith("/") && text.endsWith("/")) {
            return new NamePattern(text, null, AnchoredRegex.of(text.substring(1, text.length() - 1)));
        }
        if (text.indexOf('*') < 0 && text.indexOf('?') < 0) {
            return new NamePattern(text, text, null);
        }
        StringBuilder regex = new StringBuilder();
        int literalStart = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?') {
                if (i > literalStart) {
                    regex.append(Pattern.quote(text.substring(literalStart, i)));
                }
                regex.append(c == '*' ? ".*" : ".");
                literalStart = i + 1;
            }
        }
        if (literalStart < text.length()) {
            regex.append(Pattern.quote(text.substring(literalStart)));
        }
        return new NamePattern(text, null, AnchoredRegex.of(regex.toString()));
    }

    public boolean matches(String name) {
        return literal != null ? literal.equals(name) : regex.matches(name);
    }

    /** Whether it matches every name, as the glob {@code *} and the regex of dot and star do. */
    boolean matchesEverything() {
        return text.equals("*") || text.equals("/.*/");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamePattern other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** As written. */
    @Override
    public String toString() {
        return text;
    }
}
