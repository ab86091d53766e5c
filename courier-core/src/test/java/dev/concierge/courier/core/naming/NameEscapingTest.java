package dev.concierge.courier.core.naming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.NameSyntax;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NameEscapingTest {

    /**
     * Every case of {@code TestEscapeName} in prometheus/common {@code model/metric_test.go}: input, then the
     * {@code underscores}, {@code dots} and {@code values} results ({@code EscapeName} applied whatever the input).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "''|''|''|''",
            "no:escaping_required|no:escaping_required|no:escaping__required|no:escaping_required",
            "mysystem.prod.west.cpu.load|mysystem_prod_west_cpu_load|mysystem_dot_prod_dot_west_dot_cpu_dot_load"
                    + "|U__mysystem_2e_prod_2e_west_2e_cpu_2e_load",
            "mysystem.prod.west.cpu.load_total|mysystem_prod_west_cpu_load_total"
                    + "|mysystem_dot_prod_dot_west_dot_cpu_dot_load__total"
                    + "|U__mysystem_2e_prod_2e_west_2e_cpu_2e_load__total",
            "http.status:sum|http_status:sum|http_dot_status:sum|U__http_2e_status:sum",
            "label with \uD83D\uDE31|label_with__|label__with____|U__label_20_with_20__1f631_",
            "\u82B1\u706B|__|____|U___82b1__706b_",
            "label with \u0100|label_with__|label__with____|U__label_20_with_20__100_",
    })
    void escapesAsPrometheusCommonEscapeNameDoes(String input, String underscores, String dots, String values) {
        assertThat(NameEscaping.UNDERSCORES.escape(input)).isEqualTo(underscores);
        assertThat(NameEscaping.DOTS.escape(input)).isEqualTo(dots);
        assertThat(NameEscaping.VALUES.escape(input)).isEqualTo(values);
        assertThat(NameEscaping.NONE.escape(input)).isEqualTo(input);
    }

    @Test
    void escapesTheFamilyOfTestEscapeMetricFamily() {
        // prometheus/common metric_test.go TestEscapeMetricFamily: the names that need escaping, per scheme.
        assertThat(NameEscaping.VALUES.escape("my.metric")).isEqualTo("U__my_2e_metric");
        assertThat(NameEscaping.VALUES.escape("some.label")).isEqualTo("U__some_2e_label");
        assertThat(NameEscaping.VALUES.escape("some?label")).isEqualTo("U__some_3f_label");
        assertThat(NameEscaping.DOTS.escape("unicode.and.dots.\u82B1\u706B"))
                .isEqualTo("unicode_dot_and_dot_dots_dot_____");
    }

    @Test
    void aLeadingDigitIsOutsideTheLegacySet() {
        assertThat(NameEscaping.UNDERSCORES.escape("1st")).isEqualTo("_st");
        assertThat(NameEscaping.VALUES.escape("1st")).isEqualTo("U___31_st");
        assertThat(NameEscaping.isLegacyValid("a1:b_c")).isTrue();
        assertThat(NameEscaping.isLegacyValid("1a")).isFalse();
        assertThat(NameEscaping.isLegacyValid("")).isFalse();
        assertThat(NameEscaping.isLegacyValid("a.b")).isFalse();
    }

    @Test
    void aLoneSurrogateIsEncodedAsTheReplacementCharacter() {
        // Go's range over an invalid UTF-8 sequence yields U+FFFD; a Java String can only hold it as a lone surrogate.
        assertThat(NameEscaping.VALUES.escape("a\uD800b")).isEqualTo("U__a_FFFD_b");
        assertThat(NameEscaping.UNDERSCORES.escape("a\uD800b")).isEqualTo("a_b");
    }

    @Test
    void readsTheSchemesByTheirConfigNames() {
        assertThat(NameEscaping.ofConfigName("underscores")).contains(NameEscaping.UNDERSCORES);
        assertThat(NameEscaping.ofConfigName("dots")).contains(NameEscaping.DOTS);
        assertThat(NameEscaping.ofConfigName("values")).contains(NameEscaping.VALUES);
        assertThat(NameEscaping.ofConfigName("none")).contains(NameEscaping.NONE);
        assertThat(NameEscaping.ofConfigName("Underscores")).isEqualTo(Optional.empty());
        assertThat(NameEscaping.configNames()).containsExactly("underscores", "dots", "values", "none");
        assertThat(NameEscaping.DEFAULT).isEqualTo(NameEscaping.UNDERSCORES);
    }

    private static Sample prometheus(String name, Labels labels) {
        return new Sample(name, labels, MetricType.COUNTER, null, SampleValue.of(1L), 1_700_000_000L, 0, "web-01",
                "node", NameSyntax.PROMETHEUS);
    }

    @Test
    void escapesTheNamesOfPrometheusSamplesOutsideTheLegacySetOnly() {
        Sample sample = prometheus("my.metric", Labels.of("a.b", "x.y", "legacy_name", "v"));

        Sample escaped = NameEscaping.UNDERSCORES.apply(sample);

        assertThat(escaped.name()).isEqualTo("my_metric");
        assertThat(escaped.labels()).isEqualTo(Labels.of("a_b", "x.y", "legacy_name", "v"));
        assertThat(escaped.nameSyntax()).isEqualTo(NameSyntax.VERBATIM);
        assertThat(escaped.value()).isEqualTo(sample.value());
        assertThat(escaped.host()).isEqualTo("web-01");
        assertThat(NameEscaping.UNDERSCORES.apply(escaped)).isSameAs(escaped);
    }

    @Test
    void keepsALegacyNameAsItIsUnderEveryScheme() {
        // As EscapeMetricFamily does: dots would double the underscores of a name that needs no escaping.
        Sample legacy = prometheus("node_cpu_seconds_total", Labels.of("cpu_mode", "idle"));

        for (NameEscaping scheme : NameEscaping.values()) {
            assertThat(scheme.apply(legacy)).as(scheme.configName()).isSameAs(legacy);
        }
    }

    @Test
    void keepsTheKeyOfAnExporterThatMovedToUtf8UnderTheDefault() {
        Sample before = prometheus("my_metric", Labels.of("a_b", "x"));
        Sample after = prometheus("my.metric", Labels.of("a.b", "x"));

        Sample escaped = NameEscaping.DEFAULT.apply(after);

        assertThat(escaped.name()).isEqualTo(before.name());
        assertThat(escaped.labels()).isEqualTo(before.labels());
    }

    @Test
    void neverEscapesVerbatimNames() {
        Sample dropwizard = Sample.of("app.requests", MetricType.TIMER, "p99", SampleValue.of(0.2),
                java.time.Instant.EPOCH, "app-01", "app");
        Sample item = new Sample("custom.key[a b]", Labels.empty(), MetricType.ITEM, null, SampleValue.of("1"),
                0, 0, "web-01", "intake", NameSyntax.PROMETHEUS);

        for (NameEscaping scheme : NameEscaping.values()) {
            assertThat(scheme.apply(dropwizard)).isSameAs(dropwizard);
            assertThat(scheme.apply(item)).as("a Zabbix key a client wrote").isSameAs(item);
        }
    }

    @Test
    void valuesAndDotsTellApartWhatUnderscoresMerges() {
        Sample dotted = prometheus("a.b", Labels.empty());
        Sample underscored = prometheus("a_b", Labels.empty());

        assertThat(NameEscaping.UNDERSCORES.apply(dotted).name()).isEqualTo(underscored.name());
        assertThat(NameEscaping.VALUES.apply(dotted).name()).isEqualTo("U__a_2e_b");
        assertThat(NameEscaping.DOTS.apply(dotted).name()).isEqualTo("a_dot_b");
        assertThat(NameEscaping.NONE.apply(dotted)).isSameAs(dotted);
    }
}
