package dev.concierge.courier.core.settings;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as configuration writes them: a whole number and one unit, {@code ms}, {@code s}, {@code m},
 * {@code h} or {@code d}: {@code 250ms}, {@code 10s}, {@code 1m}, {@code 1h}, {@code 2d}. A bare number is
 * refused because {@code timeout: 10} could mean seconds or milliseconds depending on who wrote it. Command
 * line options take the same forms.
 */
public final class DurationSyntax {
    public static final String EXPECTED = "a duration with a unit such as 10s, 250ms, 1m, 1h or 2d";

    private static final Pattern FORM = Pattern.compile("([0-9]{1,12})(ms|s|m|h|d)");

    private DurationSyntax() {
    }

    /**
     * Parses {@code 10s} and the like.
     *
     * @throws IllegalArgumentException naming the text and the forms allowed
     */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new InvalidValueException(text, EXPECTED);
        }
        long amount = Long.parseLong(m.group(1)); // at most 12 digits: no overflow even in milliseconds of days
        ChronoUnit unit = switch (m.group(2)) {
            case "ms" -> ChronoUnit.MILLIS;
            case "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            default -> ChronoUnit.DAYS;
        };
        return Duration.of(amount, unit);
    }

    /**
     * The largest whole unit up to hours, in the same syntax: {@code 5s}, {@code 1500ms}, {@code 2m}; below a
     * millisecond in {@code ns}, for messages only (the parser takes milliseconds at the finest).
     */
    public static String format(Duration duration) {
        long nanos;
        try {
            nanos = duration.toNanos();
        } catch (ArithmeticException e) {
            return duration.toHours() + "h";
        }
        if (nanos != 0 && nanos % 3_600_000_000_000L == 0) {
            return nanos / 3_600_000_000_000L + "h";
        }
        if (nanos != 0 && nanos % 60_000_000_000L == 0) {
            return nanos / 60_000_000_000L + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return nanos + "ns";
    }
}
