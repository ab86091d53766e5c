package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A label block read alone: names and values as written, escapes, and one problem at its column for each refusal. */
class LabelBlockReaderTest {
    private final StringInterner strings = new StringInterner();
    private final ParseProblems problems = new ParseProblems();
    private final LabelBlockReader reader = new LabelBlockReader(strings, problems);

    /** Reads the block at the first brace of {@code line}; returns what follows it, or null when refused. */
    private String read(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        problems.begin();
        problems.onLine(1, 0);
        int end = reader.read(b, line.indexOf('{'), b.length);
        return end < 0 ? null : new String(b, end, b.length - end, StandardCharsets.UTF_8);
    }

    private List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < reader.count(); i++) {
            labels.add(reader.name(i) + "=" + reader.value(i));
        }
        return labels;
    }

    private String problem() {
        assertThat(problems.count()).isEqualTo(1);
        PrometheusParseProblem problem = problems.kept().get(0);
        return problem.column() + ": " + problem.reason();
    }

    @Test
    void readsLabelsInTheOrderWritten() {
        assertThat(read("x{b=\"2\",a=\"1\"} 3")).isEqualTo(" 3");
        assertThat(labels()).containsExactly("b=2", "a=1");
        assertThat(problems.count()).isZero();
    }

    @Test
    void allowsBlanksBetweenTokensATrailingCommaAndAnEmptyBlock() {
        assertThat(read("x{ \ta = \"1\" ,\tb=\"2\", } 3")).isEqualTo(" 3");
        assertThat(labels()).containsExactly("a=1", "b=2");
        assertThat(read("x{} 3")).isEqualTo(" 3");
        assertThat(labels()).isEmpty();
    }

    @Test
    void dropsALabelWithAnEmptyValue() {
        assertThat(read("x{a=\"\",b=\"2\",c=\"\"}")).isEmpty();
        assertThat(labels()).containsExactly("b=2");
    }

    @Test
    void unescapesBackslashQuoteAndNewlineAndKeepsEverythingElse() {
        assertThat(read("x{a=\"C:\\\\DIR\",b=\"say \\\"hi\\\"\",c=\"1\\n2\",d=\"} , = # \",e=\"ünï ✓\"}")).isEmpty();
        assertThat(labels()).containsExactly("a=C:\\DIR", "b=say \"hi\"", "c=1\n2", "d=} , = # ", "e=ünï ✓");
    }

    @Test
    void internsNamesAndShortAsciiValues() {
        read("x{mode=\"idle\"}");
        String name = reader.name(0);
        String value = reader.value(0);
        read("y{ mode=\"idle\"}");
        assertThat(reader.name(0)).isSameAs(name);
        assertThat(reader.value(0)).isSameAs(value);
        assertThat(reader.value(0)).isSameAs(strings.intern("idle"));
    }

    @Test
    void startsAfreshOnEveryBlockAndOnClear() {
        read("x{a=\"1\",b=\"2\"}");
        read("x{c=\"3\"}");
        assertThat(labels()).containsExactly("c=3");
        reader.clear();
        assertThat(reader.count()).isZero();
    }

    @Test
    void refusesWhatTheGrammarDoesNotAllowAtItsColumn() {
        assertRefused("x{a=\"1\"", "8: expected , or } after the value of label a");
        assertRefused("x{a=\"1\", ", "10: label set not closed (expected: })");
        assertRefused("x{a=\"1\" b=\"2\"}", "9: expected , or } after the value of label a");
        assertRefused("x{1a=\"1\"}", "3: expected a label name [a-zA-Z_][a-zA-Z0-9_]*, found \"1\"");
        assertRefused("x{a:b=\"1\"}", "4: expected = after label name \"a\"");
        assertRefused("x{a=1}", "5: expected \" to open the value of label \"a\"");
        assertRefused("x{a=\"1}", "5: value of label a not closed (expected: \")");
        assertRefused("x{a=\"1\\\"}", "5: value of label a not closed (expected: \")");
        assertRefused("x{a=\"1\\t\"}", "7: escape \\t in the value of label a (expected: \\\\, \\\" or \\n)");
        assertRefused("x{__name__=\"y\"}", "3: label __name__ (expected: the name before the braces)");
        assertRefused("x{a=\"1\",b=\"\",a=\"\"}", "14: label a appears twice (expected: once)");
    }

    private void assertRefused(String line, String problem) {
        assertThat(read(line)).as(line).isNull();
        assertThat(problem()).as(line).isEqualTo(problem);
    }

    @Test
    void refusesValuesThatAreNotUtf8WithOrWithoutEscapes() {
        for (byte[] value : new byte[][] {{(byte) 0xC3}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xFF}, {'a', '\\', 'n', (byte) 0x80}}) {
            byte[] line = new byte[value.length + 6];
            System.arraycopy("x{a=\"".getBytes(StandardCharsets.ISO_8859_1), 0, line, 0, 5);
            System.arraycopy(value, 0, line, 5, value.length);
            line[line.length - 1] = '"';
            byte[] block = new byte[line.length + 1];
            System.arraycopy(line, 0, block, 0, line.length);
            block[line.length] = '}';
            problems.begin();
            problems.onLine(1, 0);
            assertThat(reader.read(block, 1, block.length)).isEqualTo(-1);
            assertThat(problem()).isEqualTo("6: value of label a is not valid UTF-8");
        }
    }

    @Test
    void checksUtf8Strictly() {
        assertThat(LabelBlockReader.isUtf8(utf8("ascii ünïcødé ✓ 😀"), 0, utf8("ascii ünïcødé ✓ 😀").length)).isTrue();
        assertThat(LabelBlockReader.isUtf8(new byte[] {(byte) 0xF4, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF}, 0, 4))
                .as("U+10FFFF").isTrue();
        assertThat(LabelBlockReader.isUtf8(new byte[] {(byte) 0xC2, (byte) 0x80}, 0, 1)).as("cut").isFalse();
        assertThat(LabelBlockReader.isUtf8(new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, 0, 3)).as("overlong").isFalse();
        assertThat(LabelBlockReader.isUtf8(new byte[] {(byte) 0xED, (byte) 0xBF, (byte) 0xBF}, 0, 3)).as("surrogate").isFalse();
        assertThat(LabelBlockReader.isUtf8(new byte[] {(byte) 0xC3, 'a'}, 0, 2)).as("no continuation").isFalse();
        assertThat(LabelBlockReader.isUtf8(new byte[] {(byte) 0x80}, 0, 1)).as("lone continuation").isFalse();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsUpToMaxLabelsAndNoMore() {
        assertThat(read(block(PrometheusTextParser.MAX_LABELS))).isEmpty();
        assertThat(reader.count()).isEqualTo(PrometheusTextParser.MAX_LABELS);

        String tooMany = block(PrometheusTextParser.MAX_LABELS + 1);
        assertThat(read(tooMany)).isNull();
        assertThat(problem()).isEqualTo((tooMany.lastIndexOf(',') + 2) + ": more than 256 labels (expected: at most 256)");
    }

    private static String block(int labels) {
        StringBuilder sb = new StringBuilder("x{");
        for (int i = 0; i < labels; i++) {
            sb.append(i == 0 ? "" : ",").append("l").append(i).append("=\"v\"");
        }
        return sb.append('}').toString();
    }
}
