package dev.concierge.courier.core.process;

/** The form of a label name the rules write or read: Prometheus's {@code [a-zA-Z_][a-zA-Z0-9_]*}. */
final class LabelNames {
    static final String EXPECTED = "a label name ([a-zA-Z_][a-zA-Z0-9_]*)";

    private LabelNames() {
    }

    static boolean isValid(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!letter && (i == 0 || c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }
}
