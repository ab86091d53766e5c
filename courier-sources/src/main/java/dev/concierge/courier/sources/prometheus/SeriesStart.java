package dev.concierge.courier.sources.prometheus;

import dev.concierge.courier.core.model.Labels;
import java.time.Instant;

/**
 * The start time an OpenMetrics {@code _created} sample gives the series of its family with the same
 * labels (a counter's {@code _total}, a histogram's or a summary's samples): when the counting began.
 *
 * @param family      the family name ({@code http_requests} for {@code http_requests_created})
 * @param labels      the labels of the {@code _created} sample, which are those of the series it starts
 * @param epochSecond the start time's whole seconds, exact as written
 * @param nanos       its nanoseconds, 0..999,999,999
 * @param seconds     the value as written, as a float64
 * @param sampleIndex the index in {@link PrometheusParseResult#samples()} of the first sample after the
 *                    {@code _created} line (the size of the list when none followed)
 */
public record SeriesStart(String family, Labels labels, long epochSecond, int nanos, double seconds, int sampleIndex) {

    public Instant instant() {
        return Instant.ofEpochSecond(epochSecond, nanos);
    }
}
