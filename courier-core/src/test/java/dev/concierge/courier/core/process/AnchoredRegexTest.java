package dev.concierge.courier.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnchoredRegexTest {

    @ParameterizedTest
    @CsvSource({
            "node_cpu_.+, node_cpu_",
            "node_never_0;.*, node_never_0;",
            "abc, abc",
            "ab?c, a",
            "ab*c, a",
            "'ab{0,2}c', a",
            "ab+c, ab",
            "a|b, ''",
            "(node)_x, ''",
            "node\\.x, node",
            "(?i)node, ''",
            "[a-z]+, ''",
    })
    void takesOnlyAPrefixEveryMatchMustStartWith(String regex, String prefix) {
        assertThat(AnchoredRegex.requiredPrefix(regex)).isEqualTo(prefix);
    }

    @ParameterizedTest
    @CsvSource({
            "ab?c, ac, true",
            "ab*c, ac, true",
            "'ab{0,2}c', abbc, true",
            "node\\.x, node.x, true",
            "node\\.x, nodeXx, false",
            "node_cpu_.+, node_mem, false",
            "node_cpu_.+, node_cpu_, false",
            "node_cpu_.+, node_cpu_x, true",
            "(?i)node, NODE, true",
    })
    void matchesAsTheRegexDoesWithThePrefixCheckedFirst(String regex, String value, boolean matches) {
        assertThat(AnchoredRegex.of(regex).matches(value)).isEqualTo(matches);
        assertThat(AnchoredRegex.of(regex).match(value) != null).isEqualTo(matches);
    }
}
