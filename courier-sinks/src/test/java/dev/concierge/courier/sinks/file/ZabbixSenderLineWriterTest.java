package dev.concierge.courier.sinks.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import dev.concierge.courier.sinks.file.ZabbixSenderLineWriter.Line;
import org.junit.jupiter.api.Test;

/** Golden lines: the exact text {@code zabbix_sender -T -N -i} reads back as the sample (PROTOCOLS.md §1.7). */
class ZabbixSenderLineWriterTest {
    private static final long CLOCK = 1_717_171_717L;

    private static Sample gauge(String name, SampleValue value) {
        return new Sample(name, Labels.empty(), MetricType.GAUGE, null, value, CLOCK, 120_000_000, "web-01", "app");
    }

    private static String lineOf(Sample sample) {
        return lineOf(new ZabbixSenderLineWriter(null), sample);
    }

    private static String lineOf(ZabbixSenderLineWriter writer, Sample sample) {
        StringBuilder out = new StringBuilder();
        assertThat(writer.append(out, sample)).isEqualTo(Line.WRITTEN);
        return out.toString();
    }

    private static String valueLine(String value) {
        return lineOf(gauge("v", SampleValue.of(value)));
    }

    @Test
    void writesHostKeyClockNsAndValueSeparatedBySpaces() {
        assertThat(lineOf(gauge("app.requests", SampleValue.of(42L))))
                .isEqualTo("web-01 gauge[app.requests] 1717171717 120000000 42\n");
    }

    @Test
    void writesIntegersExactlyAndDecimalsInShortestForm() {
        assertThat(lineOf(gauge("big", SampleValue.of(Long.MAX_VALUE))))
                .isEqualTo("web-01 gauge[big] 1717171717 120000000 9223372036854775807\n");
        assertThat(lineOf(gauge("neg", SampleValue.of(-3L))))
                .isEqualTo("web-01 gauge[neg] 1717171717 120000000 -3\n");
        assertThat(lineOf(gauge("d", SampleValue.of(0.25)))).isEqualTo("web-01 gauge[d] 1717171717 120000000 0.25\n");
        assertThat(lineOf(gauge("d", SampleValue.of(1e20)))).isEqualTo("web-01 gauge[d] 1717171717 120000000 1.0E20\n");
        assertThat(lineOf(gauge("d", SampleValue.of(-1.5e-7))))
                .isEqualTo("web-01 gauge[d] 1717171717 120000000 -1.5E-7\n");
        assertThat(lineOf(gauge("d", SampleValue.of(3.0)))).isEqualTo("web-01 gauge[d] 1717171717 120000000 3\n");
    }

    @Test
    void quotesAValueWithBlanks() {
        assertThat(valueLine("a b")).isEqualTo("web-01 gauge[v] 1717171717 120000000 \"a b\"\n");
        assertThat(valueLine(" lead")).isEqualTo("web-01 gauge[v] 1717171717 120000000 \" lead\"\n");
        assertThat(valueLine("trail ")).isEqualTo("web-01 gauge[v] 1717171717 120000000 \"trail \"\n");
        assertThat(valueLine("a\tb")).isEqualTo("web-01 gauge[v] 1717171717 120000000 \"a\tb\"\n");
    }

    @Test
    void leavesQuotesAndBackslashesInsideAnUnquotedValueAsTheyAre() {
        // get_string does not interpret escapes in an unquoted field.
        assertThat(valueLine("say\"hi\"")).isEqualTo("web-01 gauge[v] 1717171717 120000000 say\"hi\"\n");
        assertThat(valueLine("C:\\temp\\n")).isEqualTo("web-01 gauge[v] 1717171717 120000000 C:\\temp\\n\n");
    }

    @Test
    void quotesAndEscapesAValueThatStartsWithAQuote() {
        assertThat(valueLine("\"quoted\"")).isEqualTo("web-01 gauge[v] 1717171717 120000000 \"\\\"quoted\\\"\"\n");
    }

    @Test
    void escapesQuotesBackslashesAndNewlinesInsideQuotes() {
        assertThat(valueLine("say \"hi\" to C:\\temp"))
                .isEqualTo("web-01 gauge[v] 1717171717 120000000 \"say \\\"hi\\\" to C:\\\\temp\"\n");
        assertThat(valueLine("line1\nline2")).isEqualTo("web-01 gauge[v] 1717171717 120000000 \"line1\\nline2\"\n");
        assertThat(valueLine("ends with backslash\\"))
                .isEqualTo("web-01 gauge[v] 1717171717 120000000 \"ends with backslash\\\\\"\n");
    }

    @Test
    void quotesACarriageReturnSoTheReaderDoesNotTrimIt() {
        assertThat(valueLine("crlf\r")).isEqualTo("web-01 gauge[v] 1717171717 120000000 \"crlf\r\"\n");
    }

    @Test
    void writesAnEmptyValueAsTwoQuotes() {
        assertThat(valueLine("")).isEqualTo("web-01 gauge[v] 1717171717 120000000 \"\"\n");
    }

    @Test
    void writesUnicodeAsIs() {
        assertThat(valueLine("\u00fcn\u00efc\u00f6d\u00e9\u2713\uD83D\uDE80"))
                .isEqualTo("web-01 gauge[v] 1717171717 120000000 \u00fcn\u00efc\u00f6d\u00e9\u2713\uD83D\uDE80\n");
        assertThat(valueLine("caf\u00e9 \u2713"))
                .isEqualTo("web-01 gauge[v] 1717171717 120000000 \"caf\u00e9 \u2713\"\n");
    }

    @Test
    void quotesAHostWithASpaceAndAKeyWithQuotedParameters() {
        Sample sample = new Sample("build", Labels.of("q", "say \"hi\", ok"), MetricType.GAUGE, "info",
                SampleValue.of("v1.2"), CLOCK, 0, "Linux DB3", "app");

        assertThat(lineOf(sample))
                .isEqualTo("\"Linux DB3\" \"gauge[build.info,\\\"q=say \\\\\\\"hi\\\\\\\", ok\\\"]\" 1717171717 0 v1.2\n");
    }

    @Test
    void leavesAKeyWithQuotesButNoBlanksUnquoted() {
        Sample sample = new Sample("http_requests", Labels.of("path", "/a,b"), MetricType.COUNTER, null,
                SampleValue.of(7L), CLOCK, 999_999_999, "web-01", "app");

        assertThat(lineOf(sample)).isEqualTo("web-01 counter[http_requests,\"path=/a,b\"] 1717171717 999999999 7\n");
    }

    @Test
    void writesTheConfiguredHostInsteadOfTheSamples() {
        assertThat(lineOf(new ZabbixSenderLineWriter("db 7"), gauge("x", SampleValue.of(1L))))
                .isEqualTo("\"db 7\" gauge[x] 1717171717 120000000 1\n");
    }

    @Test
    void skipsNonFiniteDecimalsAndLeavesTheBufferAlone() {
        ZabbixSenderLineWriter writer = new ZabbixSenderLineWriter(null);
        StringBuilder out = new StringBuilder("before\n");

        assertThat(writer.append(out, gauge("n", SampleValue.of(Double.NaN)))).isEqualTo(Line.NON_FINITE);
        assertThat(writer.append(out, gauge("n", SampleValue.of(Double.POSITIVE_INFINITY)))).isEqualTo(Line.NON_FINITE);
        assertThat(writer.append(out, gauge("n", SampleValue.of(Double.NEGATIVE_INFINITY)))).isEqualTo(Line.NON_FINITE);
        assertThat(out).hasToString("before\n");
    }

    @Test
    void refusesWhatNoLineCanCarryAndLeavesTheBufferAlone() {
        StringBuilder out = new StringBuilder("before\n");

        assertThat(ZabbixSenderLineWriter.appendLine(out, "-", "k", CLOCK, 0, "v")).isEqualTo(Line.UNWRITABLE_HOST);
        assertThat(ZabbixSenderLineWriter.appendLine(out, "", "k", CLOCK, 0, "v")).isEqualTo(Line.UNWRITABLE_HOST);
        assertThat(ZabbixSenderLineWriter.appendLine(out, "h", "", CLOCK, 0, "v")).isEqualTo(Line.UNWRITABLE_KEY);
        assertThat(ZabbixSenderLineWriter.appendLine(out, "h", "k", CLOCK, 0, "a\0b")).isEqualTo(Line.UNWRITABLE_VALUE);
        assertThat(ZabbixSenderLineWriter.appendLine(out, "h", "k\0", CLOCK, 0, "v")).isEqualTo(Line.UNWRITABLE_KEY);
        assertThat(ZabbixSenderLineWriter.appendLine(out, "h", "k", CLOCK, 0, "lone \uD83D")).isEqualTo(Line.UNWRITABLE_VALUE);
        assertThat(ZabbixSenderLineWriter.appendLine(out, "h", "k", CLOCK, 0, "\uDE80")).isEqualTo(Line.UNWRITABLE_VALUE);
        assertThat(ZabbixSenderLineWriter.appendLine(out, "h", "k", 0, 0, "v")).isEqualTo(Line.CLOCK_OUT_OF_RANGE);
        assertThat(ZabbixSenderLineWriter.appendLine(out, "h", "k", 2_147_483_648L, 0, "v"))
                .isEqualTo(Line.CLOCK_OUT_OF_RANGE);
        assertThat(out).hasToString("before\n");
    }

    @Test
    void boundsHostAndKeyByTheirUtf8Bytes() {
        StringBuilder out = new StringBuilder();
        String longest = "k".repeat(2045) + "\u00e9"; // 2047 bytes

        assertThat(ZabbixSenderLineWriter.appendLine(out, "h", longest, CLOCK, 0, "v")).isEqualTo(Line.WRITTEN);
        assertThat(ZabbixSenderLineWriter.appendLine(out, "h", longest + "k", CLOCK, 0, "v"))
                .isEqualTo(Line.UNWRITABLE_KEY);
        assertThat(ZabbixSenderLineWriter.appendLine(out, "\u2713".repeat(683), "k", CLOCK, 0, "v"))
                .isEqualTo(Line.UNWRITABLE_HOST);
        assertThat(ZabbixSenderLineWriter.appendLine(out, "h", "k", CLOCK, 0, "v".repeat(100_000)))
                .isEqualTo(Line.WRITTEN);
    }

    @Test
    void acceptsTheWholeClockRange() {
        StringBuilder out = new StringBuilder();

        assertThat(ZabbixSenderLineWriter.appendLine(out, "h", "k", 1, 0, "v")).isEqualTo(Line.WRITTEN);
        assertThat(ZabbixSenderLineWriter.appendLine(out, "h", "k", 2_147_483_647L, 999_999_999, "v"))
                .isEqualTo(Line.WRITTEN);
        assertThat(out).hasToString("h k 1 0 v\nh k 2147483647 999999999 v\n");
    }
}
