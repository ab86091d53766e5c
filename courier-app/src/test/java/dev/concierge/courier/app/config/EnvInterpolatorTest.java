package dev.concierge.courier.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvInterpolatorTest {
    private final EnvInterpolator interpolator = new EnvInterpolator(Map.of(
            "ZBX_HOST", "zabbix.example.com",
            "ZBX_PORT", "10051",
            "EMPTY", ""));
    private final List<String> problems = new ArrayList<>();

    private String interpolate(String text) {
        return interpolator.interpolate(text,
                (found, expected) -> problems.add(found + " (expected: " + expected + ")"));
    }

    @Test
    void replacesASetVariable() {
        assertThat(interpolate("${ZBX_HOST}")).isEqualTo("zabbix.example.com");
        assertThat(problems).isEmpty();
    }

    @Test
    void reportsAnUnsetVariable() {
        assertThat(interpolate("${NOPE}")).isEmpty();
        assertThat(problems).containsExactly(
                "NOPE is not set (expected: NOPE set in the environment, or a default as ${NOPE:-default})");
    }

    @Test
    void keepsAnEmptyValueForThePlainForm() {
        assertThat(interpolate("[${EMPTY}]")).isEqualTo("[]");
        assertThat(problems).isEmpty();
    }

    @Test
    void usesTheDefaultWhenUnsetOrEmpty() {
        assertThat(interpolate("${NOPE:-localhost}")).isEqualTo("localhost");
        assertThat(interpolate("${EMPTY:-localhost}")).isEqualTo("localhost");
        assertThat(interpolate("${ZBX_HOST:-localhost}")).isEqualTo("zabbix.example.com");
        assertThat(interpolate("${NOPE:-}")).isEmpty();
        assertThat(interpolate("${NOPE:-http://a:b@c/d?e=f}")).isEqualTo("http://a:b@c/d?e=f");
        assertThat(problems).isEmpty();
    }

    @Test
    void reportsTheMessageWhenRequiredAndUnsetOrEmpty() {
        assertThat(interpolate("${ZBX_HOST:?set the Zabbix server}")).isEqualTo("zabbix.example.com");
        interpolate("${NOPE:?set the Zabbix server}");
        interpolate("${EMPTY:?must not be empty}");
        interpolate("${NOPE:?}");

        assertThat(problems).containsExactly(
                "set the Zabbix server (expected: NOPE set to a non-empty value)",
                "must not be empty (expected: EMPTY set to a non-empty value)",
                "NOPE is not set or empty (expected: NOPE set to a non-empty value)");
    }

    @Test
    void replacesSeveralReferencesInOneValue() {
        assertThat(interpolate("${ZBX_HOST}:${ZBX_PORT}/${PATH_PART:-api}")).isEqualTo("zabbix.example.com:10051/api");
        assertThat(problems).isEmpty();
    }

    @Test
    void reportsEveryUnresolvedReferenceInOneValue() {
        interpolate("${A}:${B}");

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("A is not set");
        assertThat(problems.get(1)).startsWith("B is not set");
    }

    @Test
    void doubleDollarIsALiteralDollar() {
        assertThat(interpolate("$${ZBX_HOST}")).isEqualTo("${ZBX_HOST}");
        assertThat(interpolate("cost: $$5")).isEqualTo("cost: $5");
        assertThat(interpolate("$$$${ZBX_PORT}")).isEqualTo("$${ZBX_PORT}");
        assertThat(interpolate("$$${ZBX_PORT}")).isEqualTo("$10051");
        assertThat(problems).isEmpty();
    }

    @Test
    void keepsADollarThatStartsNoReference() {
        assertThat(interpolate("pa$word$")).isEqualTo("pa$word$");
        assertThat(problems).isEmpty();
    }

    @Test
    void reportsMalformedReferences() {
        interpolate("${ZBX_HOST");
        interpolate("${}");
        interpolate("${1ST}");
        interpolate("${ZBX_HOST:=x}");
        interpolate("${A:-${B}}");

        assertThat(problems).hasSize(5);
        assertThat(problems.get(0)).startsWith("unterminated reference ${ZBX_HOST (expected: ${NAME}");
        assertThat(problems.get(1)).startsWith("unsupported reference ${} (expected: ");
        assertThat(problems.get(2)).startsWith("unsupported reference ${1ST} (expected: ");
        assertThat(problems.get(3)).startsWith("unsupported reference ${ZBX_HOST:=x} (expected: ");
        assertThat(problems.get(4)).startsWith("nested reference ${A:-${B} (expected: ");
    }

    @Test
    void doesNotInterpolateSubstitutedValuesAgain() {
        EnvInterpolator selfReferencing = new EnvInterpolator(Map.of("LOOP", "${LOOP}"));

        assertThat(selfReferencing.interpolate("${LOOP}", (found, expected) -> problems.add(found)))
                .isEqualTo("${LOOP}");
        assertThat(problems).isEmpty();
    }
}
