package dev.concierge.courier.core.process;

import dev.concierge.courier.core.settings.InvalidValueException;

/**
 * A pattern for metric names: a glob, where {@code *} stands for any run of characters (dots included) and
 * {@code ?} for one character, or a regular expression between slashes, {@code /node_(cpu|memory)_.+/}. Either
 * must match the whole name. Equal when written the same. Immutable.
 */
public final class NamePattern {
    private final String text;
    // Exactly one of these: a literal name is compared and a glob walked, neither allocates; a regex is matched.
    private final String literal;
    private final String glob;
    private final AnchoredRegex regex;

    private NamePattern(String text, String literal, String glob, AnchoredRegex regex) {
        this.text = text;
        this.literal = literal;
        this.glob = glob;
        this.regex = regex;
    }

    /** @throws InvalidValueException when {@code text} is empty or a regular expression that does not compile */
    public static NamePattern parse(String text) {
        if (text.isEmpty()) {
            throw new InvalidValueException(text, "a metric name, a glob such as node_cpu_* or a /regex/");
        }
        if (text.length() >= 2 && text.startsWith("/") && text.endsWith("/")) {
            return new NamePattern(text, null, null, AnchoredRegex.of(text.substring(1, text.length() - 1)));
        }
        if (text.indexOf('*') < 0 && text.indexOf('?') < 0) {
            return new NamePattern(text, text, null, null);
        }
        return new NamePattern(text, null, text, null);
    }

    public boolean matches(String name) {
        if (literal != null) {
            return literal.equals(name);
        }
        return glob != null ? globMatches(glob, name) : regex.matches(name);
    }

    /**
     * Wildcard matching without backtracking past the last star: on a mismatch, the last {@code *} takes one
     * more character. Linear in practice, at worst the product of the lengths; allocates nothing.
     */
    static boolean globMatches(String glob, String name) {
        int g = 0;
        int n = 0;
        int starAt = -1;
        int starMatchedTo = 0;
        while (n < name.length()) {
            if (g < glob.length() && (glob.charAt(g) == '?' || (glob.charAt(g) != '*'
                    && glob.charAt(g) == name.charAt(n)))) {
                g++;
                n++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                starAt = g++;
                starMatchedTo = n;
            } else if (starAt >= 0) {
                g = starAt + 1;
                n = ++starMatchedTo;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
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
