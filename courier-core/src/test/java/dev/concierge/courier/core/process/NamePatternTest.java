package dev.concierge.courier.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.settings.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamePatternTest {

    @ParameterizedTest
    @CsvSource({
            "node_load1, node_load1, true",
            "node_load1, node_load15, false",
            "node_cpu_*, node_cpu_seconds_total, true",
            "node_cpu_*, node_cpu_, true",
            "node_cpu_*, xnode_cpu_seconds, false",
            "app.*.p99, app.requests.get.p99, true",
            "app.req?, app.reqs, true",
            "app.req?, app.req, false",
            "a.b, aXb, false",
            "/node_(load1|load5)/, node_load5, true",
            "/node_(load1|load5)/, node_load15, false",
            "/node_.+/, node_, false",
            "a*b*c, aXbYbZc, true",
            "a*b*c, aXbYbZ, false",
            "*a, aaa, true",
            "*a, aab, false",
            "**, '', true",
            "*, '', true",
            "a*, '', false",
            "?*?, ab, true",
            "?*?, a, false",
            "*_total, node_cpu_seconds_total, true",
            "*_total*, node_total_x, true",
    })
    void matchesTheWholeNameAsGlobOrRegex(String pattern, String name, boolean matches) {
        assertThat(NamePattern.parse(pattern).matches(name)).isEqualTo(matches);
    }

    @Test
    void globsTakeRegexCharactersLiterally() {
        assertThat(NamePattern.parse("a+b(*)").matches("a+b(x)")).isTrue();
        assertThat(NamePattern.parse("a+b(*)").matches("aab(x)")).isFalse();
    }

    @Test
    void refusesAnInvalidRegexAndAnEmptyPattern() {
        assertThatThrownBy(() -> NamePattern.parse("/node_(/"))
                .isInstanceOfSatisfying(InvalidValueException.class,
                        e -> assertThat(e.expected()).startsWith("a regular expression (Unclosed group"));
        assertThatThrownBy(() -> NamePattern.parse("")).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void isEqualWhenWrittenTheSame() {
        assertThat(NamePattern.parse("node_*")).isEqualTo(NamePattern.parse("node_*"))
                .isNotEqualTo(NamePattern.parse("node_?"));
    }
}
