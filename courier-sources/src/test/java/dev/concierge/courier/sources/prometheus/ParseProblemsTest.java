package dev.concierge.courier.sources.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Problems with their line and column, the first hundred kept and every one counted, and how input is quoted. */
class ParseProblemsTest {
    private final ParseProblems problems = new ParseProblems();

    @Test
    void placesAProblemAtItsLineAndColumn() {
        problems.begin();
        problems.onLine(3, 40);
        problems.at(40, "first byte");
        problems.at(45, "sixth byte");
        problems.ofLine("whole line");

        assertThat(problems.kept()).containsExactly(new PrometheusParseProblem(3, 1, "first byte"),
                new PrometheusParseProblem(3, 6, "sixth byte"), new PrometheusParseProblem(3, 0, "whole line"));
        assertThat(problems.count()).isEqualTo(3);
    }

    @Test
    void keepsTheFirstHundredAndCountsTheRest() {
        problems.begin();
        for (int line = 1; line <= 250; line++) {
            problems.onLine(line, 0);
            problems.ofLine("bad");
        }
        assertThat(problems.kept()).hasSize(PrometheusTextParser.MAX_PROBLEMS_KEPT);
        assertThat(problems.kept().get(99).line()).isEqualTo(100);
        assertThat(problems.count()).isEqualTo(250);
    }

    @Test
    void tellsWhetherTheCurrentLineHasAProblemKept() {
        problems.begin();
        problems.onLine(1, 0);
        assertThat(problems.keptOnThisLine()).isFalse();
        problems.ofLine("bad");
        assertThat(problems.keptOnThisLine()).isTrue();
        problems.onLine(2, 10);
        assertThat(problems.keptOnThisLine()).isFalse();
    }

    @Test
    void startsEveryParseWithANewListAndLeavesTheOldOneToItsResult() {
        problems.begin();
        problems.onLine(1, 0);
        problems.ofLine("bad");
        List<PrometheusParseProblem> first = problems.kept();
        problems.end();
        problems.begin();

        assertThat(problems.kept()).isEmpty();
        assertThat(problems.count()).isZero();
        assertThat(first).hasSize(1);
    }

    @Test
    void quotesAtMostFortyCharactersWithControlsAndBadBytesEscaped() {
        byte[] b = "a\tb\u007f".getBytes(StandardCharsets.UTF_8);
        assertThat(ParseProblems.quoted(b, 0, b.length)).isEqualTo("\"a\\x09b\\x7f\"");
        byte[] bad = {'x', (byte) 0xC3};
        assertThat(ParseProblems.quoted(bad, 0, 2)).isEqualTo("\"x\\ufffd\"");
        byte[] longer = "y".repeat(50).getBytes(StandardCharsets.UTF_8);
        assertThat(ParseProblems.quoted(longer, 0, 50)).isEqualTo("\"" + "y".repeat(40) + "...\"");
        assertThat(ParseProblems.quoted(longer, 10, 50)).isEqualTo("\"" + "y".repeat(40) + "\"");
        assertThat(ParseProblems.quotedChar((byte) 't')).isEqualTo("t");
        assertThat(ParseProblems.quotedChar((byte) ' ')).isEqualTo("x20");
        assertThat(ParseProblems.quotedChar((byte) 0xC3)).isEqualTo("xc3");
    }
}
