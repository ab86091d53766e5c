package dev.concierge.courier.core.process;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.settings.InvalidValueException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One entry of {@code include} or {@code exclude}: a metric name pattern ({@link NamePattern}), label matchers
 * in Prometheus selector syntax, or both, as in {@code node_cpu_*{mode!="idle"}}. The forms:
 * <ul>
 *   <li>{@code node_load1}, {@code node_cpu_*}, {@code app.requests.?xx}: a glob on the name;</li>
 *   <li>{@code /node_(cpu|memory)_.+/}: a regex on the name (a whole entry between slashes);</li>
 *   <li>{@code {job="api", code=~"5.."}}: label matchers, as Prometheus writes them; {@code __name__} is the
 *       name, so {@code {__name__=~"node_.+", job="node"}} combines a name regex with labels;</li>
 *   <li>{@code node_cpu_*{mode!="idle"}}: a glob and label matchers.</li>
 * </ul>
 * A sample matches when its name matches the pattern and every matcher matches. Values are quoted with
 * {@code "}, {@code '} (both with Go's escapes, as PromQL) or {@code `} (raw). Equal when equal in meaning
 * as written. Immutable.
 */
public final class SampleSelector {
    private final String text;
    private final NamePattern name;
    private final List<LabelMatcher> matchers;

    private SampleSelector(String text, NamePattern name, List<LabelMatcher> matchers) {
        this.text = text;
        this.name = name;
        this.matchers = List.copyOf(matchers);
    }

    /** @throws InvalidValueException when {@code text} is none of the forms above */
    public static SampleSelector parse(String text) {
        String trimmed = text.strip();
        if (trimmed.startsWith("/") && trimmed.endsWith("/") && trimmed.length() >= 2) {
            return new SampleSelector(text, NamePattern.parse(trimmed), List.of());
        }
        int brace = trimmed.indexOf('{');
        if (brace < 0) {
            return new SampleSelector(text, NamePattern.parse(checkedGlob(trimmed, text)), List.of());
        }
        String glob = trimmed.substring(0, brace).strip();
        NamePattern name = glob.isEmpty() ? null : NamePattern.parse(checkedGlob(glob, text));
        List<LabelMatcher> matchers = new MatcherParser(trimmed, brace).parse();
        if (name != null && matchers.stream().anyMatch(m -> m.label().equals(LabelMatcher.NAME_LABEL))) {
            throw new InvalidValueException(text, "the metric name given once, before the braces or as __name__");
        }
        return new SampleSelector(text, name, matchers);
    }

    private static String checkedGlob(String glob, String text) {
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (Character.isWhitespace(c) || c == '}' || c == '"' || c == ',') {
                throw new InvalidValueException(text, "a metric name or glob, a /regex/, or label matchers such "
                        + "as {job=\"api\", code=~\"5..\"}");
            }
        }
        return glob;
    }

    public boolean matches(Sample sample) {
        if (name != null && !name.matches(sample.name())) {
            return false;
        }
        for (LabelMatcher matcher : matchers) {
            if (!matcher.matches(sample)) {
                return false;
            }
        }
        return true;
    }

    /** Whether it matches every sample: {@code *} or {@code {}}. */
    boolean matchesEverything() {
        return matchers.isEmpty() && (name == null || name.matchesEverything());
    }

    /**
     * Why no sample can match it, where that can be told from the matchers alone: two different values required
     * of one label, or one value both required and refused. Null when it may match.
     */
    String contradiction() {
        for (int i = 0; i < matchers.size(); i++) {
            LabelMatcher a = matchers.get(i);
            for (int j = 0; j < matchers.size(); j++) {
                LabelMatcher b = matchers.get(j);
                if (i == j || !a.label().equals(b.label()) || a.operator() != LabelMatcher.Operator.EQUAL) {
                    continue;
                }
                if (!b.matchesValue(a.value())) {
                    return a + " and " + b;
                }
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleSelector other && Objects.equals(name, other.name)
                && matchers.equals(other.matchers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, matchers);
    }

    /** As written. */
    @Override
    public String toString() {
        return text;
    }

    /** Reads {@code {label op "value", ...}} from {@code text} at {@code start}, the opening brace, to its end. */
    private static final class MatcherParser {
        private static final String EXPECTED_MATCHER = "label matchers such as {job=\"api\", code=~\"5..\"}";
        private final String text;
        private int pos;

        MatcherParser(String text, int start) {
            this.text = text;
            this.pos = start + 1;
        }

        List<LabelMatcher> parse() {
            List<LabelMatcher> matchers = new ArrayList<>();
            skipSpace();
            while (!at('}')) {
                String label = labelName();
                skipSpace();
                LabelMatcher.Operator operator = operator();
                skipSpace();
                String value = quoted();
                try {
                    matchers.add(LabelMatcher.of(label, operator, value));
                } catch (InvalidValueException e) {
                    throw new InvalidValueException(text, label + operator.symbol() + ": " + e.expected());
                }
                skipSpace();
                if (at(',')) {
                    pos++;
                    skipSpace();
                } else if (!at('}')) {
                    throw fail("a comma or } after " + matchers.get(matchers.size() - 1));
                }
            }
            pos++;
            skipSpace();
            if (pos != text.length()) {
                throw fail("nothing after the closing }");
            }
            return matchers;
        }

        private String labelName() {
            int start = pos;
            while (pos < text.length() && isLabelChar(text.charAt(pos), pos == start)) {
                pos++;
            }
            if (pos == start) {
                throw fail("a label name ([a-zA-Z_][a-zA-Z0-9_]*) at column " + (start + 1));
            }
            return text.substring(start, pos);
        }

        private LabelMatcher.Operator operator() {
            if (text.startsWith("=~", pos)) {
                pos += 2;
                return LabelMatcher.Operator.REGEX;
            }
            if (text.startsWith("!~", pos)) {
                pos += 2;
                return LabelMatcher.Operator.NOT_REGEX;
            }
            if (text.startsWith("!=", pos)) {
                pos += 2;
                return LabelMatcher.Operator.NOT_EQUAL;
            }
            if (text.startsWith("=", pos)) {
                pos += 1;
                return LabelMatcher.Operator.EQUAL;
            }
            throw fail("one of =, !=, =~, !~ at column " + (pos + 1));
        }

        private String quoted() {
            if (pos >= text.length() || "\"'`".indexOf(text.charAt(pos)) < 0) {
                throw fail("a quoted value at column " + (pos + 1));
            }
            char quote = text.charAt(pos++);
            StringBuilder value = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == quote) {
                    return value.toString();
                }
                if (c == '\\' && quote != '`') {
                    escape(value, quote);
                } else if (c == '\n' && quote != '`') {
                    throw fail("a value on one line");
                } else {
                    value.append(c);
                }
            }
            throw fail("a closing " + quote);
        }

        // Go's string escapes, as PromQL reads them.
        private void escape(StringBuilder value, char quote) {
            if (pos >= text.length()) {
                throw fail("an escape after \\");
            }
            char c = text.charAt(pos++);
            switch (c) {
                case 'a' -> value.append('\u0007');
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'v' -> value.append('\u000b');
                case '\\' -> value.append('\\');
                case 'x' -> value.append((char) hex(2));
                case 'u' -> value.append((char) hex(4));
                case 'U' -> value.appendCodePoint(hex(8));
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    pos--;
                    value.append((char) digits(3, 8));
                }
                default -> {
                    if (c != quote) {
                        throw fail("a known escape (\\n, \\t, \\\\, \\" + quote + ", \\x.., \\u....), not \\" + c);
                    }
                    value.append(c);
                }
            }
        }

        private int hex(int count) {
            return digits(count, 16);
        }

        private int digits(int count, int radix) {
            if (pos + count > text.length()) {
                throw fail(count + " digits in an escape");
            }
            try {
                int code = Integer.parseInt(text.substring(pos, pos + count), radix);
                pos += count;
                if (code > Character.MAX_CODE_POINT || (code >= 0xD800 && code <= 0xDFFF)) {
                    throw fail("an escape naming a Unicode character");
                }
                return code;
            } catch (NumberFormatException e) {
                throw fail(count + " digits in an escape");
            }
        }

        private static boolean isLabelChar(char c, boolean first) {
            return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
        }

        private boolean at(char c) {
            if (pos >= text.length()) {
                throw fail("a closing }");
            }
            return text.charAt(pos) == c;
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private InvalidValueException fail(String what) {
            return new InvalidValueException(text, EXPECTED_MATCHER + "; " + what);
        }
    }
}
