package dev.concierge.courier.app.config;

/**
 * A value's text does not have the required form. {@link #expected()} says what is allowed, ready for the
 * "expected" part of a {@link ConfigProblem}.
 */
final class InvalidValueException extends IllegalArgumentException {
    private final String expected;

    InvalidValueException(String text, String expected) {
        super(ConfigNode.quote(text) + " (expected: " + expected + ")");
        this.expected = expected;
    }

    String expected() {
        return expected;
    }
}
