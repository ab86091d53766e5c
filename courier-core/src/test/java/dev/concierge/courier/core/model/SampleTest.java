package dev.concierge.courier.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SampleTest {

    @Test
    void estimatesHeadersPlusOneBytePerCharacterOnceWhenBuilt() {
        Sample sample = new Sample("jobs", Labels.of("q", "io"), MetricType.GAUGE, "p99", SampleValue.of("up"),
                0, 0, "app-01", "src");

        // sample + name, host, source strings; labels: array + one string each; field; text value
        int expected = 96 + (40 + 4) + (40 + 6) + (40 + 3) + (16 + 8 * 2 + 40 + 1 + 40 + 2) + (40 + 3) + (40 + 2);
        assertThat(sample.estimatedBytes()).isEqualTo(expected);
    }

    @Test
    void leavesOutAnAbsentFieldAndANumericValue() {
        Sample sample = new Sample("jobs", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(3L), 0, 0,
                "app-01", "src");

        assertThat(sample.estimatedBytes()).isEqualTo(96 + (40 + 4) + (40 + 6) + (40 + 3) + 16);
    }

    @Test
    void reportsAMissingNameByName() {
        assertThatThrownBy(() -> new Sample(null, Labels.empty(), MetricType.GAUGE, null, SampleValue.of(3L), 0,
                0, "app-01", "src"))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("name");
    }

    @Test
    void rejectsANegativeEstimate() {
        assertThatThrownBy(() -> new Sample("jobs", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(3L),
                0, 0, "app-01", "src", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("estimatedBytes: -1 (expected: >= 0)");
    }

    @Test
    void withersChangeOneFieldReestimateAndGiveTheSameSampleForAnEqualValue() {
        Sample sample = new Sample("jobs", Labels.of("q", "io"), MetricType.TIMER, "p99", SampleValue.of(3L), 7, 8,
                "app-01", "src");

        Sample renamed = sample.withName("jobs.total").withHost("app-02").withLabels(Labels.empty());

        assertThat(renamed).isEqualTo(new Sample("jobs.total", Labels.empty(), MetricType.TIMER, "p99",
                SampleValue.of(3L), 7, 8, "app-02", "src"));
        assertThat(sample.withName("jobs").withHost("app-01").withLabels(Labels.of("q", "io"))).isSameAs(sample);
    }

    @Test
    void namesAreVerbatimUnlessTheSourceSaysPrometheusAndARuleThatRenamesMakesThemVerbatim() {
        Sample plain = new Sample("jobs", Labels.empty(), MetricType.GAUGE, null, SampleValue.of(3L), 0, 0, "h", "s");
        Sample scraped = new Sample("my.jobs", Labels.of("a.b", "x"), MetricType.GAUGE, null, SampleValue.of(3L), 0,
                0, "h", "s", NameSyntax.PROMETHEUS);

        assertThat(plain.nameSyntax()).isEqualTo(NameSyntax.VERBATIM);
        assertThat(scraped.withLabels(Labels.empty()).nameSyntax()).isEqualTo(NameSyntax.PROMETHEUS);
        assertThat(scraped.withHost("other").nameSyntax()).isEqualTo(NameSyntax.PROMETHEUS);
        assertThat(scraped.withName("my.jobs")).isSameAs(scraped);
        // A name an operator's rule wrote is sent as written: no sink escapes it.
        assertThat(scraped.withName("app.jobs").nameSyntax()).isEqualTo(NameSyntax.VERBATIM);
        assertThat(scraped).isNotEqualTo(new Sample("my.jobs", Labels.of("a.b", "x"), MetricType.GAUGE, null,
                SampleValue.of(3L), 0, 0, "h", "s"));
        assertThat(scraped.estimatedBytes()).isEqualTo(new Sample("my.jobs", Labels.of("a.b", "x"), MetricType.GAUGE,
                null, SampleValue.of(3L), 0, 0, "h", "s").estimatedBytes());
    }
}
