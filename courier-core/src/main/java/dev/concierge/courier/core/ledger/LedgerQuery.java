package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.settings.DurationSyntax;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a reader of the ledger asks for: records and loss ranges since a time, of one sink, with one outcome.
 * Each part may be null, which matches everything; {@code courier ledger} and {@code GET /ledger} take the
 * same three and parse them here, so both read them alike.
 *
 * @param since   records settled, and ranges with a loss, at or after it
 * @param sink    that sink's records and ranges only (a source's ranges name no sink, so they do not match)
 * @param outcome records with that outcome only; ranges are all drops, so they match null and DROPPED only
 */
public record LedgerQuery(Instant since, String sink, DeliveryRecord.Outcome outcome) {
    public static final LedgerQuery ALL = new LedgerQuery(null, null, null);
    public static final String SINCE_EXPECTED = "an ISO-8601 time such as 2026-12-01T10:00:00Z, or a duration back"
            + " from now such as 90m, 2h or 7d";

    public boolean matches(DeliveryRecord record) {
        return (since == null || !record.at().isBefore(since)) && matchesSink(record.sink())
                && (outcome == null || record.outcome() == outcome);
    }

    public boolean matches(LossRange range) {
        return (since == null || !range.lastLoss().isBefore(since))
                && (sink == null || range.origin() == LossRange.Origin.SINK && range.name().equals(sink))
                && (outcome == null || outcome == DeliveryRecord.Outcome.DROPPED);
    }

    /** True when {@code name}'s totals and backlog belong in the answer. */
    public boolean matchesSink(String name) {
        return sink == null || sink.equals(name);
    }

    /**
     * {@code 2026-12-01T10:00:00Z} as that instant, or a duration ({@link DurationSyntax}) as that long before
     * {@code now}.
     *
     * @throws IllegalArgumentException {@code since: <text> (expected: ...)}
     */
    public static Instant since(String text, Instant now) {
        try {
            return Instant.parse(text);
        } catch (DateTimeException notAnInstant) {
            try {
                return now.minus(DurationSyntax.parse(text));
            } catch (IllegalArgumentException | ArithmeticException | DateTimeException notADuration) {
                throw new IllegalArgumentException("since: " + text + " (expected: " + SINCE_EXPECTED + ")");
            }
        }
    }

    /**
     * An outcome by its name in any case: {@code dropped}, {@code delivered}, {@code rejected},
     * {@code partially_rejected}.
     *
     * @throws IllegalArgumentException {@code outcome: <text> (expected: ...)}
     */
    public static DeliveryRecord.Outcome outcome(String text) {
        try {
            return DeliveryRecord.Outcome.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("outcome: " + text + " (expected: one of " + Arrays.stream(
                    DeliveryRecord.Outcome.values()).map(o -> o.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", ")) + ")");
        }
    }
}
