package dev.concierge.courier.core.pipeline;

import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * Says, per source, how much of its collects the full ring refused, in counts an operator can weigh: the first
 * collect with refusals warns at once ("ring full: refused 18,600 of 30,000 samples of its last collect"), and
 * while refusals go on, one warning per {@code interval} at most sums up the collects since the previous one
 * ("refused 74,400 of 120,000 samples in the last 1m (4 collects)"). The first collect the ring takes whole
 * again ends it with one INFO line. Each refused sample is lost: the ring is before every backlog.
 *
 * <p>Judged per collect rather than per sample, so it costs nothing on the ring's path and its counts are
 * collects' counts. Not thread-safe: called at the end of each collect of one source, which never overlap.
 */
final class RingRefusalWarnings {
    private final Logger log;
    private final String source;
    private final long intervalNanos;
    private final NanoClock clock;

    private boolean refusing;
    private long lastWarnNanos;
    // Since the last warning.
    private long offered;
    private long refused;
    private long collects;

    RingRefusalWarnings(Logger log, String source, Duration interval, NanoClock clock) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: >= 0)");
        }
        this.log = Objects.requireNonNull(log, "log");
        this.source = Objects.requireNonNull(source, "source");
        this.intervalNanos = interval.toNanos();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * One collect has ended.
     *
     * @param collectOffered samples it offered the ring
     * @param collectRefused of those, the ones the ring refused
     * @param ringCapacity   the ring's byte budget, for the warning's advice
     */
    void collected(long collectOffered, long collectRefused, long ringCapacity) {
        long now = clock.nanoTime();
        if (collectRefused == 0) {
            if (refusing) {
                refusing = false;
                log.info("source {}: the ring takes all its samples again; {} of {} samples refused since the last "
                                + "warning ({} collects)", source, FailureEpisodes.count(refused),
                        FailureEpisodes.count(offered), FailureEpisodes.count(collects));
                offered = 0;
                refused = 0;
                collects = 0;
            }
            return;
        }
        offered += collectOffered;
        refused += collectRefused;
        collects++;
        if (!refusing) {
            refusing = true;
            lastWarnNanos = now;
            log.warn("source {}: ring full: refused {} of {} samples of its last collect; they are lost (the ring "
                            + "holds {} bytes; a larger ring.size, fewer series or a sink that keeps up helps; see "
                            + "courier_source_samples_refused_total; while it goes on, one line every {} at most)",
                    source, FailureEpisodes.count(collectRefused), FailureEpisodes.count(collectOffered),
                    FailureEpisodes.count(ringCapacity), FailureEpisodes.roughly(Duration.ofNanos(intervalNanos)));
            offered = 0;
            refused = 0;
            collects = 0;
            return;
        }
        long since = now - lastWarnNanos;
        if (since >= intervalNanos) {
            lastWarnNanos = now;
            log.warn("source {}: ring full: refused {} of {} samples in the last {} ({} collects); they are lost",
                    source, FailureEpisodes.count(refused), FailureEpisodes.count(offered),
                    FailureEpisodes.roughly(Duration.ofNanos(since)), FailureEpisodes.count(collects));
            offered = 0;
            refused = 0;
            collects = 0;
        }
    }
}
