package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DropWarningsTest {

    @Test
    void warnsAtTheFirstDropThenAtMostOncePerIntervalSummingTheQuietOnes() {
        DropWarnings warnings = new DropWarnings(1_000);

        assertThat(warnings.onDrop(3, 50)).isTrue();
        assertThat(warnings.droppedSinceWarning()).isEqualTo(3);
        assertThat(warnings.dropsSinceWarning()).isEqualTo(1);

        assertThat(warnings.onDrop(1, 51)).isFalse();
        assertThat(warnings.onDrop(2, 900)).isFalse();
        assertThat(warnings.onDrop(4, 1_049)).isFalse();

        assertThat(warnings.onDrop(5, 1_050)).isTrue();
        assertThat(warnings.droppedSinceWarning()).isEqualTo(1 + 2 + 4 + 5);
        assertThat(warnings.dropsSinceWarning()).isEqualTo(4);

        assertThat(warnings.onDrop(7, 2_049)).isFalse();
    }

    @Test
    void aDropAfterAQuietSpellWarnsAtOnceForItselfAlone() {
        DropWarnings warnings = new DropWarnings(1_000);
        warnings.onDrop(1, 0);

        assertThat(warnings.onDrop(6, 10_000)).isTrue();
        assertThat(warnings.droppedSinceWarning()).isEqualTo(6);
        assertThat(warnings.dropsSinceWarning()).isEqualTo(1);
    }

    @Test
    void countsAcrossNanoTimeWrapping() {
        DropWarnings warnings = new DropWarnings(1_000);

        assertThat(warnings.onDrop(1, Long.MAX_VALUE - 10)).isTrue();
        assertThat(warnings.onDrop(1, Long.MIN_VALUE + 10)).isFalse();
        assertThat(warnings.onDrop(1, Long.MIN_VALUE + 990)).isTrue();
    }

    @Test
    void aZeroIntervalWarnsEveryTime() {
        DropWarnings warnings = new DropWarnings(0);

        assertThat(warnings.onDrop(1, 5)).isTrue();
        assertThat(warnings.onDrop(1, 5)).isTrue();
        assertThatThrownBy(() -> new DropWarnings(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("intervalNanos: -1 (expected: >= 0)");
    }
}
