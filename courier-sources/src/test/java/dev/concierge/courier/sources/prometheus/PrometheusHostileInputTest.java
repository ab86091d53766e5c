package dev.concierge.courier.sources.prometheus;

import static dev.concierge.courier.sources.prometheus.PrometheusTextParserTest.SCRAPED;
import static dev.concierge.courier.sources.prometheus.PrometheusTextParserTest.lines;
import static dev.concierge.courier.sources.prometheus.PrometheusTextParserTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Inputs built to hurt: each is reported with its line and reason, the good lines around it are kept. */
class PrometheusHostileInputTest {

    private static List<String> problems(PrometheusParseResult result) {
        return result.problems().stream().map(PrometheusParseProblem::toString).toList();
    }

    @Test
    void reportsBadEscapesAndKeepsTheOtherLines() {
        PrometheusParseResult result = parse("""
                good 1
                bad{path="C:\\temp"} 2
                also_good 3
                """, PrometheusFormat.TEXT_0_0_4);

        assertThat(lines(result)).containsExactly("untyped good{} D(1.0)", "untyped also_good{} D(3.0)");
        assertThat(problems(result)).containsExactly(
                "line 2, column 13: escape \\t in the value of label path (expected: \\\\, \\\" or \\n)");
    }

    @Test
    void reportsDuplicateLabelNames() {
        PrometheusParseResult result = parse("a{x=\"1\",x=\"2\"} 1\n", PrometheusFormat.TEXT_0_0_4);

        assertThat(result.samples()).isEmpty();
        assertThat(problems(result)).containsExactly("line 1, column 9: label x appears twice (expected: once)");
    }

    @Test
    void reportsAndSkipsLinesOverTheCapWithoutReadingThemAsSamples() {
        String huge = "huge{v=\"" + "x".repeat(200_000) + "\"} 1\n";
        PrometheusParseResult result = new PrometheusTextParser().parse(
                ("before 1\n" + huge + "after 2\n").getBytes(StandardCharsets.UTF_8), PrometheusFormat.TEXT_0_0_4,
                SCRAPED, "h", "s");

        assertThat(lines(result)).containsExactly("untyped before{} D(1.0)", "untyped after{} D(2.0)");
        assertThat(problems(result)).containsExactly("line 2: line of 200012 bytes (expected: at most 65536)");
    }

    @Test
    void reportsInvalidUtf8InLabelValues() {
        // line 2: a lone continuation byte; line 3: an overlong encoding of '/' after an escape
        String text = "a{v=\"\u00c3\u00a9\"} 1\nb{v=\"\u0080\"} 2\nc{v=\"\\n\u00c0\u00af\"} 3\nd 4\n";
        PrometheusParseResult result = new PrometheusTextParser().parse(text.getBytes(StandardCharsets.ISO_8859_1),
                PrometheusFormat.TEXT_0_0_4, SCRAPED, "h", "s");

        assertThat(lines(result)).containsExactly("untyped a{v=é} D(1.0)", "untyped d{} D(4.0)");
        assertThat(problems(result)).containsExactly(
                "line 2, column 6: value of label v is not valid UTF-8",
                "line 3, column 6: value of label v is not valid UTF-8");
    }

    @Test
    void reportsAMissingEofAndDropsAnUnterminatedLastLine() {
        PrometheusParseResult result = parse("# TYPE a gauge\na 1\na{x=\"2\"} 12", PrometheusFormat.OPENMETRICS_1_0);

        assertThat(lines(result)).containsExactly("gauge a{} D(1.0)");
        assertThat(problems(result)).containsExactly(
                "line 3: last line has no line end: the exposition is truncated (expected: # EOF)",
                "line 3: no # EOF line: the exposition may be truncated (expected: # EOF as the last line)");
    }

    @Test
    void reportsGarbageAfterEofOnceAndIgnoresIt() {
        PrometheusParseResult result = parse("a 1\n# EOF\nb 2\nc 3\n", PrometheusFormat.OPENMETRICS_1_0);

        assertThat(lines(result)).containsExactly("untyped a{} D(1.0)");
        assertThat(problems(result)).containsExactly("line 3: text after # EOF (expected: nothing)");
    }

    @Test
    void reportsWhatOpenMetricsForbidsAndTheTextFormatTolerates() {
        String text = "# a free comment\na 1\r\nb 2 # {t=\"x\"} 1\n# EOF\n";

        assertThat(problems(parse(text, PrometheusFormat.OPENMETRICS_1_0))).containsExactly(
                "line 1, column 1: comment (expected: # HELP, # TYPE, # UNIT or # EOF)",
                "line 2, column 4: carriage return (expected: \\n line endings only)",
                // OpenMetrics allows exemplars only on a counter's _total and a histogram's _bucket
                "line 3, column 3: exemplar on b (expected: exemplars only on a counter's _total and a histogram's _bucket)");
        assertThat(problems(parse(text, PrometheusFormat.TEXT_0_0_4))).containsExactly(
                "line 3, column 5: unexpected \"# {t=\"x\"} 1\" after the value (expected: end of line)");
    }

    @Test
    void reportsEveryKindOfMalformedSampleLine() {
        PrometheusParseResult result = parse("""
                9starts_with_digit 1
                no_value
                no_value_after_labels{a="1"}
                bad_value 1.0d
                hex 0x1p3
                bad_ts 1 12.5
                spurious 1 2 3
                unclosed{a="1" 1
                unquoted{a=1} 1
                name_only{="1"} 1
                reserved{__name__="x"} 1
                open_value{a="1} 1
                # TYPE h histogram
                h_bucket{le="abc"} 1
                h_bucket{x="1"} 1
                # TYPE s summary
                s 1
                # TYPE t nonsense
                # TYPE u gauge
                u 1
                # TYPE u gauge
                ok 1
                """, PrometheusFormat.TEXT_0_0_4);

        assertThat(lines(result)).containsExactly("gauge u{} D(1.0)", "untyped ok{} D(1.0)");
        assertThat(problems(result)).containsExactly(
                "line 1, column 1: expected a metric name [a-zA-Z_:][a-zA-Z0-9_:]*",
                "line 2, column 9: no value after no_value (expected: a number)",
                "line 3, column 29: no value after no_value_after_labels (expected: a number)",
                "line 4, column 11: value \"1.0d\" (expected: a number, NaN, +Inf or -Inf)",
                "line 5, column 5: value \"0x1p3\" (expected: a number, NaN, +Inf or -Inf)",
                "line 6, column 10: timestamp \"12.5\" (expected: integer milliseconds since the epoch)",
                "line 7, column 14: unexpected \"3\" after the timestamp (expected: end of line)",
                "line 8, column 16: expected , or } after the value of label a",
                "line 9, column 12: expected \" to open the value of label \"a\"",
                "line 10, column 11: expected a label name [a-zA-Z_][a-zA-Z0-9_]*, found \"=\"",
                "line 11, column 10: label __name__ (expected: the name before the braces)",
                "line 12, column 14: value of label a not closed (expected: \")",
                "line 14: label le=\"abc\" (expected: a number or +Inf)",
                "line 15: no le label (expected: one on every _bucket sample)",
                "line 17: no quantile label (expected: one on every summary quantile sample)",
                "line 18, column 10: # TYPE t \"nonsense\" (expected: counter, gauge, histogram, gaugehistogram, "
                        + "summary, untyped, unknown, stateset or info)",
                "line 21, column 8: second # TYPE for u (expected: one, the first is on line 19)");
    }

    @Test
    void reportsATypeAfterItsSamples() {
        PrometheusParseResult result = parse("a 1\n# TYPE a gauge\na{x=\"1\"} 2\n", PrometheusFormat.TEXT_0_0_4);

        assertThat(lines(result)).containsExactly("untyped a{} D(1.0)", "untyped a{x=1} D(2.0)");
        assertThat(problems(result)).containsExactly("line 2, column 8: # TYPE for a after its samples (expected: before them)");
    }

    @Test
    void refusesMoreLabelsThanTheCap() {
        StringBuilder line = new StringBuilder("many{");
        for (int i = 0; i <= PrometheusTextParser.MAX_LABELS; i++) {
            line.append("l").append(i).append("=\"v\",");
        }
        PrometheusParseResult result = parse(line.append("} 1\n").toString(), PrometheusFormat.TEXT_0_0_4);

        assertThat(result.samples()).isEmpty();
        assertThat(problems(result)).singleElement().asString().contains("more than 256 labels");
    }

    @Test
    void keepsOnlyTheFirstHundredProblemsButCountsThemAll() {
        PrometheusParseResult result = parse("!\n".repeat(1000) + "ok 1\n", PrometheusFormat.TEXT_0_0_4);

        assertThat(result.problems()).hasSize(PrometheusTextParser.MAX_PROBLEMS_KEPT);
        assertThat(result.problemCount()).isEqualTo(1000);
        assertThat(result.samples()).hasSize(1);
    }

    @Test
    void survivesBinaryGarbage() {
        byte[] garbage = new byte[1 << 20];
        new Random(42).nextBytes(garbage);

        for (PrometheusFormat format : PrometheusFormat.values()) {
            PrometheusParseResult result = new PrometheusTextParser().parse(garbage, format, SCRAPED, "h", "s");
            assertThat(result.problemCount()).isPositive();
        }
    }

    /**
     * Seeded random mutations of the golden expositions: whatever the bytes, parsing returns a result and
     * never throws. The seed is printed in the failure so a case can be replayed.
     */
    @Test
    void neverThrowsOnRandomMutationsOfTheCorpus() {
        List<byte[]> corpus = new ArrayList<>();
        corpus.add(PrometheusCorpus.text().getBytes(StandardCharsets.UTF_8));
        corpus.add(PrometheusCorpus.openMetrics().getBytes(StandardCharsets.UTF_8));
        corpus.add(PrometheusCorpus.utf8Names().getBytes(StandardCharsets.UTF_8));
        byte[] alphabet = "{}\",=\\# \n\te+-.0123456789abcxyzNaInf_:\u00c3\u0080".getBytes(StandardCharsets.ISO_8859_1);
        PrometheusTextParser parser = new PrometheusTextParser(256, true);
        for (long seed = 0; seed < 4500; seed++) {
            Random random = new Random(seed);
            byte[] input = corpus.get(random.nextInt(corpus.size())).clone();
            int mutations = 1 + random.nextInt(8);
            for (int m = 0; m < mutations; m++) {
                int at = random.nextInt(input.length);
                switch (random.nextInt(3)) {
                    case 0 -> input[at] = alphabet[random.nextInt(alphabet.length)];
                    case 1 -> input[at] = (byte) random.nextInt(256);
                    default -> input = Arrays.copyOf(input, at); // truncate
                }
                if (input.length == 0) {
                    break;
                }
            }
            byte[] mutated = input;
            PrometheusFormat format = PrometheusFormat.values()[random.nextInt(2)];
            long replay = seed;
            assertThatCode(() -> parser.parse(mutated, format, SCRAPED, "h", "s")).as("seed %d", replay)
                    .doesNotThrowAnyException();
        }
    }
}
