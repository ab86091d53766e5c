package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Token boundaries of an exposition line, found in the bytes without reading past the range given. */
class PrometheusLineScannerTest {
    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Every offset of the line end within an eight-byte word, and bytes one bit away from a newline's. */
    @Test
    void findsTheFirstNewlineAtEveryOffsetAndNothingBeyondTheEnd() {
        byte[] lookalikes = {0x0B, 0x08, 0x0E, 0x1A, (byte) 0x8A, (byte) 0xCA, 0x4A, 0x00, (byte) 0xFF};
        for (int length = 0; length < 40; length++) {
            for (int from = 0; from < 9; from++) {
                byte[] b = new byte[from + length + 10];
                for (int i = 0; i < b.length; i++) {
                    b[i] = lookalikes[i % lookalikes.length];
                }
                b[from + length] = '\n';
                b[from + length + 3] = '\n';
                assertThat(PrometheusLineScanner.indexOfNewline(b, from, b.length)).isEqualTo(from + length);
                assertThat(PrometheusLineScanner.indexOfNewline(b, from, from + length)).isEqualTo(-1);
                assertThat(PrometheusLineScanner.indexOfNewline(b, from, from + length + 1)).isEqualTo(from + length);
            }
        }
        assertThat(PrometheusLineScanner.indexOfNewline(new byte[0], 0, 0)).isEqualTo(-1);
    }

    @Test
    void skipsBlanksAndFindsTheEndOfAWord() {
        byte[] b = bytes("a \t\tbc\td  ");
        assertThat(PrometheusLineScanner.skipBlanks(b, 1, b.length)).isEqualTo(4);
        assertThat(PrometheusLineScanner.skipBlanks(b, 0, b.length)).isZero();
        assertThat(PrometheusLineScanner.skipBlanks(b, 9, b.length)).isEqualTo(b.length);
        assertThat(PrometheusLineScanner.skipBlanks(b, 1, 3)).isEqualTo(3);
        assertThat(PrometheusLineScanner.scanWord(b, 4, b.length)).isEqualTo(6);
        assertThat(PrometheusLineScanner.scanWord(b, 4, 5)).isEqualTo(5);
        assertThat(PrometheusLineScanner.scanWord(b, 1, b.length)).isEqualTo(1);
        assertThat(PrometheusLineScanner.isBlank((byte) '\r')).isFalse();
    }

    @Test
    void findsMetricNamesWithColonsAndLabelNamesWithout() {
        byte[] b = bytes("job:rate5m_1{a_1:b=\"x\"}");
        assertThat(PrometheusLineScanner.scanMetricName(b, 0, b.length)).isEqualTo(12);
        assertThat(PrometheusLineScanner.scanMetricName(b, 0, 5)).isEqualTo(5);
        assertThat(PrometheusLineScanner.scanLabelName(b, 13, b.length)).isEqualTo(16);
        assertThat(PrometheusLineScanner.scanMetricName(b, 13, b.length)).isEqualTo(18);

        assertThat(PrometheusLineScanner.scanMetricName(bytes("1abc"), 0, 4)).as("no leading digit").isZero();
        assertThat(PrometheusLineScanner.scanLabelName(bytes(":abc"), 0, 4)).as("no colon in a label name").isZero();
        assertThat(PrometheusLineScanner.scanMetricName(bytes("_ 1"), 0, 3)).isEqualTo(1);
        assertThat(PrometheusLineScanner.scanMetricName(bytes("\u00e9"), 0, 1)).isZero();
        for (char c = 0; c < 256; c++) {
            boolean nameByte = Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == ':';
            assertThat(PrometheusLineScanner.isNameByte((byte) c)).as("%d", (int) c).isEqualTo(nameByte);
        }
    }

    @Test
    void findsTheEndOfTheSeriesPartAsTheLabelReaderReadsIt() {
        assertSeriesPart("x 1", 1, "x");
        assertSeriesPart("x{} 1", 1, "x{}");
        assertSeriesPart("x \t{a=\"1\"} 1", 1, "x \t{a=\"1\"}");
        assertSeriesPart("x{a=\"}\"} 1", 1, "x{a=\"}\"}");
        assertSeriesPart("x{a=\"\\\"}\",b=\"\\\\\"} 1", 1, "x{a=\"\\\"}\",b=\"\\\\\"}");
        assertSeriesPart("x {} {}", 1, "x {}");
        assertSeriesPart("x 1 {a=\"b\"}", 1, "x");

        for (String unclosed : new String[] {"x{a=\"1\" 1", "x{a=\"}", "x{a=\"\\\"}", "x {"}) {
            byte[] b = bytes(unclosed);
            assertThat(PrometheusLineScanner.seriesEnd(b, 1, b.length)).as(unclosed).isEqualTo(-1);
        }
    }

    private static void assertSeriesPart(String line, int nameEnd, String part) {
        byte[] b = bytes("pre" + line + "\npost");
        int end = PrometheusLineScanner.seriesEnd(b, 3 + nameEnd, 3 + line.length());
        assertThat(new String(b, 3, end - 3, StandardCharsets.ISO_8859_1)).as(line).isEqualTo(part);
    }

    @Test
    void hashesTheSameBytesAlikeWhereverTheyAre() {
        for (int length = 0; length < 30; length++) {
            String key = "node_cpu_seconds_total{cpu=\"1\"}".substring(0, length);
            byte[] here = bytes(key);
            byte[] there = bytes("0123456" + key + "tail");
            assertThat(PrometheusLineScanner.hash(there, 7, 7 + length)).as(key)
                    .isEqualTo(PrometheusLineScanner.hash(here, 0, length));
        }
    }

    @Test
    void hashesSeriesThatDifferInOneByteApart() {
        Set<Integer> high = new HashSet<>();
        Set<Integer> low = new HashSet<>();
        int keys = 0;
        for (int i = 0; i < 20_000; i++) {
            for (String key : new String[] {"m{i=\"" + i + "\"}", "node_cpu_seconds_total{cpu=\"" + i + "\",mode=\"idle\"}",
                "n" + i}) {
                int h = PrometheusLineScanner.hash(bytes(key), 0, key.length());
                high.add(h >>> 16);
                low.add(h & 0xFFFF);
                keys++;
            }
        }
        // 60,000 keys into 65,536 values: a uniform hash fills about 1 - 1/e^(60000/65536) of them, 60%.
        assertThat(high.size()).isGreaterThan(keys / 2);
        assertThat(low.size()).isGreaterThan(keys / 2);
    }

    @Test
    void matchesAWordExactly() {
        byte[] b = bytes("# TYPE x counter");
        assertThat(PrometheusLineScanner.matches(b, 2, 6, "TYPE")).isTrue();
        assertThat(PrometheusLineScanner.matches(b, 2, 6, "type")).isFalse();
        assertThat(PrometheusLineScanner.matches(b, 2, 5, "TYPE")).isFalse();
        assertThat(PrometheusLineScanner.matches(b, 9, 16, "counter")).isTrue();
    }
}
