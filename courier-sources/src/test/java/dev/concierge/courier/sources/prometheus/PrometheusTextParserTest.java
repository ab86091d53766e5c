package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Golden parses of both formats: every sample as type, name, labels, value kind and value, and time. */
class PrometheusTextParserTest {
    static final Instant SCRAPED = Instant.parse("2026-03-01T12:00:00Z");

    static PrometheusParseResult parse(String text, PrometheusFormat format) {
        return new PrometheusTextParser().parse(text.getBytes(StandardCharsets.UTF_8), format, SCRAPED, "h", "s");
    }

    /** {@code type name{labels} Kind(value)} plus {@code @seconds.nanos} when not the scrape time. */
    static String line(Sample s) {
        String value = s.value() instanceof SampleValue.Integer i ? "I(" + i.value() + ")"
                : s.value() instanceof SampleValue.Decimal d ? "D(" + d.value() + ")" : "T(" + s.value().render() + ")";
        String at = s.timestamp().equals(SCRAPED) ? "" : " @" + s.epochSecond() + "." + s.nanos();
        return s.type().keyPrefix() + " " + s.name() + s.labels() + " " + value + at;
    }

    static List<String> lines(PrometheusParseResult result) {
        return result.samples().stream().map(PrometheusTextParserTest::line).toList();
    }

    @Test
    void parsesEveryFeatureOfTheTextFormat() {
        PrometheusParseResult result = parse("""
                # HELP http_requests_total The total number of HTTP requests.
                # TYPE http_requests_total counter
                http_requests_total{method="post",code="200"} 1027 1395066363000
                http_requests_total{method="post",code="400"}    3 1395066363000
                # A free comment is ignored.

                msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
                metric_without_timestamp_and_labels 12.47
                something_weird{problem="division by zero"} +Inf -3982045
                # TYPE go_gc_duration_seconds summary
                go_gc_duration_seconds{quantile="0"} 4.9351e-05
                go_gc_duration_seconds{quantile="1"} NaN
                go_gc_duration_seconds_sum 0.0005
                go_gc_duration_seconds_count 12
                # TYPE http_request_duration_seconds histogram
                http_request_duration_seconds_bucket{le="0.05"} 24054
                http_request_duration_seconds_bucket{le="1"} 33444
                http_request_duration_seconds_bucket{le="+Inf"} 144320
                http_request_duration_seconds_sum 53423
                http_request_duration_seconds_count 144320
                # TYPE node_load1 gauge
                node_load1 -Inf
                # TYPE node_info untyped
                node_info{version="1.5.0",empty="",} 1
                """, PrometheusFormat.TEXT_0_0_4);

        assertThat(result.problems()).isEmpty();
        assertThat(lines(result)).containsExactly(
                "counter http_requests_total{code=200, method=post} D(1027.0) @1395066363.0",
                "counter http_requests_total{code=400, method=post} D(3.0) @1395066363.0",
                "untyped msdos_file_access_time_seconds{error=Cannot find file:\n\"FILE.TXT\", path=C:\\DIR\\FILE.TXT} D(1.458255915E9)",
                "untyped metric_without_timestamp_and_labels{} D(12.47)",
                "untyped something_weird{problem=division by zero} D(Infinity) @-3983.955000000",
                "summary go_gc_duration_seconds{quantile=0.0} D(4.9351E-5)",
                "summary go_gc_duration_seconds{quantile=1.0} D(NaN)",
                "summary go_gc_duration_seconds_sum{} D(5.0E-4)",
                "summary go_gc_duration_seconds_count{} I(12)",
                "histogram http_request_duration_seconds_bucket{le=0.05} I(24054)",
                "histogram http_request_duration_seconds_bucket{le=1.0} I(33444)",
                "histogram http_request_duration_seconds_bucket{le=+Inf} I(144320)",
                "histogram http_request_duration_seconds_sum{} D(53423.0)",
                "histogram http_request_duration_seconds_count{} I(144320)",
                "gauge node_load1{} D(-Infinity)",
                "untyped node_info{version=1.5.0} D(1.0)");
        assertThat(result.families()).containsExactly("http_requests_total", "http_requests_total",
                "msdos_file_access_time_seconds", "metric_without_timestamp_and_labels", "something_weird",
                "go_gc_duration_seconds", "go_gc_duration_seconds", "go_gc_duration_seconds",
                "go_gc_duration_seconds", "http_request_duration_seconds", "http_request_duration_seconds",
                "http_request_duration_seconds", "http_request_duration_seconds", "http_request_duration_seconds",
                "node_load1", "node_info");
        assertThat(result.samples()).allSatisfy(s -> {
            assertThat(s.host()).isEqualTo("h");
            assertThat(s.source()).isEqualTo("s");
            assertThat(s.field()).isNull();
        });
    }

    @Test
    void parsesEveryFeatureOfOpenMetrics() {
        PrometheusParseResult result = parse("""
                # TYPE acme_http_router_request_seconds summary
                # UNIT acme_http_router_request_seconds seconds
                # HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
                acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
                acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
                acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
                # TYPE go_goroutines gauge
                go_goroutines 69
                # TYPE process_cpu_seconds counter
                # UNIT process_cpu_seconds seconds
                process_cpu_seconds_total 4.20072246e+06 1520879607.789
                process_cpu_seconds_created 1520000000 1520879607.789
                # TYPE foo histogram
                foo_bucket{le="0.0"} 0
                foo_bucket{le="1e-05"} 0
                foo_bucket{le="1.0"} 11 # {trace_id="KOO5S4vxi0o"} 0.67 1520879607.789
                foo_bucket{le="+Inf"} 17 # {trace_id="oHg5SJYRHA0",span="a \\"}\\" # b"} 9.8
                foo_count 17
                foo_sum 324789.3
                foo_created 1520430000.123
                # TYPE cpu_state stateset
                cpu_state{cpu_state="busy"} 1
                cpu_state{cpu_state="idle"} 0
                # TYPE build info
                build_info{version="1.2.3"} 1
                # TYPE pool_size gaugehistogram
                pool_size_bucket{le="10"} 3
                pool_size_bucket{le="+Inf"} 5
                pool_size_gcount 5
                pool_size_gsum 21
                # TYPE mystery unknown
                mystery -1.5e-3 -1.25
                # EOF
                """, PrometheusFormat.OPENMETRICS_1_0);

        assertThat(result.problems()).isEmpty();
        assertThat(lines(result)).containsExactly(
                "summary acme_http_router_request_seconds_sum{method=GET, path=/api/v1} D(9036.32)",
                "summary acme_http_router_request_seconds_count{method=GET, path=/api/v1} I(807283)",
                "gauge go_goroutines{} D(69.0)",
                "counter process_cpu_seconds_total{} D(4200722.46) @1520879607.789000000",
                "histogram foo_bucket{le=0.0} I(0)",
                "histogram foo_bucket{le=1e-05} I(0)",
                "histogram foo_bucket{le=1.0} I(11)",
                "histogram foo_bucket{le=+Inf} I(17)",
                "histogram foo_count{} I(17)",
                "histogram foo_sum{} D(324789.3)",
                "gauge cpu_state{cpu_state=busy} I(1)",
                "gauge cpu_state{cpu_state=idle} I(0)",
                "gauge build_info{version=1.2.3} I(1)",
                "histogram pool_size_bucket{le=10.0} I(3)",
                "histogram pool_size_bucket{le=+Inf} I(5)",
                "histogram pool_size_gcount{} I(5)",
                "histogram pool_size_gsum{} D(21.0)",
                "untyped mystery{} D(-0.0015) @-2.750000000");
        assertThat(result.skippedCreated()).isEqualTo(3);
        assertThat(result.families().get(3)).isEqualTo("process_cpu_seconds");
    }

    @Test
    void keepsCreatedSamplesWhenAsked() {
        PrometheusParseResult result = new PrometheusTextParser(1024, true).parse("""
                # TYPE a counter
                a_total 1
                a_created 1520430000.5
                # EOF
                """.getBytes(StandardCharsets.UTF_8), PrometheusFormat.OPENMETRICS_1_0, SCRAPED, "h", "s");

        assertThat(lines(result)).containsExactly("counter a_total{} D(1.0)", "counter a_created{} D(1.5204300005E9)");
    }

    @Test
    void readsTimestampsByFormatExactlyToTheNanosecond() {
        assertThat(lines(parse("a 1 1700000000123\nb 1 -1\n", PrometheusFormat.TEXT_0_0_4)))
                .containsExactly("untyped a{} D(1.0) @1700000000.123000000", "untyped b{} D(1.0) @-1.999000000");
        assertThat(lines(parse("a 1 1700000000.123456789\nb 1 1.7e9\nc 1 -0.5\n# EOF\n", PrometheusFormat.OPENMETRICS_1_0)))
                .containsExactly("untyped a{} D(1.0) @1700000000.123456789", "untyped b{} D(1.0) @1700000000.0",
                        "untyped c{} D(1.0) @-1.500000000");
    }

    @Test
    void readsSpecialValuesInAnyCaseAndKeepsLargeIntegerCountsExact() {
        PrometheusParseResult result = parse("""
                # TYPE h histogram
                h_bucket{le="+inf"} 9007199254740993
                h_count 9007199254740993
                h_sum 1e400
                a nan
                b -infinity
                c +Inf
                d .5
                e 5.
                f 0.1
                g 123456789012345678901234567890
                """, PrometheusFormat.TEXT_0_0_4);

        assertThat(result.problems()).isEmpty();
        assertThat(lines(result)).containsExactly(
                "histogram h_bucket{le=+Inf} I(9007199254740993)",
                "histogram h_count{} I(9007199254740993)",
                "histogram h_sum{} D(Infinity)",
                "untyped a{} D(NaN)", "untyped b{} D(-Infinity)", "untyped c{} D(Infinity)", "untyped d{} D(0.5)",
                "untyped e{} D(5.0)", "untyped f{} D(0.1)", "untyped g{} D(1.2345678901234568E29)");
    }

    @Test
    void parsesDecimalsExactlyLikeTheJdk() {
        String[] numbers = {"0.1", "0.3", "1.7976931348623157", "123456.789012345", "2.2250738585072014",
            "9007199254740991.5", "0.000001", "4.35", "17.0000000000000001", "1e-05", "3.14159e+10", "-0.0",
            "1.445737e+06", "9007199254740993e0", "9007199254740991e22", "1e23", "1e-22", "1e-23", "4.9351e-05",
            "123.456e-20", "0.1e+22", "-0e5", "1e400", "1e-400", "1E+0000000000000000003", "2.5e-0"};
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < numbers.length; i++) {
            text.append("n").append(i).append(' ').append(numbers[i]).append('\n');
        }
        List<Sample> samples = parse(text.toString(), PrometheusFormat.TEXT_0_0_4).samples();

        for (int i = 0; i < numbers.length; i++) {
            assertThat(((SampleValue.Decimal) samples.get(i).value()).value()).as(numbers[i])
                    .isEqualTo(Double.parseDouble(numbers[i]));
        }
    }

    /** Random decimals with and without exponents, around the bounds of the exact fast path. */
    @Test
    void parsesRandomDecimalsExactlyLikeTheJdk() {
        java.util.Random random = new java.util.Random(7);
        StringBuilder text = new StringBuilder();
        List<String> numbers = new java.util.ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            String digits = Long.toString((random.nextLong() >>> 1) >>> random.nextInt(63));
            int point = random.nextInt(digits.length() + 1);
            String number = (random.nextBoolean() ? "-" : "") + (point == 0 ? "0" : digits.substring(0, point)) + "."
                    + digits.substring(point);
            if (random.nextBoolean()) {
                number += (random.nextBoolean() ? "e" : "E") + (random.nextInt(60) - 30);
            }
            numbers.add(number);
            text.append("n ").append(number).append('\n');
        }
        PrometheusParseResult result = parse(text.toString(), PrometheusFormat.TEXT_0_0_4);
        List<Sample> samples = result.samples();

        assertThat(result.problems()).isEmpty();
        assertThat(samples).hasSize(numbers.size());
        for (int i = 0; i < numbers.size(); i++) {
            assertThat(((SampleValue.Decimal) samples.get(i).value()).value()).as(numbers.get(i))
                    .isEqualTo(Double.parseDouble(numbers.get(i)));
        }
    }

    /**
     * Lines of many lengths, so that each line end falls at every offset of an eight-byte word, several line
     * ends in one word, and bytes close to a newline's (0x0B, 0x8A, 0xCA, 0x0A in UTF-8) in the values.
     */
    @Test
    void findsEveryLineEndWhateverItsOffset() {
        String[] fillers = {"", "\u000b", "\u008a", "\u00ca", "\u010a", "x"};
        StringBuilder text = new StringBuilder();
        List<String> expected = new java.util.ArrayList<>();
        for (int length = 0; length < 36; length++) {
            String value = fillers[length % fillers.length].repeat(length / 2) + "v".repeat(length % 3);
            String decoded = value.translateEscapes();
            text.append("m{l=\"").append(decoded).append("\"} ").append(length).append('\n');
            expected.add(decoded.isEmpty() ? "untyped m{} D(" + length + ".0)"
                    : "untyped m{l=" + decoded + "} D(" + length + ".0)");
        }
        for (int length = 1; length < 12; length++) {
            text.append("n".repeat(length)).append(" 1\n");
            expected.add("untyped " + "n".repeat(length) + "{} D(1.0)");
        }
        text.append("a 1\nb 2\n\n\nc 3\n"); // more than one line end in a word
        expected.addAll(List.of("untyped a{} D(1.0)", "untyped b{} D(2.0)", "untyped c{} D(3.0)"));
        text.append("last 2"); // no line end: the text format takes it
        expected.add("untyped last{} D(2.0)");

        PrometheusParseResult result = parse(text.toString(), PrometheusFormat.TEXT_0_0_4);

        assertThat(result.problems()).isEmpty();
        assertThat(lines(result)).isEqualTo(expected);
    }

    @Test
    void toleratesCarriageReturnsTabsAndMissingFinalNewlineInTheTextFormat() {
        PrometheusParseResult result = parse("# TYPE a gauge\r\na\t{x = \"1\" }\t 2\r\nb 3", PrometheusFormat.TEXT_0_0_4);

        assertThat(result.problems()).isEmpty();
        assertThat(lines(result)).containsExactly("gauge a{x=1} D(2.0)", "untyped b{} D(3.0)");
    }

    @Test
    void keepsLabelValuesWithEverythingTheGrammarAllows() {
        PrometheusParseResult result = parse("""
                a{v="with } , = # and spaces",u="ünïcødé ✓",q="\\\\\\"",s=" lead"} 1
                """, PrometheusFormat.TEXT_0_0_4);

        assertThat(result.problems()).isEmpty();
        assertThat(result.samples().get(0).labels().get("v")).isEqualTo("with } , = # and spaces");
        assertThat(result.samples().get(0).labels().get("u")).isEqualTo("ünïcødé ✓");
        assertThat(result.samples().get(0).labels().get("q")).isEqualTo("\\\"");
        assertThat(result.samples().get(0).labels().get("s")).isEqualTo(" lead");
    }

    @Test
    void internsNamesAcrossScrapes() {
        PrometheusTextParser parser = new PrometheusTextParser();
        byte[] body = "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 1\n".getBytes(StandardCharsets.UTF_8);
        Sample first = parser.parse(body, PrometheusFormat.TEXT_0_0_4, SCRAPED, "h", "s").samples().get(0);
        Sample second = parser.parse(body, PrometheusFormat.TEXT_0_0_4, SCRAPED, "h", "s").samples().get(0);

        assertThat(second.name()).isSameAs(first.name());
        assertThat(second.labels().name(1)).isSameAs(first.labels().name(1));
        assertThat(second.labels().value(1)).isSameAs(first.labels().value(1));
    }

    @Test
    void picksTheFormatFromTheContentType() {
        assertThat(PrometheusFormat.ofContentType("application/openmetrics-text; version=1.0.0; charset=utf-8"))
                .isEqualTo(PrometheusFormat.OPENMETRICS_1_0);
        assertThat(PrometheusFormat.ofContentType("text/plain; version=0.0.4; charset=utf-8"))
                .isEqualTo(PrometheusFormat.TEXT_0_0_4);
        assertThat(PrometheusFormat.ofContentType(null)).isEqualTo(PrometheusFormat.TEXT_0_0_4);
        assertThat(PrometheusFormat.ofContentType("application/json")).isEqualTo(PrometheusFormat.TEXT_0_0_4);
    }

    @Test
    void aSeriesKeepsOneLabelSetAcrossScrapesAndDistinctSetsStayDistinct() {
        String text = """
                # TYPE node_cpu_seconds_total counter
                node_cpu_seconds_total{mode="idle",cpu="0"} 1
                node_cpu_seconds_total{cpu="0",mode="user"} 2
                node_cpu_seconds_total{cpu="1",mode="idle"} 3
                node_cpu_seconds_total{cpu="0",mode="idle",extra="x"} 4
                """;
        PrometheusTextParser parser = new PrometheusTextParser();
        List<Sample> first = parser.parse(text.getBytes(StandardCharsets.UTF_8), PrometheusFormat.TEXT_0_0_4, SCRAPED,
                "h", "s").samples();
        List<Sample> second = parser.parse(text.getBytes(StandardCharsets.UTF_8), PrometheusFormat.TEXT_0_0_4,
                SCRAPED, "h", "s").samples();

        assertThat(first).extracting(s -> s.labels().toString()).containsExactly("{cpu=0, mode=idle}",
                "{cpu=0, mode=user}", "{cpu=1, mode=idle}", "{cpu=0, extra=x, mode=idle}");
        assertThat(second).isEqualTo(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).labels()).isSameAs(first.get(i).labels());
        }
    }
}
