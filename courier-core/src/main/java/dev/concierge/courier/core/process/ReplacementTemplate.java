package dev.concierge.courier.core.process;

import java.util.regex.Matcher;

/**
 * A replacement such as {@code ${1}_$2} expanded with the groups of a match, by the rules of Go's
 * {@code regexp.Expand}, which Prometheus's relabelling uses: {@code $1} and {@code ${1}} name a group by
 * number, {@code $name} and {@code ${name}} by name, {@code $$} is a dollar sign; a name is the longest run of
 * letters, digits and underscores (so {@code $1x} names the group {@code 1x}, which does not exist, and expands
 * to nothing: write {@code ${1}x}); a group that does not exist or did not take part expands to nothing; a
 * dollar sign not followed by a name stays as written.
 */
final class ReplacementTemplate {
    private final String text;
    // Whether expanding can only give the text back: the common label value or name without a dollar sign.
    private final boolean literal;

    private ReplacementTemplate(String text) {
        this.text = text;
        this.literal = text.indexOf('$') < 0;
    }

    static ReplacementTemplate of(String text) {
        return new ReplacementTemplate(text);
    }

    String text() {
        return text;
    }

    /** {@code text} with its references replaced by the groups of {@code match}, which has matched. */
    String expand(Matcher match) {
        if (literal) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            i++;
            if (i < n && text.charAt(i) == '$') {
                out.append('$');
                i++;
                continue;
            }
            boolean brace = i < n && text.charAt(i) == '{';
            int start = brace ? i + 1 : i;
            int end = start;
            while (end < n && isNameChar(text.charAt(end))) {
                end++;
            }
            if (end == start || (brace && (end >= n || text.charAt(end) != '}'))) {
                // Malformed: Go keeps the dollar sign as text and reads on after it.
                out.append('$');
                continue;
            }
            appendGroup(out, match, text.substring(start, end));
            i = brace ? end + 1 : end;
        }
        return out.toString();
    }

    private static void appendGroup(StringBuilder out, Matcher match, String name) {
        int number = groupNumber(name);
        String group = null;
        if (number >= 0) {
            group = number <= match.groupCount() ? match.group(number) : null;
        } else if (!name.isEmpty() && !Character.isDigit(name.charAt(0))) {
            try {
                group = match.group(name);
            } catch (IllegalArgumentException noSuchGroup) {
                group = null;
            }
        }
        if (group != null) {
            out.append(group);
        }
    }

    // Go reads a name of digits only as a number, and one of 8 or more digits as no group at all.
    private static int groupNumber(String name) {
        if (name.length() > 8) {
            return -1;
        }
        int number = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            number = number * 10 + (c - '0');
        }
        return number >= 100_000_000 ? -1 : number;
    }

    private static boolean isNameChar(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplacementTemplate other && text.equals(other.text);
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
