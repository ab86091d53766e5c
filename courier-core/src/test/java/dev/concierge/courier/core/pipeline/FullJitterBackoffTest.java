package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FullJitterBackoffTest {

    @Test
    void ceilingGrowsByTheMultiplierUpToTheMaximum() {
        FullJitterBackoff backoff = FullJitterBackoff.of(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0);

        assertThat(backoff.ceilingAfter(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.ceilingAfter(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.ceilingAfter(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.ceilingAfter(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.ceilingAfter(10_000)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void delayIsTheCeilingScaledByTheRandomDraw() {
        FullJitterBackoff none = FullJitterBackoff.of(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, () -> 0.0);
        FullJitterBackoff half = FullJitterBackoff.of(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, () -> 0.5);

        assertThat(none.delayAfter(3)).isEqualTo(Duration.ZERO);
        assertThat(half.delayAfter(3)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void realDelaysStayWithinZeroAndTheCeiling() {
        FullJitterBackoff backoff = FullJitterBackoff.of(Duration.ofMillis(10), Duration.ofMillis(80), 3.0);
        for (int failures = 1; failures < 50; failures++) {
            assertThat(backoff.delayAfter(failures)).isBetween(Duration.ZERO, backoff.ceilingAfter(failures));
        }
    }

    @Test
    void rejectsSettingsThatMakeNoSense() {
        assertThatThrownBy(() -> FullJitterBackoff.of(Duration.ZERO, Duration.ofSeconds(1), 2.0))
                .hasMessage("initial: PT0S (expected: > 0)");
        assertThatThrownBy(() -> FullJitterBackoff.of(Duration.ofSeconds(2), Duration.ofSeconds(1), 2.0))
                .hasMessageStartingWith("max: PT1S");
        assertThatThrownBy(() -> FullJitterBackoff.of(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5))
                .hasMessage("multiplier: 0.5 (expected: >= 1.0)");
    }

    @Test
    void aDestinationsRetryAfterWinsOnlyWhenLongerThanTheBackoff() {
        Duration backoff = Duration.ofSeconds(2);

        assertThat(SinkWorker.delayBeforeRetry(backoff, null)).isEqualTo(backoff);
        assertThat(SinkWorker.delayBeforeRetry(backoff, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(SinkWorker.delayBeforeRetry(backoff, Duration.ofSeconds(1))).isEqualTo(backoff);
    }
}
