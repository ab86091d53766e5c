package dev.concierge.courier.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Go's {@code regexp.Expand} rules, as Prometheus's relabelling applies them. */
class ReplacementTemplateTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "$1|foo",
            "${1}|foo",
            "${1}_${2}|foo_bar",
            "$1_$2|bar",
            "$1x|''",
            "${1}x|foox",
            "$first-$second|foo-bar",
            "${first}|foo",
            "$$1|$1",
            "$3|''",
            "a$|a$",
            "${1|${1",
            "$-|$-",
            "no references|no references",
    })
    void expandsReferencesAsGoDoes(String template, String expected) {
        Matcher match = Pattern.compile("(?<first>f..);(?<second>b..)").matcher("foo;bar");
        assertThat(match.matches()).isTrue();
        assertThat(ReplacementTemplate.of(template).expand(match)).isEqualTo(expected);
    }
}
