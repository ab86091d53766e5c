package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.concierge.courier.core.ledger.InMemoryDeliveryLedger;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.spi.DeliveryOutcome;
import dev.concierge.courier.core.testing.ListSource;
import dev.concierge.courier.core.testing.ManualNanoClock;
import dev.concierge.courier.core.testing.RecordingLogger;
import dev.concierge.courier.core.testing.RecordingSink;
import dev.concierge.courier.core.testing.Samples;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * The failure log policy on its own: one WARN when an episode starts, a reminder at most once per interval,
 * one INFO line when it ends; plain words and the configuration's durations. The pipeline's use of it is
 * tested in the app module's {@code OperatorLogTest}, where the real logging backend runs.
 */
class FailureEpisodesTest {
    private final ManualNanoClock nanoClock = new ManualNanoClock();
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-05T01:00:00Z"), ZoneOffset.UTC);
    private final RecordingLogger log = new RecordingLogger("test");

    @Test
    void aLongOutageIsRemindedOfOnceAMinuteAtMostAndItsEndSaysHowLongItLasted() {
        FailureEpisodes episodes = new FailureEpisodes(log, FailureEpisodes.Kind.SINK, "graphite",
                Duration.ofMinutes(1), clock, nanoClock);
        // Ten minutes at one attempt every 5 s.
        for (int attempt = 0; attempt < 120; attempt++) {
            episodes.failed("java.net.ConnectException: Connection refused", 1000 + attempt, Duration.ofSeconds(5));
            nanoClock.advance(Duration.ofSeconds(5));
        }
        episodes.succeeded(1120);

        List<String> warnings = log.messages(Level.WARN);
        assertThat(warnings).hasSize(10);
        assertThat(warnings.get(0)).startsWith("sink graphite: delivery failing: connection refused; its samples are "
                + "kept and sent again (next attempt in 5s, 1,000 samples owed;");
        assertThat(warnings.get(1)).isEqualTo("sink graphite: still failing since 2026-12-05T01:00:00Z (13 failed "
                + "attempts, backlog 1,012 samples): connection refused; next attempt in 5s");
        assertThat(log.messages(Level.INFO)).containsExactly("sink graphite: delivering again after failing for 10m "
                + "(120 failed attempts since 2026-12-05T01:00:00Z); catching up on 1,120 samples held meanwhile");
        assertThat(episodes.failing()).isFalse();
    }

    @Test
    void aSecondEpisodeWarnsAgain() {
        FailureEpisodes episodes = new FailureEpisodes(log, FailureEpisodes.Kind.SOURCE, "billing",
                Duration.ofMinutes(1), clock, nanoClock);
        episodes.failed("timed out", -1, Duration.ofSeconds(10));
        episodes.succeeded(-1);
        episodes.succeeded(-1);
        episodes.failed("java.nio.file.AccessDeniedException: /var/lib/billing/metrics.json", -1,
                Duration.ofSeconds(10));

        assertThat(log.messages(Level.WARN)).hasSize(2).last().asString().startsWith(
                "source billing: collect failing: permission denied: /var/lib/billing/metrics.json; next collect in 10s");
        assertThat(log.messages(Level.INFO)).singleElement().asString()
                .startsWith("source billing: collecting again after failing for 0s (1 failed collects since");
    }

    @Test
    void saysDurationsInTheConfigurationsSyntaxNoFinerThanNeeded() {
        assertThat(FailureEpisodes.roughly(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(FailureEpisodes.roughly(Duration.ofMillis(12_400))).isEqualTo("12s");
        assertThat(FailureEpisodes.roughly(Duration.ofSeconds(120))).isEqualTo("2m");
        assertThat(FailureEpisodes.roughly(Duration.ofSeconds(95))).isEqualTo("95s");
        assertThat(FailureEpisodes.roughly(Duration.ofMinutes(42).plusSeconds(10))).isEqualTo("42m");
        assertThat(FailureEpisodes.roughly(Duration.ofHours(30))).isEqualTo("30h");
        assertThat(FailureEpisodes.roughly(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(FailureEpisodes.roughly(Duration.ofSeconds(3725))).isEqualTo("62m");
    }

    @Test
    void whileASinkFailsItsStatsSayWhenItBeganAndWhenItTriesAgain() {
        RecordingSink sink = new RecordingSink("down").answering(batch -> DeliveryOutcome.Retry.of(
                "java.nio.channels.ClosedChannelException"));
        Pipeline pipeline = Pipeline.create(MultiProducerBroadcastRing.create(1024, 1 << 20),
                new InMemoryDeliveryLedger(Clock.systemUTC(), 100),
                List.of(new ScheduledSource(new ListSource("app", run -> Samples.counters("app", 5)),
                        Duration.ofHours(1))),
                List.of(new SinkSpec(sink, failures -> Duration.ofMinutes(5), 1 << 20)), Clock.systemUTC(), nanoClock);
        try {
            pipeline.start();
            SinkStats stats = pipeline.sinkStats().get("down");
            await().until(() -> stats.retries() == 1);

            assertThat(stats.failingSince()).isNotNull();
            assertThat(stats.nextAttempt()).isAfter(stats.failingSince().plus(Duration.ofMinutes(4)));
            assertThat(stats.lastSuccess()).isNull();
            assertThat(stats.lastError()).isEqualTo("connection closed");

            sink.answering(batch -> new DeliveryOutcome.Delivered("ok"));
            nanoClock.advance(Duration.ofMinutes(5));
            await().until(() -> stats.delivered() == 5);
            assertThat(stats.failingSince()).isNull();
            assertThat(stats.nextAttempt()).isNull();
            assertThat(stats.lastSuccess()).isNotNull();
        } finally {
            pipeline.stop(Duration.ofSeconds(5));
        }
    }
}
