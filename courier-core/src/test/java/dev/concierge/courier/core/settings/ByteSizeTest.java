package dev.concierge.courier.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

    @ParameterizedTest
    @CsvSource({
            "100B, 100",
            "0B, 0",
            "512KiB, 524288",
            "64MiB, 67108864",
            "1GiB, 1073741824",
            "2TiB, 2199023255552",
            "1KB, 1000",
            "16MB, 16000000",
            "3GB, 3000000000",
            "16kB, 16000",
            "64MIB, 67108864",
    })
    void parsesSiUnitsAsPowersOfTenAndBinaryUnitsAsPowersOfTwo(String text, long bytes) {
        assertThat(ByteSize.parse(text).bytes()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"100", "", "64m", "64M", "64Mb", "64mb", "64mib", "64 MiB", "1.5GiB", "-1B", "64PiB", "MiB",
            "64MiBs"})
    void refusesSizesWithoutAKnownUnit(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.expected())
                        .isEqualTo("a size with a unit such as 64MiB, 16MB, 512KiB or 100B"));
    }

    @Test
    void refusesSizesThatOverflow() {
        assertThatThrownBy(() -> ByteSize.parse("9000000TiB"))
                .isInstanceOfSatisfying(InvalidValueException.class,
                        e -> assertThat(e.expected()).startsWith("a size of at most "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0B", "100B", "64MiB", "16MB", "512KiB", "1GiB", "1KB", "1025B"})
    void printsTheShortestExactForm(String text) {
        assertThat(ByteSize.parse(text)).hasToString(text);
    }
}
