package dev.concierge.courier.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.ring.MultiProducerBroadcastRing;
import dev.concierge.courier.core.ring.RingReader;
import dev.concierge.courier.core.settings.ByteSize;
import dev.concierge.courier.core.spi.SampleLimit;
import dev.concierge.courier.sources.dropwizard.DropwizardJsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The ring the README recommends for the small profile takes the document it is recommended for whole: a
 * Dropwizard registry of 2,000 timers (34,000 samples), with no sink draining the ring meanwhile (a sink thread
 * busy writing its backlog), beside a small second source.
 */
class SmallProfileBudgetTest {
    private static final int TIMERS = 2_000;
    // Runtime.maxMemory() of the small profile's -XX:+UseSerialGC -Xmx24m -Xms6m -Xmn2m.
    private static final long SMALL_PROFILE_HEAP = 24_969_216L;
    // What RingShare leaves a collect beside one small source: all but a sixteenth.
    private static final double SHARE_BESIDE_ONE_SMALL_SOURCE = 15.0 / 16;

    private static final Pattern RING = Pattern.compile("`ring: \\{slots: (\\d+), size: (\\w+)\\}`");

    private record Ring(int slots, long bytes) {
    }

    private static Ring smallProfileRing() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        String section = readme.substring(readme.indexOf("**A small courier beside an application.**"),
                readme.indexOf("**A dedicated courier that moves a lot.**"));
        Matcher ring = RING.matcher(section);
        assertThat(ring.find()).as("the small profile's ring in the README").isTrue();
        return new Ring(Integer.parseInt(ring.group(1)), ByteSize.parse(ring.group(2)).bytes());
    }

    private static List<Sample> twoThousandTimers() throws Exception {
        StringBuilder json = new StringBuilder("{\"version\":\"4.0.0\",\"gauges\":{},\"counters\":{},"
                + "\"histograms\":{},\"meters\":{},\"timers\":{");
        for (int i = 0; i < TIMERS; i++) {
            json.append(i == 0 ? "" : ",").append("\"com.example.shop.api.OrderResource.endpoint").append(i)
                    .append(".requests\":{\"count\":1234,\"max\":0.5,\"mean\":0.1,\"min\":0.01,\"p50\":0.1,"
                            + "\"p75\":0.2,\"p95\":0.3,\"p98\":0.4,\"p99\":0.45,\"p999\":0.5,\"stddev\":0.05,"
                            + "\"m15_rate\":1.5,\"m1_rate\":1.2,\"m5_rate\":1.4,\"mean_rate\":1.3,"
                            + "\"duration_units\":\"seconds\",\"rate_units\":\"calls/second\"}");
        }
        byte[] document = json.append("}}").toString().getBytes(StandardCharsets.UTF_8);
        return new DropwizardJsonParser("app", "app-01").parse(document, "app.json", Instant.now()).samples();
    }

    @Test
    void theSmallProfilesRingTakesAWholeDocumentOfTwoThousandTimers() throws Exception {
        Ring recommended = smallProfileRing();
        List<Sample> collect = twoThousandTimers();
        long bytes = collect.stream().mapToLong(Sample::estimatedBytes).sum();

        assertThat(collect).hasSize(34_000);
        assertThat(SampleLimit.ofHeap(SMALL_PROFILE_HEAP).allows(collect.size())).as("within the sample limit")
                .isTrue();
        assertThat((double) collect.size()).as("slots").isLessThanOrEqualTo(recommended.slots()
                * SHARE_BESIDE_ONE_SMALL_SOURCE);
        assertThat((double) bytes).as("bytes").isLessThanOrEqualTo(recommended.bytes() * SHARE_BESIDE_ONE_SMALL_SOURCE);

        MultiProducerBroadcastRing ring = MultiProducerBroadcastRing.create(recommended.slots(), recommended.bytes());
        try (RingReader busySink = ring.newReader("zabbix")) {
            collect.forEach(ring::tryPublish);
            assertThat(ring.refused()).isZero();
            assertThat(busySink.lag()).isEqualTo(collect.size());
        }
    }

    @Test
    void theRecommendedBudgetsFitTheSmallProfilesHeapWithTwoSinks() throws Exception {
        Ring recommended = smallProfileRing();

        assertThat(CourierConfig.heapWarning(recommended.bytes(), List.of(4L << 20, 4L << 20), SMALL_PROFILE_HEAP))
                .isEmpty();
    }
}
