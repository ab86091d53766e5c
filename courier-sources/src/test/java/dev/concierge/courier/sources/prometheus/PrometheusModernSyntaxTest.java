package dev.concierge.courier.sources.prometheus;

import static dev.concierge.courier.sources.prometheus.PrometheusTextParserTest.lines;
import static dev.concierge.courier.sources.prometheus.PrometheusTextParserTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Prometheus 3's quoted UTF-8 names (text 1.0.0 and OpenMetrics 1.0 with {@code escaping=allow-utf-8}) and
 * the text 0.0.4 edges that Prometheus's own parsers read.
 */
class PrometheusModernSyntaxTest {

    @Test
    void readsAQuotedMetricNameInsideTheBraces() {
        PrometheusParseResult result = parse("""
                # HELP "my.metric" Requests, "quoted".
                # TYPE "my.metric" counter
                {"my.metric", "a.b"="x", plain="y"} 1
                {"my.metric"} 2
                {code="200", "my.metric"} 3
                """, PrometheusFormat.TEXT_0_0_4);
        assertThat(result.problems()).isEmpty();
        assertThat(lines(result)).containsExactly(
                "counter my.metric{a.b=x, plain=y} D(1.0)",
                "counter my.metric{} D(2.0)",
                "counter my.metric{code=200} D(3.0)");
        assertThat(result.families()).containsOnly("my.metric");
    }

    @Test
    void readsQuotedLabelNamesAfterALegacyMetricName() {
        PrometheusParseResult result = parse("""
                http_requests_total{"http.status"="200","😀 label"="a\\"b\\\\c\\nd"} 7
                """, PrometheusFormat.TEXT_0_0_4);
        assertThat(result.problems()).isEmpty();
        assertThat(result.samples().get(0).labels())
                .isEqualTo(Labels.of("http.status", "200", "😀 label", "a\"b\\c\nd"));
    }

    @Test
    void keepsTheTrueUtf8NameWithItsEscapesResolved() {
        PrometheusParseResult result = parse("""
                # TYPE "ünïcode \\"name\\"" gauge
                {"ünïcode \\"name\\""} 1
                # EOF
                """, PrometheusFormat.OPENMETRICS_1_0);
        assertThat(result.problems()).isEmpty();
        assertThat(result.samples().get(0).name()).isEqualTo("ünïcode \"name\"");
        assertThat(result.samples().get(0).type().keyPrefix()).isEqualTo("gauge");
    }

    @Test
    void readsQuotedNamesInOpenMetricsMetadataSamplesAndExemplars() {
        PrometheusParseResult result = parse("""
                # TYPE "rpc.duration_seconds" histogram
                # UNIT "rpc.duration_seconds" seconds
                # HELP "rpc.duration_seconds" Duration.
                {"rpc.duration_seconds_bucket",le="1.0"} 1 # {"trace.id"="abc"} 0.5
                {"rpc.duration_seconds_bucket",le="+Inf"} 2
                {"rpc.duration_seconds_count"} 2
                {"rpc.duration_seconds_sum"} 0.7
                # EOF
                """, PrometheusFormat.OPENMETRICS_1_0);
        assertThat(result.problems()).isEmpty();
        assertThat(lines(result)).containsExactly(
                "histogram rpc.duration_seconds_bucket{le=1.0} I(1)",
                "histogram rpc.duration_seconds_bucket{le=+Inf} I(2)",
                "histogram rpc.duration_seconds_count{} I(2)",
                "histogram rpc.duration_seconds_sum{} D(0.7)");
    }

    @Test
    void readsTheUtf8CorpusWithoutAProblem() {
        PrometheusParseResult result = parse(PrometheusCorpus.utf8Names(), PrometheusFormat.OPENMETRICS_1_0);
        assertThat(result.problems()).isEmpty();
        assertThat(lines(result)).containsExactly(
                "counter my.requests_total{code=ok, http.status=200} D(3.0)",
                "histogram lat.s_bucket{le=0.5} I(1)",
                "histogram lat.s_bucket{le=+Inf} I(2)",
                "histogram lat.s_count{} I(2)",
                "histogram lat.s_sum{} D(0.75)",
                "untyped plain{ä.b=ü} D(1.0)");
        assertThat(result.starts()).singleElement().satisfies(start -> {
            assertThat(start.family()).isEqualTo("my.requests");
            assertThat(start.epochSecond()).isEqualTo(1_700_000_000L);
        });
    }

    /**
     * Exporters that serve a text 0.0.4 body as OpenMetrics name a counter family {@code x_total} and its
     * sample {@code x_total}. The Python reference parser refuses that (the sample would be
     * {@code x_total_total}); Prometheus's own OpenMetrics parser reads it, and so does the courier, whose
     * conformance cases do not include it.
     */
    @Test
    void readsACounterSampleNamedAsItsFamilyInOpenMetricsAsPrometheusDoes() {
        PrometheusParseResult result = parse("# TYPE a_total counter\na_total 2\n# EOF\n", PrometheusFormat.OPENMETRICS_1_0);
        assertThat(result.problems()).isEmpty();
        assertThat(lines(result)).containsExactly("counter a_total{} D(2.0)");
    }

    @Test
    void refusesTwoMetricNamesAndUnquotedNamesThatAreNotLegacy() {
        PrometheusParseResult result = parse("""
                a{"b"} 1
                {"a","b"} 1
                {a} 1
                {"a.b"=1} 1
                a.b 1
                {"bad\\q"} 1
                ok 1
                """, PrometheusFormat.TEXT_0_0_4);
        assertThat(result.problems()).extracting(PrometheusParseProblem::line).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(result.problems()).allSatisfy(p -> assertThat(p.column()).isPositive());
        assertThat(lines(result)).containsExactly("untyped ok{} D(1.0)");
    }

    @Test
    void readsAValueWrittenRightAfterTheClosingBraceInText004() {
        PrometheusParseResult result = parse("""
                a{x="1"}-Inf
                b{x="1"}2 1700000000000
                """, PrometheusFormat.TEXT_0_0_4);
        assertThat(result.problems()).isEmpty();
        assertThat(lines(result)).containsExactly("untyped a{x=1} D(-Infinity)", "untyped b{x=1} D(2.0) @1700000000.0");
    }

    @Test
    void refusesAValueRightAfterTheBraceInOpenMetrics() {
        PrometheusParseResult result = parse("a{x=\"1\"}1\n# EOF\n", PrometheusFormat.OPENMETRICS_1_0);
        assertThat(result.problems()).extracting(PrometheusParseProblem::line).containsExactly(1);
    }

    @Test
    void keepsAHistogramWhoseLinesAreInterleavedWithAnotherFamilysInText004() {
        PrometheusParseResult result = parse("""
                # TYPE rpc histogram
                rpc_bucket{le="1"} 1
                # TYPE load gauge
                load 0.5
                rpc_bucket{le="+Inf"} 2
                other 3
                rpc_sum 0.75
                rpc_count 2
                # TYPE lat summary
                lat{quantile="0.5"} 0.1
                load2 1
                lat_count 4
                """, PrometheusFormat.TEXT_0_0_4);
        assertThat(result.problems()).isEmpty();
        assertThat(lines(result)).containsExactly(
                "histogram rpc_bucket{le=1.0} I(1)",
                "gauge load{} D(0.5)",
                "histogram rpc_bucket{le=+Inf} I(2)",
                "untyped other{} D(3.0)",
                "histogram rpc_sum{} D(0.75)",
                "histogram rpc_count{} I(2)",
                "summary lat{quantile=0.5} D(0.1)",
                "untyped load2{} D(1.0)",
                "summary lat_count{} I(4)");
        assertThat(result.families()).containsExactly("rpc", "load", "rpc", "other", "rpc", "rpc", "lat", "load2", "lat");
    }

    @Test
    void forgetsTheTypedFamiliesOfThePreviousScrape() {
        PrometheusTextParser parser = new PrometheusTextParser();
        byte[] typed = "# TYPE rpc histogram\nrpc_bucket{le=\"+Inf\"} 1\nload 1\nrpc_count 1\n".getBytes(StandardCharsets.UTF_8);
        byte[] untyped = "load 1\nrpc_count 1\n".getBytes(StandardCharsets.UTF_8);

        parser.parse(typed, PrometheusFormat.TEXT_0_0_4, PrometheusTextParserTest.SCRAPED, "h", "s");
        PrometheusParseResult second = parser.parse(untyped, PrometheusFormat.TEXT_0_0_4, PrometheusTextParserTest.SCRAPED, "h", "s");
        PrometheusParseResult third = parser.parse(typed, PrometheusFormat.TEXT_0_0_4, PrometheusTextParserTest.SCRAPED, "h", "s");

        assertThat(lines(second)).containsExactly("untyped load{} D(1.0)", "untyped rpc_count{} D(1.0)");
        assertThat(lines(third)).containsExactly("histogram rpc_bucket{le=+Inf} I(1)", "untyped load{} D(1.0)",
                "histogram rpc_count{} I(1)");
    }

    @Test
    void readsEverySpellingOfGaugeHistogramInText004() {
        PrometheusParseResult result = parse("""
                # TYPE a gaugehistogram
                a_bucket{le="+Inf"} 3
                a_gcount 3
                a_gsum 1.5
                # TYPE b gauge_histogram
                b_bucket{le="+Inf"} 2
                b_count 2
                b_sum 0.5
                # TYPE c GAUGE_HISTOGRAM
                c_bucket{le="+Inf"} 1
                # TYPE d Counter
                d 1
                """, PrometheusFormat.TEXT_0_0_4);
        assertThat(result.problems()).isEmpty();
        assertThat(lines(result)).containsExactly(
                "histogram a_bucket{le=+Inf} I(3)", "histogram a_gcount{} I(3)", "histogram a_gsum{} D(1.5)",
                "histogram b_bucket{le=+Inf} I(2)", "histogram b_count{} I(2)", "histogram b_sum{} D(0.5)",
                "histogram c_bucket{le=+Inf} I(1)", "counter d{} D(1.0)");
    }

    @Test
    void takesCreatedAsTheStartTimeOfItsSeries() {
        PrometheusParseResult result = parse("""
                # TYPE rq counter
                rq_total{code="200"} 5
                rq_created{code="200"} 1520430000.123
                # EOF
                """, PrometheusFormat.OPENMETRICS_1_0);
        assertThat(result.problems()).isEmpty();
        assertThat(lines(result)).containsExactly("counter rq_total{code=200} D(5.0)");
        assertThat(result.starts()).singleElement().satisfies(start -> {
            assertThat(start.family()).isEqualTo("rq");
            assertThat(start.labels()).isEqualTo(Labels.of("code", "200"));
            assertThat(start.epochSecond()).isEqualTo(1520430000L);
            assertThat(start.nanos()).isEqualTo(123_000_000);
        });
    }
}
