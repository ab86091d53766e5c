package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Timestamps of both formats, exact to the nanosecond, and what each format refuses. */
class SampleTimestampTest {
    private final SampleTimestamp timestamp = new SampleTimestamp();

    private boolean millis(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return timestamp.readMillis(bytes, 0, bytes.length);
    }

    private boolean seconds(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return timestamp.readSeconds(bytes, 0, bytes.length);
    }

    private String read() {
        return timestamp.second() + "." + timestamp.nanos();
    }

    @Test
    void readsIntegerMillisecondsIncludingNegativeOnes() {
        assertThat(millis("1395066363000")).isTrue();
        assertThat(read()).isEqualTo("1395066363.0");
        assertThat(millis("1700000000123")).isTrue();
        assertThat(read()).isEqualTo("1700000000.123000000");
        assertThat(millis("-1")).isTrue();
        assertThat(read()).as("one millisecond before the epoch").isEqualTo("-1.999000000");
        assertThat(millis("-3982045")).isTrue();
        assertThat(read()).isEqualTo("-3983.955000000");
        assertThat(millis("+0")).isTrue();
        assertThat(read()).isEqualTo("0.0");
    }

    @Test
    void refusesMillisecondsThatAreNotAnInteger() {
        for (String refused : new String[] {"", "1.5", "1e3", "1700000000123.0", "NaN", "+Inf", "1_000", "0x10",
            "1234567890123456789"}) {
            assertThat(millis(refused)).as(refused).isFalse();
        }
    }

    @Test
    void readsSecondsExactlyToTheNanosecond() {
        assertThat(seconds("1520879607")).isTrue();
        assertThat(read()).isEqualTo("1520879607.0");
        assertThat(seconds("1520879607.789")).isTrue();
        assertThat(read()).isEqualTo("1520879607.789000000");
        assertThat(seconds("1700000000.123456789")).isTrue();
        assertThat(read()).as("beyond what a double holds").isEqualTo("1700000000.123456789");
        assertThat(seconds("1.7e9")).isTrue();
        assertThat(read()).isEqualTo("1700000000.0");
        assertThat(seconds("1.5e-9")).isTrue();
        assertThat(read()).isEqualTo("0.1");
        assertThat(seconds("-0.5")).isTrue();
        assertThat(read()).isEqualTo("-1.500000000");
    }

    @Test
    void roundsDigitsBelowTheNanosecondTowardsThePast() {
        assertThat(seconds("1.0000000019")).isTrue();
        assertThat(read()).isEqualTo("1.1");
        assertThat(seconds("-1.0000000005")).isTrue();
        assertThat(read()).isEqualTo("-2.999999999");
    }

    @Test
    void refusesSecondsThatAreNotAFiniteNumberOrDoNotFit() {
        for (String refused : new String[] {"", "NaN", "+Inf", "-inf", "1e400", "1e30", "9.3e18", "1_0", "0x1p3",
            "1.0d", "abc"}) {
            assertThat(seconds(refused)).as(refused).isFalse();
        }
        assertThat(seconds("9223372036854775807")).isTrue();
        assertThat(timestamp.second()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void readsOnlyItsRangeOfTheBytes() {
        byte[] line = "x 1 1520879607.789 # {a=\"b\"} 1".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(timestamp.readSeconds(line, 4, 18)).isTrue();
        assertThat(read()).isEqualTo("1520879607.789000000");
        assertThat(timestamp.readMillis(line, 4, 14)).isTrue();
        assertThat(read()).isEqualTo("1520879.607000000");
    }
}
