package dev.concierge.courier.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationSyntaxTest {

    @ParameterizedTest
    @CsvSource({
            "250ms, PT0.25S",
            "10s, PT10S",
            "0s, PT0S",
            "1m, PT1M",
            "90m, PT1H30M",
            "1h, PT1H",
            "2d, PT48H",
    })
    void parsesANumberWithAUnit(String text, Duration expected) {
        assertThat(DurationSyntax.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "", "s", "10 s", "10S", "1.5s", "-1s", "10sec", "1m30s", "10us", "PT10S",
            "9999999999999d"})
    void refusesAnythingElse(String text) {
        assertThatThrownBy(() -> DurationSyntax.parse(text))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.expected())
                        .isEqualTo("a duration with a unit such as 10s, 250ms, 1m, 1h or 2d"));
    }

    @ParameterizedTest
    @CsvSource({"PT5S, 5s", "PT1.5S, 1500ms", "PT2M, 2m", "PT1H, 1h", "PT48H, 48h", "PT0S, 0s", "PT0.00000025S, 250ns"})
    void formatsInTheLargestWholeUnit(Duration duration, String text) {
        assertThat(DurationSyntax.format(duration)).isEqualTo(text);
    }
}
