package dev.concierge.courier.core.process;

import static dev.concierge.courier.core.process.TestSamples.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.settings.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Prometheus's label matcher semantics, and the parser of its selector syntax. */
class SampleSelectorTest {
    private static final Sample API_500 = sample("http_requests_total", "job", "api", "code", "500", "env", "prod");

    private static boolean matches(String selector, Sample sample) {
        return SampleSelector.parse(selector).matches(sample);
    }

    @Test
    void equalityAndRegexMatchersMatchTheWholeValue() {
        assertThat(matches("{job=\"api\"}", API_500)).isTrue();
        assertThat(matches("{job=\"ap\"}", API_500)).isFalse();
        assertThat(matches("{code=~\"5..\"}", API_500)).isTrue();
        assertThat(matches("{code=~\"5\"}", API_500)).as("anchored, not a substring search").isFalse();
        assertThat(matches("{code=~\"50|500\"}", API_500)).as("the alternation is anchored as a whole").isTrue();
        assertThat(matches("{env!=\"dev\"}", API_500)).isTrue();
        assertThat(matches("{env!~\"pr.*|dev\"}", API_500)).isFalse();
        assertThat(matches("{x!~\"a|b\"}", API_500)).isTrue();
    }

    @Test
    void everyMatcherMustMatch() {
        assertThat(matches("{job=\"api\", code=~\"5..\", env!=\"dev\", x!~\"a|b\"}", API_500)).isTrue();
        assertThat(matches("{job=\"api\", code=~\"4..\"}", API_500)).isFalse();
    }

    @Test
    void aMissingLabelHasTheEmptyValue() {
        Sample unlabelled = sample("up");
        assertThat(matches("{team=\"\"}", unlabelled)).isTrue();
        assertThat(matches("{team!=\"\"}", unlabelled)).isFalse();
        assertThat(matches("{team=~\".*\"}", unlabelled)).isTrue();
        assertThat(matches("{team=~\".+\"}", unlabelled)).isFalse();
        assertThat(matches("{team!~\"x\"}", unlabelled)).isTrue();
        assertThat(matches("{team=\"\"}", sample("up", "team", ""))).isTrue();
    }

    @Test
    void nameLabelIsTheMetricName() {
        assertThat(matches("{__name__=~\"http_.+\", job=\"api\"}", API_500)).isTrue();
        assertThat(matches("{__name__=\"up\"}", API_500)).isFalse();
    }

    @Test
    void aGlobBeforeTheBracesSelectsTheName() {
        assertThat(matches("http_*{code=~\"5..\"}", API_500)).isTrue();
        assertThat(matches("grpc_*{code=~\"5..\"}", API_500)).isFalse();
        assertThat(matches("http_requests_total", API_500)).isTrue();
        assertThat(matches("/http_.*_total/", API_500)).isTrue();
        assertThat(matches("{}", API_500)).isTrue();
    }

    @Test
    void readsQuotesAndEscapesAsPromql() {
        Sample path = sample("x", "path", "C:\\dir \"a\"\n", "raw", "a\\d");
        assertThat(matches("{path=\"C:\\\\dir \\\"a\\\"\\n\"}", path)).isTrue();
        assertThat(matches("{path='C:\\\\dir \"a\"\\n'}", path)).isTrue();
        assertThat(matches("{raw=`a\\d`}", path)).isTrue();
        assertThat(matches("{raw=~`a\\\\d`}", path)).isTrue();
        assertThat(matches("{raw=\"\\x61\\\\d\"}", path)).isTrue();
        assertThat(matches("{ raw = \"a\\\\d\" , }", path)).as("spaces and a trailing comma").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{job=api}", "{job=\"api\"", "{job==\"api\"}", "{=\"api\"}", "{1job=\"a\"}", "{job=\"a\" code=\"b\"}",
            "{job=\"a\"} x", "{job=~\"(\"}", "{job=\"\\q\"}", "node_*{__name__=\"x\"}", "node cpu", "{job:\"a\"}"
    })
    void refusesWhatPromqlRefuses(String selector) {
        assertThatThrownBy(() -> SampleSelector.parse(selector)).isInstanceOf(InvalidValueException.class);
    }

    @Test
    void saysWhereAndWhatWasExpected() {
        assertThatThrownBy(() -> SampleSelector.parse("{job=api}"))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.expected())
                        .isEqualTo("label matchers such as {job=\"api\", code=~\"5..\"}; a quoted value at column 6"));
        assertThatThrownBy(() -> SampleSelector.parse("{job=~\"(\"}"))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.expected())
                        .startsWith("job=~: a regular expression (Unclosed group"));
    }

    @Test
    void findsMatchersThatContradictEachOther() {
        assertThat(SampleSelector.parse("{job=\"a\", job=\"b\"}").contradiction())
                .isEqualTo("job=\"a\" and job=\"b\"");
        assertThat(SampleSelector.parse("{job=\"a\", job!=\"a\"}").contradiction()).isNotNull();
        assertThat(SampleSelector.parse("{job=\"a\", job=~\"b.*\"}").contradiction()).isNotNull();
        assertThat(SampleSelector.parse("{job=\"a\", job=~\"a|b\"}").contradiction()).isNull();
        assertThat(SampleSelector.parse("{job=~\"a.*\", job!~\"ab\"}").contradiction()).isNull();
    }
}
