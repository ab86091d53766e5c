package dev.concierge.courier.app.config;

import java.util.Map;
import java.util.Objects;

/**
 * Replaces environment references in one scalar value:
 * <ul>
 *   <li>{@code ${NAME}}: the variable's value; a problem if it is not set (an empty value is used as is);</li>
 *   <li>{@code ${NAME:-default}}: the default when the variable is unset or empty;</li>
 *   <li>{@code ${NAME:?message}}: a problem carrying {@code message} when the variable is unset or empty;</li>
 *   <li>{@code $$}: a literal {@code $}. A {@code $} not followed by <code>&#123;</code> or {@code $} is kept
 *       as is, so {@code pa$word} needs no escaping; only <code>$$&#123;</code> does.</li>
 * </ul>
 * Names are {@code [A-Za-z_][A-Za-z0-9_]*}. A default or message runs to the first <code>&#125;</code>;
 * references do not nest, and substituted values are not interpolated again, so a value can never expand
 * itself.
 *
 * <p>Immutable and thread-safe.
 */
final class EnvInterpolator {
    static final String FORMS = "${NAME}, ${NAME:-default} or ${NAME:?message}, and $$ for a literal $";

    /** Receives one problem in the {@code found (expected: ...)} form. */
    interface ProblemSink {
        void problem(String found, String expected);
    }

    private final Map<String, String> environment;

    EnvInterpolator(Map<String, String> environment) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    /**
     * The text with every reference replaced. A reference that cannot be resolved reports a problem and is
     * replaced by nothing, so the rest of the document can still be checked.
     */
    String interpolate(String text, ProblemSink problems) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            if (c != '$' || (next != '$' && next != '{')) {
                out.append(c);
                i++;
            } else if (next == '$') {
                out.append('$');
                i += 2;
            } else {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    problems.problem("unterminated reference " + text.substring(i), FORMS);
                    return out.toString();
                }
                out.append(resolve(text.substring(i + 2, close), problems));
                i = close + 1;
            }
        }
        return out.toString();
    }

    private String resolve(String reference, ProblemSink problems) {
        int nameEnd = nameEnd(reference);
        String name = reference.substring(0, nameEnd);
        String operation = reference.substring(nameEnd);
        if (name.isEmpty() || !(operation.isEmpty() || operation.startsWith(":-") || operation.startsWith(":?"))) {
            problems.problem("unsupported reference ${" + reference + "}", FORMS);
            return "";
        }
        String argument = operation.length() > 2 ? operation.substring(2) : "";
        if (argument.contains("${")) {
            problems.problem("nested reference ${" + reference + "}", FORMS + ", without nesting");
            return "";
        }
        String value = environment.get(name);
        if (operation.isEmpty()) {
            if (value == null) {
                problems.problem(name + " is not set", name + " set in the environment, or a default as ${"
                        + name + ":-default}");
                return "";
            }
            return value;
        }
        boolean unsetOrEmpty = value == null || value.isEmpty();
        if (operation.startsWith(":-")) {
            return unsetOrEmpty ? argument : value;
        }
        if (unsetOrEmpty) {
            problems.problem(argument.isBlank() ? name + " is not set or empty" : argument,
                    name + " set to a non-empty value");
            return "";
        }
        return value;
    }

    private static int nameEnd(String reference) {
        int i = 0;
        while (i < reference.length()) {
            char c = reference.charAt(i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
            boolean digit = c >= '0' && c <= '9';
            if (!(letter || (digit && i > 0))) {
                break;
            }
            i++;
        }
        return i;
    }
}
