package dev.concierge.courier.sources.prometheus;

import dev.concierge.courier.core.model.Sample;
import java.util.List;

/**
 * What one exposition yielded: the samples of every line that parsed, in exposition order, and what was
 * wrong with the others. A line with a problem contributes no sample; every other line is kept.
 *
 * @param samples       the samples, in the order of their lines
 * @param families      for each sample, at the same index, the name of the metric family it belongs to
 *                      ({@code http_requests} for {@code http_requests_total} under an OpenMetrics
 *                      {@code # TYPE http_requests counter}); the very same String instance for one family
 * @param problems      the first {@value PrometheusTextParser#MAX_PROBLEMS_KEPT} problems, in line order
 * @param problemCount  every problem, including those not kept
 * @param skippedCreated OpenMetrics {@code _created} samples left out because the parser was told to
 * @param overSampleLimit whether the exposition held more samples than the parser was allowed to read: it
 *                       stopped there, so the samples are the first ones only and the collect must fail
 * @param starts        the start times that the {@code _created} samples left out gave their series, in
 *                      exposition order
 */
public record PrometheusParseResult(List<Sample> samples, List<String> families, List<PrometheusParseProblem> problems,
                                    int problemCount, int skippedCreated, boolean overSampleLimit,
                                    List<SeriesStart> starts) {

    /** A result without start times. */
    public PrometheusParseResult(List<Sample> samples, List<String> families, List<PrometheusParseProblem> problems,
                                 int problemCount, int skippedCreated, boolean overSampleLimit) {
        this(samples, families, problems, problemCount, skippedCreated, overSampleLimit, List.of());
    }

    /** A whole exposition, within any sample limit. */
    public PrometheusParseResult(List<Sample> samples, List<String> families, List<PrometheusParseProblem> problems,
                                 int problemCount, int skippedCreated) {
        this(samples, families, problems, problemCount, skippedCreated, false);
    }

    public PrometheusParseResult {
        samples = List.copyOf(samples);
        families = List.copyOf(families);
        problems = List.copyOf(problems);
        starts = List.copyOf(starts);
        if (samples.size() != families.size()) {
            throw new IllegalArgumentException("families: " + families.size() + " (expected: one per sample, "
                    + samples.size() + ")");
        }
    }

    public boolean hasProblems() {
        return problemCount > 0;
    }
}
