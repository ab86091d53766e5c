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
    // One matcher per thread, reset for each value: a new Matcher per match was most of the stage's allocation
    // (its group arrays), and sources may apply one processor from several threads at once.
    private final ThreadLocal<Matcher> matchers;
    // What every match must start with (node_ of node_cpu_.+), checked before the regex: most values a rule sees
    // are not its own, and a prefix comparison turns them away at a fraction of a match's cost. Empty when none.
    private final String requiredPrefix;

    private AnchoredRegex(String text, Pattern pattern) {
        this.text = text;
        this.pattern = pattern;
        this.matchers = ThreadLocal.withInitial(() -> pattern.matcher(""));
        this.requiredPrefix = requiredPrefix(text);
    }

    /**
     * The literal characters a regex starts with, when every match must start with them: none when it has an
     * alternation anywhere (the prefix might belong to one branch only), and not the last literal when a
     * quantifier that allows zero follows it ({@code ab?c} requires only {@code a}).
     */
    static String requiredPrefix(String regex) {
        if (regex.indexOf('|') >= 0) {
            return "";
        }
        int end = 0;
        while (end < regex.length() && isPlain(regex.charAt(end))) {
            end++;
        }
        if (end < regex.length() && end > 0 && "*?{".indexOf(regex.charAt(end)) >= 0) {
            end--;
        }
        return regex.substring(0, end);
    }

    private static boolean isPlain(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ';'
                || c == ':' || c == '-' || c == ',' || c == '=' || c == '/' || c == '@' || c == '%' || c == ' '
                || c == '!' || c == '<' || c == '>' || c == '\'' || c == '"' || c == '~' || c == '&';
    }

    private boolean hasRequiredPrefix(CharSequence value) {
        int n = requiredPrefix.length();
        if (value.length() < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (value.charAt(i) != requiredPrefix.charAt(i)) {
                return false;
            }
        }
        return true;
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
        return hasRequiredPrefix(value) && matchers.get().reset(value).matches();
    }

    /**
     * A matcher that has matched {@code value}, for its groups; null when it does not match. It is this thread's
     * and is reset by the next call on this regex: read its groups before matching with this regex again.
     */
    Matcher match(CharSequence value) {
        if (!hasRequiredPrefix(value)) {
            return null;
        }
        Matcher matcher = matchers.get().reset(value);
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
