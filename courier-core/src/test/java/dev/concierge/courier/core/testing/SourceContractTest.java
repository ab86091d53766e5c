package dev.concierge.courier.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Emitter;
import dev.concierge.courier.core.spi.Source;
import dev.concierge.courier.core.spi.SourceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every source promises the pipeline, run against each implementation with its own peer. A subclass
 * supplies a source reading from a peer that serves metrics, and one pointed at a peer that is not there.
 */
public abstract class SourceContractTest {

    /** A source named {@code name} reading from a peer that serves at least one metric. */
    protected abstract Source createSource(String name) throws Exception;

    /** A source named {@code name} pointed at a peer that refuses connections (or a file that does not exist). */
    protected abstract Source createSourceOfMissingPeer(String name) throws Exception;

    private static List<Sample> collect(Source source) throws SourceException {
        List<Sample> offered = new ArrayList<>();
        source.collect(sample -> offered.add(sample));
        return offered;
    }

    @Test
    void stampsEverySampleWithItsName() throws Exception {
        try (Source source = createSource("contract-app")) {
            assertThat(source.name()).isEqualTo("contract-app");

            List<Sample> samples = collect(source);

            assertThat(samples).isNotEmpty().allSatisfy(sample -> {
                assertThat(sample.source()).isEqualTo("contract-app");
                assertThat(sample.host()).isNotBlank();
            });
        }
    }

    @Test
    void collectsAgainOnEveryCall() throws Exception {
        try (Source source = createSource("again")) {
            int first = collect(source).size();

            assertThat(collect(source)).hasSize(first);
        }
    }

    @Test
    void keepsCollectingWhenTheRingRefusesEverySample() throws Exception {
        AtomicInteger offered = new AtomicInteger();
        Emitter full = sample -> {
            offered.incrementAndGet();
            return false;
        };
        try (Source source = createSource("full-ring")) {
            source.collect(full);

            assertThat(offered).hasPositiveValue();
            assertThat(collect(source)).isNotEmpty();
        }
    }

    @Test
    void reportsAMissingPeerAsASourceExceptionAndOffersNothing() throws Exception {
        List<Sample> offered = new ArrayList<>();
        try (Source source = createSourceOfMissingPeer("missing")) {
            assertThatThrownBy(() -> source.collect(offered::add)).isInstanceOf(SourceException.class);
            assertThatThrownBy(() -> source.collect(offered::add)).isInstanceOf(SourceException.class);
        }
        assertThat(offered).isEmpty();
    }
}
