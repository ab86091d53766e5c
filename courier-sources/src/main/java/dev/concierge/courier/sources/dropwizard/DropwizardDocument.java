package dev.concierge.courier.sources.dropwizard;

import dev.concierge.courier.core.model.Sample;
import java.util.List;
import java.util.Objects;

/**
 * One parsed metrics-json document.
 *
 * @param samples every value read, in document order, all with the same timestamp, host and source
 * @param names   every metric name per kind, including metrics none of whose values could be used
 */
public record DropwizardDocument(List<Sample> samples, DropwizardMetricNames names) {
    public DropwizardDocument {
        samples = List.copyOf(samples);
        Objects.requireNonNull(names, "names");
    }
}
