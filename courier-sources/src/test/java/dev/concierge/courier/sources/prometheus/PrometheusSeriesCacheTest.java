package dev.concierge.courier.sources.prometheus;

import static dev.concierge.courier.sources.prometheus.PrometheusTextParserTest.SCRAPED;
import static dev.concierge.courier.sources.prometheus.PrometheusTextParserTest.lines;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parser keeps the series it has read, keyed by the bytes of a line's name and label block, across
 * scrapes: a parser that has seen other expositions must read any exposition exactly as a new parser does
 * (samples, families, problems with their lines and columns, counts), and the table stays bounded.
 */
class PrometheusSeriesCacheTest {
    private static final Instant EARLIER = SCRAPED.minusSeconds(10);

    private static PrometheusParseResult parse(PrometheusTextParser parser, String text, PrometheusFormat format) {
        return parse(parser, text, format, SCRAPED);
    }

    private static PrometheusParseResult parse(PrometheusTextParser parser, String text, PrometheusFormat format,
                                               Instant scraped) {
        return parser.parse(text.getBytes(StandardCharsets.UTF_8), format, scraped, "h", "s");
    }

    /** Parses {@code before} and then {@code after} with one parser, and {@code after} with a new one: equal results. */
    private static PrometheusParseResult assertSecondParseIsFresh(String before, String after, PrometheusFormat format) {
        PrometheusTextParser warm = new PrometheusTextParser();
        parse(warm, before, format, EARLIER);
        parse(warm, before, format, EARLIER);
        PrometheusParseResult second = parse(warm, after, format);
        PrometheusParseResult fresh = parse(new PrometheusTextParser(), after, format);
        assertThat(second).isEqualTo(fresh);
        assertThat(lines(second)).isEqualTo(lines(fresh));
        return second;
    }

    @Test
    void aTypeChangedBetweenScrapesChangesTheTypeOfItsSamples() {
        PrometheusParseResult result = assertSecondParseIsFresh("""
                # TYPE x counter
                x{a="1"} 1
                """, """
                # TYPE x gauge
                x{a="1"} 1
                """, PrometheusFormat.TEXT_0_0_4);

        assertThat(lines(result)).containsExactly("gauge x{a=1} D(1.0)");
    }

    @Test
    void aBucketBoundIsCanonicalOnlyInAHistogramAndCheckedAgainWhenTheTypeChanges() {
        PrometheusParseResult gauge = assertSecondParseIsFresh("""
                # TYPE x histogram
                x_bucket{le="1"} 1
                x_count 1
                """, """
                # TYPE x gauge
                x_bucket{le="1"} 1
                x_count 1
                """, PrometheusFormat.TEXT_0_0_4);
        assertThat(lines(gauge)).containsExactly("untyped x_bucket{le=1} D(1.0)", "untyped x_count{} D(1.0)");

        PrometheusParseResult histogram = assertSecondParseIsFresh("""
                x_bucket{le="one"} 1
                y{quantile="half"} 1
                """, """
                # TYPE x histogram
                x_bucket{le="one"} 1
                # TYPE y summary
                y{quantile="half"} 1
                """, PrometheusFormat.TEXT_0_0_4);
        assertThat(histogram.samples()).isEmpty();
        assertThat(histogram.problems()).extracting(PrometheusParseProblem::line).containsExactly(2, 4);
    }

    @Test
    void aSampleWithoutItsTypeLineStartsAFamilyOfItsOwn() {
        PrometheusParseResult result = assertSecondParseIsFresh("""
                # TYPE process_cpu_seconds counter
                process_cpu_seconds_total 4 1520879607.789
                process_cpu_seconds_created 1520000000
                # EOF
                """, """
                process_cpu_seconds_total 4 1520879607.789
                process_cpu_seconds_created 1520000000
                # EOF
                """, PrometheusFormat.OPENMETRICS_1_0);

        assertThat(result.families()).containsExactly("process_cpu_seconds_total", "process_cpu_seconds_created");
    }

    @Test
    void aChangedLabelValueIsAnotherSeries() {
        PrometheusParseResult result = assertSecondParseIsFresh("""
                node_cpu_seconds_total{cpu="0",mode="idle"} 1
                node_cpu_seconds_total{cpu="0",mode="user"} 2
                """, """
                node_cpu_seconds_total{cpu="0",mode="idle"} 1
                node_cpu_seconds_total{cpu="0",mode="usr"} 2
                node_cpu_seconds_total{cpu="0", mode="idle"} 3
                node_cpu_seconds_total{cpu="0",mode="idle",} 4
                node_cpu_seconds_total {cpu="0",mode="idle"} 5
                node_cpu_seconds_total{cpu="0",mode="idle",x=""} 6
                node_cpu_seconds_total_more{cpu="0",mode="idle"} 7
                """, PrometheusFormat.TEXT_0_0_4);

        assertThat(lines(result)).containsExactly(
                "untyped node_cpu_seconds_total{cpu=0, mode=idle} D(1.0)",
                "untyped node_cpu_seconds_total{cpu=0, mode=usr} D(2.0)",
                "untyped node_cpu_seconds_total{cpu=0, mode=idle} D(3.0)",
                "untyped node_cpu_seconds_total{cpu=0, mode=idle} D(4.0)",
                "untyped node_cpu_seconds_total{cpu=0, mode=idle} D(5.0)",
                "untyped node_cpu_seconds_total{cpu=0, mode=idle} D(6.0)",
                "untyped node_cpu_seconds_total_more{cpu=0, mode=idle} D(7.0)");
    }

    /** The series that followed last time is only a guess: a line that starts with its bytes is not taken for it. */
    @Test
    void aLineThatStartsWithTheBytesOfTheSeriesThatFollowedLastTimeIsReadAsItIs() {
        PrometheusParseResult result = assertSecondParseIsFresh("""
                a 1
                b 2
                c{x="1"} 3
                d 4
                """, """
                a 1
                b_b 2
                c{x="1"} 3
                d{y="2"} 4
                a 1
                b\t{y="3"} 5
                c{x="1"}6
                d 7
                b2 8
                """, PrometheusFormat.TEXT_0_0_4);

        assertThat(lines(result)).containsExactly("untyped a{} D(1.0)", "untyped b_b{} D(2.0)",
                "untyped c{x=1} D(3.0)", "untyped d{y=2} D(4.0)", "untyped a{} D(1.0)", "untyped b{y=3} D(5.0)",
                "untyped c{x=1} D(6.0)", "untyped d{} D(7.0)", "untyped b2{} D(8.0)");
    }

    @Test
    void aLineThatBecomesMalformedIsReportedAtItsLineAndColumn() {
        String good = """
                x{a="1",b="2"} 1
                x{a="1",b="2"} 2
                y 3
                z{a="q\\"}"} 4
                """;
        for (String bad : List.of(
                "x{a=\"1\",b=\"2\"} one\n",
                "x{a=\"1\",b=\"2\"}1x\n",
                "x{a=\"1\",b=\"2\"}\n",
                "x{a=\"1\",b=\"2\"} 1 12.5\n",
                "x{a=\"1\",b=\"2\"} 1 2 3\n",
                "x{a=\"1\",b=\"2\" 1\n",
                "x{a=\"1\",a=\"2\"} 1\n",
                "x{a=\"1\\x\",b=\"2\"} 1\n",
                "x{a=\"1\",b=\"2\"} 1 # {t=\"a\"} 1\n",
                "y{} 3 x\n",
                "z{a=\"q\\\"}\"} \n",
                "z{a=\"q\\\"} 4\n")) {
            PrometheusParseResult result = assertSecondParseIsFresh(good, good + bad + good, PrometheusFormat.TEXT_0_0_4);
            assertThat(result.problems()).as(bad).hasSize(1);
            assertThat(result.problems().get(0).line()).as(bad).isEqualTo(5);
            assertThat(result.samples()).as(bad).hasSize(8);
        }
    }

    @Test
    void timestampsAndExemplarsAreReadOnEveryScrape() {
        PrometheusParseResult result = assertSecondParseIsFresh("""
                # TYPE foo histogram
                foo_bucket{le="1.0"} 11 1520879600 # {trace_id="a"} 0.67 1520879607.789
                foo_bucket{le="+Inf"} 17 1520879600
                foo_count 17 1520879600
                foo_sum 3.5 1520879600
                # TYPE bar counter
                bar_total 1 # {trace_id="c"} 1
                # EOF
                """, """
                # TYPE foo histogram
                foo_bucket{le="1.0"} 12 1520879610.5
                foo_bucket{le="+Inf"} 18 1520879610.5 # {trace_id="b"} 0.5
                foo_count 18 1520879610.5
                foo_sum 3.5 1520879610.5
                # TYPE bar counter
                bar_total 2 1520879611
                # EOF
                """, PrometheusFormat.OPENMETRICS_1_0);

        assertThat(lines(result)).containsExactly("histogram foo_bucket{le=1.0} I(12) @1520879610.500000000",
                "histogram foo_bucket{le=+Inf} I(18) @1520879610.500000000",
                "histogram foo_count{} I(18) @1520879610.500000000", "histogram foo_sum{} D(3.5) @1520879610.500000000",
                "counter bar_total{} D(2.0) @1520879611.0");
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void oneParserReadsBothFormatsAsNewParsersDo() {
        String text = PrometheusCorpus.text();
        String openMetrics = PrometheusCorpus.openMetrics();
        PrometheusTextParser parser = new PrometheusTextParser();
        for (int i = 0; i < 3; i++) {
            assertThat(parse(parser, openMetrics, PrometheusFormat.TEXT_0_0_4))
                    .isEqualTo(parse(new PrometheusTextParser(), openMetrics, PrometheusFormat.TEXT_0_0_4));
            assertThat(parse(parser, text, PrometheusFormat.OPENMETRICS_1_0))
                    .isEqualTo(parse(new PrometheusTextParser(), text, PrometheusFormat.OPENMETRICS_1_0));
            assertThat(parse(parser, openMetrics, PrometheusFormat.OPENMETRICS_1_0))
                    .isEqualTo(parse(new PrometheusTextParser(), openMetrics, PrometheusFormat.OPENMETRICS_1_0));
            assertThat(parse(parser, text, PrometheusFormat.TEXT_0_0_4))
                    .isEqualTo(parse(new PrometheusTextParser(), text, PrometheusFormat.TEXT_0_0_4));
        }
    }

    @Test
    void aSeriesSeenBeforeKeepsItsNameAndLabels() {
        String text = """
                # TYPE rpc histogram
                rpc_bucket{le="1",path="/a\\"b"} 24054
                """;
        PrometheusTextParser parser = new PrometheusTextParser();
        Sample first = parse(parser, text, PrometheusFormat.TEXT_0_0_4).samples().get(0);
        Sample second = parse(parser, text, PrometheusFormat.TEXT_0_0_4).samples().get(0);

        assertThat(second).isEqualTo(first);
        assertThat(second.name()).isSameAs(first.name());
        assertThat(second.labels()).isSameAs(first.labels());
        assertThat(second.labels().get("le")).isEqualTo("1.0");
        assertThat(parser.cachedSeries()).isEqualTo(1);
    }

    /**
     * Seeded random mutations of the golden expositions, each parsed by a parser that has read the
     * unmutated ones (and, half of the time, the mutated one too) and by a new parser: equal results.
     */
    @Test
    void aParserThatHasSeenOtherExpositionsReadsMutationsAsANewParserDoes() {
        List<byte[]> corpus = new ArrayList<>();
        corpus.add(PrometheusCorpus.text().getBytes(StandardCharsets.UTF_8));
        corpus.add(PrometheusCorpus.openMetrics().getBytes(StandardCharsets.UTF_8));
        byte[] alphabet = "{}\",=\\# \n\te+-.0123456789abcxyzNaInf_:\u00c3\u0080".getBytes(StandardCharsets.ISO_8859_1);
        for (long seed = 0; seed < 3000; seed++) {
            Random random = new Random(seed);
            boolean keepCreated = random.nextBoolean();
            PrometheusTextParser warm = new PrometheusTextParser(256, keepCreated);
            for (byte[] body : corpus) {
                for (PrometheusFormat format : PrometheusFormat.values()) {
                    warm.parse(body, format, EARLIER, "h", "s");
                }
            }
            byte[] input = corpus.get(random.nextInt(corpus.size())).clone();
            int mutations = 1 + random.nextInt(8);
            for (int m = 0; m < mutations && input.length > 0; m++) {
                int at = random.nextInt(input.length);
                switch (random.nextInt(4)) {
                    case 0 -> input[at] = alphabet[random.nextInt(alphabet.length)];
                    case 1 -> input[at] = (byte) random.nextInt(256);
                    case 2 -> input = Arrays.copyOf(input, at); // truncate
                    default -> { // swap two lines' worth of bytes: series under another TYPE
                        int from = random.nextInt(input.length);
                        int length = Math.min(random.nextInt(60), Math.min(input.length - at, input.length - from));
                        byte[] piece = Arrays.copyOfRange(input, from, from + length);
                        System.arraycopy(piece, 0, input, at, length);
                    }
                }
            }
            PrometheusFormat format = PrometheusFormat.values()[random.nextInt(2)];
            if (random.nextBoolean()) {
                warm.parse(input, format, EARLIER, "h", "s");
            }
            PrometheusParseResult second = warm.parse(input, format, SCRAPED, "h", "s");
            PrometheusParseResult fresh = new PrometheusTextParser(256, keepCreated).parse(input, format, SCRAPED, "h", "s");
            assertThat(second).as("seed %d", seed).isEqualTo(fresh);
        }
    }

    private static String series(int count, int from, int labelBytes) {
        String padding = "v".repeat(labelBytes);
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            sb.append("m{i=\"").append(i).append("\",p=\"").append(padding).append("\"} 1\n");
        }
        return sb.toString();
    }

    @Test
    void keepsTheSeriesOfAnUnchangedExporterInATableSizedForThem() {
        PrometheusTextParser parser = new PrometheusTextParser();
        String text = series(20_000, 0, 1);
        parse(parser, text, PrometheusFormat.TEXT_0_0_4);
        PrometheusParseResult second = parse(parser, text, PrometheusFormat.TEXT_0_0_4);

        assertThat(second.samples()).hasSize(20_000);
        assertThat(parser.cachedSeries()).isEqualTo(20_000);
        assertThat(parser.cachedSeriesSlots()).isEqualTo(32_768); // a load of at most 3/4
        assertThat(parser.cachedSeriesKeyBytes()).isLessThanOrEqualTo(2 * 20_000 * 18); // m{i="12345",p="v"}

        parse(parser, series(100, 0, 1), PrometheusFormat.TEXT_0_0_4);
        assertThat(parser.cachedSeriesSlots()).as("after the exporter shrank").isEqualTo(1024);
        assertThat(parser.cachedSeries()).isZero();
    }

    @Test
    void forgetsSeriesThatStopAppearing() {
        PrometheusTextParser parser = new PrometheusTextParser();
        for (int scrape = 0; scrape < 50; scrape++) {
            parse(parser, series(1000, scrape * 1000, 1), PrometheusFormat.TEXT_0_0_4);
            assertThat(parser.cachedSeries()).isLessThanOrEqualTo(2000);
            assertThat(parser.cachedSeriesSlots()).isLessThanOrEqualTo(4096);
        }
    }

    @Test
    void staysWithinItsSlotAndByteBounds() {
        PrometheusTextParser parser = new PrometheusTextParser();
        PrometheusParseResult many = parse(parser, series(100_000, 0, 1), PrometheusFormat.TEXT_0_0_4);
        assertThat(many.samples()).hasSize(100_000);
        assertThat(parser.cachedSeriesSlots()).isEqualTo(1 << 16);
        assertThat(parser.cachedSeries()).isLessThanOrEqualTo(3 << 14);

        PrometheusTextParser wide = new PrometheusTextParser();
        PrometheusParseResult large = parse(wide, series(10_000, 0, 1000), PrometheusFormat.TEXT_0_0_4);
        assertThat(large.samples()).hasSize(10_000);
        assertThat(wide.cachedSeriesKeyBytes()).isBetween(1, 4 << 20);

        PrometheusTextParser longKeys = new PrometheusTextParser();
        String text = series(10, 0, 1100);
        parse(longKeys, text, PrometheusFormat.TEXT_0_0_4);
        assertThat(parse(longKeys, text, PrometheusFormat.TEXT_0_0_4))
                .isEqualTo(parse(new PrometheusTextParser(), text, PrometheusFormat.TEXT_0_0_4));
        assertThat(longKeys.cachedSeries()).as("series parts over 1 KiB are read every time").isZero();
    }
}
