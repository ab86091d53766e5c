package dev.concierge.courier.sinks.http;

import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * InfluxDB line protocol, one {@link InfluxLines} line per sample, each ending in {@code \n}, seconds
 * timestamps (so the URL must say {@code precision=s}). Non-finite decimals are skipped: the line protocol
 * has no literal for NaN or infinity, and one bad line makes InfluxDB refuse the whole request with 400.
 */
final class InfluxBodyEncoder implements HttpBodyEncoder {
    private final NameEscaping nameEscaping;

    InfluxBodyEncoder() {
        this(NameEscaping.DEFAULT);
    }

    InfluxBodyEncoder(NameEscaping nameEscaping) {
        this.nameEscaping = nameEscaping;
    }

    @Override
    public String contentType() {
        return HttpSinkConfig.Format.INFLUX.contentType();
    }

    @Override
    public EncodedBody encode(List<Sample> samples) {
        StringBuilder body = new StringBuilder(samples.size() * 96);
        int written = 0;
        for (Sample sample : samples) {
            String line = element(sample);
            if (line != null) {
                body.append(line).append('\n');
                written++;
            }
        }
        return new EncodedBody(body.toString().getBytes(StandardCharsets.UTF_8), written, samples.size() - written);
    }

    @Override
    public String element(Sample sample) {
        return sample.value() instanceof SampleValue.Decimal d && !d.isFinite() ? null : InfluxLines.render(nameEscaping.apply(sample));
    }
}
