package dev.concierge.courier.core.process;

import dev.concierge.courier.core.model.Sample;
import java.util.Objects;
import java.util.regex.Matcher;

/**
 * One {@code rename} entry: a name that matches {@code match} (a regex, anchored at both ends as everywhere in
 * the rules) becomes {@code replace} expanded with its groups ({@code $1}, {@code ${1}}, {@code $name}, as in
 * {@link RelabelRule}); any other name is left as it is. Immutable.
 */
public final class NameRewrite {
    private final AnchoredRegex match;
    private final ReplacementTemplate replace;

    private NameRewrite(AnchoredRegex match, ReplacementTemplate replace) {
        this.match = match;
        this.replace = replace;
    }

    /** @throws dev.concierge.courier.core.settings.InvalidValueException when {@code match} is not a regex */
    public static NameRewrite of(String match, String replace) {
        return new NameRewrite(AnchoredRegex.of(match), ReplacementTemplate.of(replace));
    }

    Sample apply(Sample sample) {
        Matcher matcher = match.match(sample.name());
        return matcher == null ? sample : sample.withName(replace.expand(matcher));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NameRewrite other && match.equals(other.match) && replace.equals(other.replace);
    }

    @Override
    public int hashCode() {
        return Objects.hash(match, replace);
    }

    @Override
    public String toString() {
        return match + " -> " + replace;
    }
}
