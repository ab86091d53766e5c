package dev.concierge.courier.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConfigProblemsTest {
    private final ConfigProblems problems = new ConfigProblems();

    @Test
    void formatsEachProblemAsPositionPathFoundAndExpected() {
        problems.add(SourcePosition.of("courier.yaml", 12, 13), "sinks[0].timeout", "\"10\"",
                "a duration with a unit such as 10s");

        assertThat(problems.sorted()).singleElement().hasToString(
                "courier.yaml:12:13: sinks[0].timeout: \"10\" (expected: a duration with a unit such as 10s)");
    }

    @Test
    void leavesOutThePathForTheDocumentItselfAndThePositionWhenUnknown() {
        problems.add(SourcePosition.unknown("missing.yaml"), "", "cannot be read", "a readable file");

        assertThat(problems.sorted()).singleElement()
                .hasToString("missing.yaml: cannot be read (expected: a readable file)");
    }

    @Test
    void sortsByPositionAndKeepsDiscoveryOrderForTies() {
        problems.add(SourcePosition.of("a.yaml", 9, 1), "late", "x", "y");
        problems.add(SourcePosition.of("a.yaml", 2, 7), "second", "x", "y");
        problems.add(SourcePosition.of("a.yaml", 2, 3), "first", "x", "y");
        problems.add(SourcePosition.of("a.yaml", 2, 7), "second.again", "x", "y");
        problems.add(SourcePosition.of("a.yaml", 10, 1), "after", "x", "y");

        assertThat(problems.sorted()).extracting(ConfigProblem::path)
                .containsExactly("first", "second", "second.again", "late", "after");
    }

    @Test
    void recordsTheSameProblemOnce() {
        for (int i = 0; i < 3; i++) {
            problems.add(SourcePosition.of("a.yaml", 1, 1), "sinks[0]", "a list", "a mapping");
        }

        assertThat(problems.count()).isEqualTo(1);
    }

    @Test
    void throwIfAnyListsEveryProblemOnePerLineInPositionOrder() {
        problems.add(SourcePosition.of("a.yaml", 5, 3), "b", "2", "3");
        problems.add(SourcePosition.of("a.yaml", 1, 3), "a", "1", "2");

        assertThatThrownBy(problems::throwIfAny)
                .isInstanceOf(ConfigException.class)
                .hasMessage("a.yaml:1:3: a: 1 (expected: 2)\na.yaml:5:3: b: 2 (expected: 3)")
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2));
    }

    @Test
    void throwIfAnyReturnsQuietlyWhenThereAreNone() throws ConfigException {
        problems.throwIfAny();

        assertThat(problems.isEmpty()).isTrue();
    }
}
