package dev.concierge.courier.core.process;

import dev.concierge.courier.core.settings.InvalidValueException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular expression that must match a whole value, as Prometheus anchors its regexes
 * ({@code ^(?:regex)$}). Written in Java's syntax, which accepts the RE2 patterns operators copy from Prometheus
 * configurations; RE2's {@code (?P<name>...)} groups are read as Java's {@code (?<name>...)}. Equal when written
 * the same, so a reload sees an unchanged rule as unchanged.
 */
final class AnchoredRegex {
    private final String text;
    private final Pattern pattern;

    private AnchoredRegex(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
    }

    /** @throws InvalidValueException when {@code text} is not a regular expression */
    static AnchoredRegex of(String text) {
        try {
            return new AnchoredRegex(text, Pattern.compile("^(?:" + text.replace("(?P<", "(?<") + ")$"));
        } catch (PatternSyntaxException e) {
            // Without the index: it counts in the anchored pattern, not in what the operator wrote.
            throw new InvalidValueException(text, "a regular expression (" + e.getDescription() + ")");
        }
    }

    boolean matches(CharSequence value) {
        return pattern.matcher(value).matches();
    }

    /** A matcher that has matched {@code value}, for its groups; null when it does not match. */
    Matcher match(CharSequence value) {
        Matcher matcher = pattern.matcher(value);
        return matcher.matches() ? matcher : null;
    }

    String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnchoredRegex other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
