package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Short strings come back as the same instance for the same bytes; long ones are never kept. */
class StringInternerTest {
    private final StringInterner strings = new StringInterner();

    @Test
    void returnsTheSameStringForTheSameBytesWhereverTheyAre() {
        byte[] first = "node_cpu_seconds_total 1".getBytes(StandardCharsets.ISO_8859_1);
        byte[] second = "x node_cpu_seconds_total".getBytes(StandardCharsets.ISO_8859_1);
        String interned = strings.intern(first, 0, 22);

        assertThat(interned).isEqualTo("node_cpu_seconds_total");
        assertThat(strings.intern(second, 2, 24)).isSameAs(interned);
        assertThat(strings.intern(new String("node_cpu_seconds_total"))).isSameAs(interned);
        assertThat(strings.intern(first, 0, 0)).isEmpty();
    }

    @Test
    void aSlotTakenByOtherBytesStillGivesTheRightString() {
        for (int i = 0; i < 20_000; i++) {
            String s = "m" + i;
            assertThat(strings.intern(s)).isEqualTo(s);
        }
        assertThat(strings.intern("m1")).isEqualTo("m1");
    }

    @Test
    void neverKeepsAStringLongerThanItsBound() {
        String longest = "x".repeat(StringInterner.MAX_LENGTH);
        assertThat(strings.intern(longest)).isSameAs(strings.intern(longest));
        String longer = longest + "x";
        assertThat(strings.intern(longer)).isEqualTo(longer).isNotSameAs(strings.intern(longer));
    }
}
