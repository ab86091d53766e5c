package dev.concierge.courier.core.settings;

/**
 * A value's text does not have the required form. {@link #expected()} says what is allowed, ready for the
 * "expected" part of a configuration problem.
 */
public final class InvalidValueException extends IllegalArgumentException {
    private final String expected;

    public InvalidValueException(String text, String expected) {
        super(quote(text) + " (expected: " + expected + ")");
        this.expected = expected;
    }

    public String expected() {
        return expected;
    }

    /** {@code text} in double quotes with control characters escaped, cut to 80 characters. */
    public static String quote(String text) {
        String shown = text.length() > 80 ? text.substring(0, 77) + "..." : text;
        StringBuilder sb = new StringBuilder(shown.length() + 2).append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
