package dev.concierge.courier.core.process;

import dev.concierge.courier.core.model.Sample;
import java.util.Objects;

/**
 * One Prometheus label matcher: {@code job="api"}, {@code env!="dev"}, {@code code=~"5.."}, {@code x!~"a|b"}, with
 * Prometheus's semantics: a label the sample lacks has the empty value, so {@code env=""} matches a sample
 * without {@code env} and {@code env!=""} one that has it; regexes match the whole value. {@code __name__} is
 * the metric name. Immutable.
 */
public final class LabelMatcher {
    /** The four operators of a Prometheus selector. */
    public enum Operator {
        EQUAL("="), NOT_EQUAL("!="), REGEX("=~"), NOT_REGEX("!~");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    /** The label that stands for the metric name, as in Prometheus. */
    public static final String NAME_LABEL = "__name__";

    private final String label;
    private final Operator operator;
    private final String value;
    private final AnchoredRegex regex;

    private LabelMatcher(String label, Operator operator, String value) {
        this.label = Objects.requireNonNull(label, "label");
        this.operator = Objects.requireNonNull(operator, "operator");
        this.value = Objects.requireNonNull(value, "value");
        this.regex = operator == Operator.REGEX || operator == Operator.NOT_REGEX ? AnchoredRegex.of(value) : null;
    }

    /**
     * @throws dev.concierge.courier.core.settings.InvalidValueException when a regex operator's value is not a
     *         regular expression
     */
    public static LabelMatcher of(String label, Operator operator, String value) {
        return new LabelMatcher(label, operator, value);
    }

    public String label() {
        return label;
    }

    public Operator operator() {
        return operator;
    }

    public String value() {
        return value;
    }

    public boolean matches(Sample sample) {
        String actual = label.equals(NAME_LABEL) ? sample.name() : sample.labels().get(label);
        return matchesValue(actual == null ? "" : actual);
    }

    boolean matchesValue(String actual) {
        return switch (operator) {
            case EQUAL -> value.equals(actual);
            case NOT_EQUAL -> !value.equals(actual);
            case REGEX -> regex.matches(actual);
            case NOT_REGEX -> !regex.matches(actual);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMatcher other && label.equals(other.label) && operator == other.operator
                && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(label, operator, value);
    }

    /** As Prometheus prints it: {@code code=~"5.."}. */
    @Override
    public String toString() {
        return label + operator.symbol + '"' + value.replace("\\", "\\\\").replace("\"", "\\\"")
                .replace("\n", "\\n") + '"';
    }
}
