package dev.concierge.courier.core.pipeline;

import dev.concierge.courier.core.settings.DurationSyntax;
import dev.concierge.courier.core.spi.FailureText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * The one policy for logging a sink's or a source's failures, as episodes rather than attempts: a WARN line
 * when an episode starts, a WARN reminder at most once per {@code reminder} while it lasts ("still failing
 * since ... (N attempts, backlog ...)"), one INFO line when it ends with how long it lasted, and every
 * attempt in between at DEBUG. A destination down for a day at a 5 s interval is then two dozen lines, not
 * seventeen thousand, and the log says when it came back.
 *
 * <p>Details are put in plain words ({@link FailureText#plain}) and durations in the configuration's syntax
 * ({@code 5s}), since the lines are for operators.
 *
 * <p>Not thread-safe: a sink's thread calls it, or a source's collects, which never overlap and are handed from
 * one thread to the next under the scheduler's monitor.
 */
final class FailureEpisodes {
    /** How often a lasting failure is logged again, at most. */
    static final Duration DEFAULT_REMINDER = Duration.ofMinutes(1);

    /** What fails, which decides the words. */
    enum Kind {
        /** Sends to a sink's destination; what it owes is kept and sent again. */
        SINK("sink", "delivery", "attempt", "attempts"),
        /** Collects of a source; a failed collect's samples are not to be had. */
        SOURCE("source", "collect", "collect", "collects");

        final String noun;
        final String activity;
        final String attempt;
        final String attempts;

        Kind(String noun, String activity, String attempt, String attempts) {
            this.noun = noun;
            this.activity = activity;
            this.attempt = attempt;
            this.attempts = attempts;
        }
    }

    private final Logger log;
    private final Kind kind;
    private final String name;
    private final long reminderNanos;
    private final Clock clock;
    private final NanoClock nanoClock;

    private long attempts;
    private Instant since;
    private long startedNanos;
    private long remindedNanos;

    FailureEpisodes(Logger log, Kind kind, String name, Duration reminder, Clock clock, NanoClock nanoClock) {
        if (reminder.isNegative()) {
            throw new IllegalArgumentException("reminder: " + reminder + " (expected: >= 0)");
        }
        this.log = Objects.requireNonNull(log, "log");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.name = Objects.requireNonNull(name, "name");
        this.reminderNanos = reminder.toNanos();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * One failed attempt.
     *
     * @param detail  why, as the sink or source said it (class names are put in plain words here)
     * @param owed    samples a sink still owes, or a negative number where that means nothing (a source)
     * @param nextIn  when the next attempt comes
     */
    void failed(String detail, long owed, Duration nextIn) {
        long now = nanoClock.nanoTime();
        attempts++;
        boolean reminder = attempts > 1 && now - remindedNanos >= reminderNanos;
        if (attempts > 1 && !reminder && !log.isDebugEnabled()) {
            return;
        }
        String plain = FailureText.plain(detail);
        String next = kind == Kind.SINK ? "next attempt in " + roughly(nextIn) : "next collect in " + roughly(nextIn);
        if (attempts == 1) {
            since = clock.instant();
            startedNanos = now;
            remindedNanos = now;
            if (kind == Kind.SINK) {
                log.warn("{} {}: {} failing: {}; its samples are kept and sent again ({}, {} samples owed; while it "
                                + "fails, one line every {} at most, and one when it recovers)", kind.noun, name,
                        kind.activity, plain, next, count(owed), roughly(Duration.ofNanos(reminderNanos)));
            } else {
                log.warn("{} {}: {} failing: {}; {} (while it fails, one line every {} at most, and one when it "
                        + "recovers)", kind.noun, name, kind.activity, plain, next,
                        roughly(Duration.ofNanos(reminderNanos)));
            }
            return;
        }
        if (reminder) {
            remindedNanos = now;
            if (kind == Kind.SINK) {
                log.warn("{} {}: still failing since {} ({} failed {}, backlog {} samples): {}; {}", kind.noun, name,
                        since.truncatedTo(ChronoUnit.SECONDS), count(attempts), kind.attempts, count(owed), plain,
                        next);
            } else {
                log.warn("{} {}: still failing since {} ({} failed {}): {}; {}", kind.noun, name,
                        since.truncatedTo(ChronoUnit.SECONDS), count(attempts), kind.attempts, plain, next);
            }
            return;
        }
        log.debug("{} {}: {} {} failed: {}; {}", kind.noun, name, kind.attempt, attempts, plain, next);
    }

    /**
     * One successful attempt: ends the episode under way, if any, with one INFO line.
     *
     * @param owed samples a sink still owes, which it now catches up on; negative where that means nothing
     */
    void succeeded(long owed) {
        if (attempts == 0) {
            return;
        }
        Duration outage = Duration.ofNanos(nanoClock.nanoTime() - startedNanos);
        if (kind == Kind.SINK) {
            log.info("{} {}: delivering again after failing for {} ({} failed {} since {}); catching up on {} "
                            + "samples held meanwhile", kind.noun, name, roughly(outage), count(attempts), kind.attempts,
                    since.truncatedTo(ChronoUnit.SECONDS), count(owed));
        } else {
            log.info("{} {}: collecting again after failing for {} ({} failed {} since {})", kind.noun, name,
                    roughly(outage), count(attempts), kind.attempts, since.truncatedTo(ChronoUnit.SECONDS));
        }
        attempts = 0;
        since = null;
    }

    /** Whether an episode is under way. */
    boolean failing() {
        return attempts > 0;
    }

    /** When the episode under way began, by the clock; null when none is. */
    Instant since() {
        return since;
    }

    /**
     * A duration for an operator, in the configuration's syntax and no finer than it needs to be: {@code 250ms},
     * {@code 12s}, {@code 95s}, {@code 42m}, {@code 30h}.
     */
    static String roughly(Duration duration) {
        long millis = Math.max(0, duration.toMillis());
        if (millis < 1000) {
            return DurationSyntax.format(Duration.ofMillis(millis));
        }
        long seconds = Math.round(millis / 1000.0);
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        if (seconds < 600) {
            return DurationSyntax.format(Duration.ofSeconds(seconds));
        }
        long minutes = Math.round(seconds / 60.0);
        if (minutes < 600) {
            return minutes + "m";
        }
        return Math.round(minutes / 60.0) + "h";
    }

    /** A count with thousands separated, as {@code 18,600}. */
    static String count(long n) {
        String digits = Long.toString(Math.abs(n));
        StringBuilder out = new StringBuilder(digits.length() + digits.length() / 3 + 1);
        if (n < 0) {
            out.append('-');
        }
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % 3 == 0) {
                out.append(',');
            }
            out.append(digits.charAt(i));
        }
        return out.toString();
    }
}
