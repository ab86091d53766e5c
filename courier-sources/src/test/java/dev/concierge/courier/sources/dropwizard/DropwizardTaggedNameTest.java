package dev.concierge.courier.sources.dropwizard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Metric keys as Dropwizard Metrics 5's {@code MetricName.toString()} writes them: {@code key{tag=value, ...}}. */
class DropwizardTaggedNameTest {

    @Test
    void aKeyWithoutBracesIsANameWithoutLabels() {
        DropwizardTaggedName name = DropwizardTaggedName.parse("app.requests");

        assertThat(name).isEqualTo(new DropwizardTaggedName("app.requests", Labels.empty(), false));
    }

    @Test
    void readsTheTagsAfterTheKeySeparatedByACommaAndASpace() {
        assertThat(DropwizardTaggedName.parse("app.requests{method=GET, status=200}")).isEqualTo(
                new DropwizardTaggedName("app.requests", Labels.of("method", "GET", "status", "200"), false));
        assertThat(DropwizardTaggedName.parse("jobs{queue=io}"))
                .isEqualTo(new DropwizardTaggedName("jobs", Labels.of("queue", "io"), false));
    }

    @Test
    void keepsWhatAValueHoldsThatToStringDoesNotEscape() {
        // AbstractMap.toString writes values as they are: "=", braces and ", " not followed by a tag all stay.
        assertThat(DropwizardTaggedName.parse("q{expr=a=b, empty=, braces={x}}")).isEqualTo(new DropwizardTaggedName(
                "q", Labels.of("expr", "a=b", "empty", "", "braces", "{x}"), false));
        assertThat(DropwizardTaggedName.parse("http{path=/a, b, code=1}")).isEqualTo(
                new DropwizardTaggedName("http", Labels.of("path", "/a, b", "code", "1"), false));
        assertThat(DropwizardTaggedName.parse("my tagged.name{my tag=a value}")).isEqualTo(
                new DropwizardTaggedName("my tagged.name", Labels.of("my tag", "a value"), false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x{", "x{k=v", "x{k=v}y", "{k=v}", "x{}", "x{novalue}", "x{=v}", "x{a=1, a=2}",
            "GET /users/{id}", "/users/{id}/orders/{order}", "x}", "x{k=v, }"})
    void keepsAMalformedKeyWholeAsTheNameAndSaysSo(String key) {
        DropwizardTaggedName name = DropwizardTaggedName.parse(key);

        assertThat(name).isEqualTo(new DropwizardTaggedName(key, Labels.empty(), true));
    }
}
