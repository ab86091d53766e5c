package dev.concierge.courier.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.testing.ManualNanoClock;
import dev.concierge.courier.core.testing.RecordingLogger;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class RingRefusalWarningsTest {
    private final ManualNanoClock clock = new ManualNanoClock();
    private final RecordingLogger log = new RecordingLogger("test");
    private final RingRefusalWarnings warnings = new RingRefusalWarnings(log, "billing", Duration.ofMinutes(1), clock);

    @Test
    void warnsAtTheFirstRefusingCollectWithItsCountsThenSumsUpOnceAMinute() {
        // A 2,000-timer document every 5 s into a ring that takes 11,400 of its 30,000 values.
        for (int collect = 0; collect < 25; collect++) {
            warnings.collected(30_000, 18_600, 4 << 20);
            clock.advance(Duration.ofSeconds(5));
        }

        assertThat(log.messages(Level.WARN)).hasSize(3);
        assertThat(log.messages(Level.WARN).get(0)).startsWith("source billing: ring full: refused 18,600 of 30,000 "
                + "samples of its last collect; they are lost (the ring holds 4,194,304 bytes;");
        assertThat(log.messages(Level.WARN).get(1)).isEqualTo("source billing: ring full: refused 223,200 of 360,000 "
                + "samples in the last 1m (12 collects); they are lost");
    }

    @Test
    void saysOnceWhenTheRingTakesEverythingAgain() {
        warnings.collected(30_000, 18_600, 4 << 20);
        warnings.collected(30_000, 100, 4 << 20);
        warnings.collected(30_000, 0, 4 << 20);
        warnings.collected(30_000, 0, 4 << 20);

        assertThat(log.messages(Level.WARN)).hasSize(1);
        assertThat(log.messages(Level.INFO)).containsExactly("source billing: the ring takes all its samples again; "
                + "100 of 30,000 samples refused since the last warning (1 collects)");
    }

    @Test
    void saysNothingWhileTheRingTakesEverything() {
        for (int collect = 0; collect < 10; collect++) {
            warnings.collected(30_000, 0, 4 << 20);
        }
        assertThat(log.lines()).isEmpty();
    }
}
