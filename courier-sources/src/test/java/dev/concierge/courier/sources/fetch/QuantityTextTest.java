package dev.concierge.courier.sources.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuantityTextTest {

    @Test
    void parsesAndFormatsBinarySizes() {
        assertThat(ByteSize.parse("16MiB")).isEqualTo(16L << 20);
        assertThat(ByteSize.parse("512KiB")).isEqualTo(512L << 10);
        assertThat(ByteSize.parse("1GiB")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("100B")).isEqualTo(100);
        assertThat(ByteSize.format(16L << 20)).isEqualTo("16MiB");
        assertThat(ByteSize.format(1536L << 10)).isEqualTo("1536KiB");
        assertThat(ByteSize.format(1000)).isEqualTo("1000B");
        assertThat(ByteSize.format(0)).isEqualTo("0B");
    }

    @Test
    void rejectsSizesWithoutBinaryUnit() {
        assertThatThrownBy(() -> ByteSize.parse("16MB"))
                .hasMessage("\"16MB\" (expected: a size such as 512KiB, 16MiB, 1GiB or 100B)");
        assertThatThrownBy(() -> ByteSize.parse("1024"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesAndFormatsDurations() {
        assertThat(DurationText.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationText.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationText.format(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationText.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(DurationText.format(Duration.ofNanos(250))).isEqualTo("250ns");
    }

    @Test
    void rejectsDurationsWithoutUnit() {
        assertThatThrownBy(() -> DurationText.parse("10"))
                .hasMessage("\"10\" (expected: a duration such as 500ms, 10s, 5m or 1h)");
    }
}
