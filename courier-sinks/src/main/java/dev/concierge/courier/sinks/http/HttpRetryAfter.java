package dev.concierge.courier.sinks.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads a {@code Retry-After} header (RFC 9110 §10.2.3): either delay-seconds, a non-negative decimal
 * integer, or an HTTP-date ({@code Wed, 21 Oct 2015 07:28:00 GMT}, the IMF-fixdate form).
 */
final class HttpRetryAfter {
    /** A server asking for more than a day is more likely confused than serious; the backoff takes over. */
    static final Duration MAX = Duration.ofDays(1);

    private HttpRetryAfter() {
    }

    /**
     * The delay {@code header} asks for, seen at {@code now}; {@link Duration#ZERO} for a date in the past;
     * null when the header is absent or neither form, so the pipeline's own backoff applies.
     */
    static Duration parse(String header, Instant now) {
        if (header == null) {
            return null;
        }
        String text = header.strip();
        if (text.isEmpty()) {
            return null;
        }
        if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (text.length() > 9) {
                return MAX;
            }
            return min(Duration.ofSeconds(Long.parseLong(text)));
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration delay = Duration.between(now, at);
            return delay.isNegative() ? Duration.ZERO : min(delay);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration min(Duration delay) {
        return delay.compareTo(MAX) > 0 ? MAX : delay;
    }
}
