package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.testing.ManualNanoClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DropWarningsTest {
    private final ManualNanoClock clock = new ManualNanoClock();

    @Test
    void warnsAtTheFirstDropThenAtMostOncePerIntervalSummingTheQuietOnes() {
        DropWarnings warnings = new DropWarnings(Duration.ofSeconds(10), clock);

        assertThat(warnings.onDrop(3)).isTrue();
        assertThat(warnings.droppedSinceWarning()).isEqualTo(3);
        assertThat(warnings.dropsSinceWarning()).isEqualTo(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(warnings.onDrop(1)).isFalse();
        clock.advance(Duration.ofSeconds(8));
        assertThat(warnings.onDrop(2)).isFalse();
        clock.advance(Duration.ofMillis(1999).minusNanos(1));
        assertThat(warnings.onDrop(4)).as("one nanosecond of the interval left").isFalse();

        clock.advance(Duration.ofNanos(1));
        assertThat(warnings.onDrop(5)).isTrue();
        assertThat(warnings.droppedSinceWarning()).isEqualTo(1 + 2 + 4 + 5);
        assertThat(warnings.dropsSinceWarning()).isEqualTo(4);

        clock.advance(Duration.ofSeconds(9));
        assertThat(warnings.onDrop(7)).isFalse();
        assertThat(warnings.intervalSeconds()).isEqualTo(10);
    }

    @Test
    void aDropAfterAQuietSpellWarnsAtOnceForItselfAlone() {
        DropWarnings warnings = new DropWarnings(Duration.ofSeconds(1), clock);
        warnings.onDrop(1);

        clock.advance(Duration.ofSeconds(10));
        assertThat(warnings.onDrop(6)).isTrue();
        assertThat(warnings.droppedSinceWarning()).isEqualTo(6);
        assertThat(warnings.dropsSinceWarning()).isEqualTo(1);
    }

    @Test
    void countsAcrossNanoTimeWrapping() {
        // The manual clock starts one day before Long.MAX_VALUE.
        DropWarnings warnings = new DropWarnings(Duration.ofDays(2), clock);
        assertThat(warnings.onDrop(1)).isTrue();

        clock.advance(Duration.ofDays(1).plusHours(1));
        assertThat(clock.nanoTime()).isNegative();
        assertThat(warnings.onDrop(1)).isFalse();
        clock.advance(Duration.ofHours(23));
        assertThat(warnings.onDrop(1)).isTrue();
    }

    @Test
    void aZeroIntervalWarnsEveryTime() {
        DropWarnings warnings = new DropWarnings(Duration.ZERO, clock);

        assertThat(warnings.onDrop(1)).isTrue();
        assertThat(warnings.onDrop(1)).isTrue();
        assertThatThrownBy(() -> new DropWarnings(Duration.ofNanos(-1), clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("interval: PT-0.000000001S (expected: >= 0)");
    }
}
