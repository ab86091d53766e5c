package dev.concierge.courier.sinks.http;

import dev.concierge.courier.core.naming.NameEscaping;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code json} format: one array, one object per sample, keys always present and in this order:
 * <pre>
 * [{"name":"app.requests","labels":{"env":"prod"},"type":"timer","field":"p99","value":0.25,
 *   "timestamp":{"seconds":1717171717,"nanos":120000000},"host":"web-01","source":"orders"}]
 * </pre>
 * {@code field} is null when the metric has a single value; {@code value} is a JSON number for numeric
 * samples (integers exact, as written by {@code Long.toString}) and a string for text. Non-finite decimals are
 * skipped: JSON has no NaN or infinity. Written with jackson-core's streaming generator, UTF-8.
 */
final class JsonBodyEncoder implements HttpBodyEncoder {
    private static final JsonFactory JSON = new JsonFactory();

    private final NameEscaping nameEscaping;

    JsonBodyEncoder() {
        this(NameEscaping.DEFAULT);
    }

    JsonBodyEncoder(NameEscaping nameEscaping) {
        this.nameEscaping = nameEscaping;
    }

    @Override
    public String contentType() {
        return HttpSinkConfig.Format.JSON.contentType();
    }

    @Override
    public EncodedBody encode(List<Sample> samples) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(samples.size() * 192);
        int written = 0;
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartArray();
            for (Sample sample : samples) {
                if (leavesOut(sample)) {
                    continue;
                }
                write(json, nameEscaping.apply(sample));
                written++;
            }
            json.writeEndArray();
        } catch (IOException e) {
            // A ByteArrayOutputStream does not fail.
            throw new UncheckedIOException(e);
        }
        return new EncodedBody(out.toByteArray(), written, samples.size() - written);
    }

    @Override
    public String element(Sample sample) {
        if (leavesOut(sample)) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(192);
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            write(json, nameEscaping.apply(sample));
        } catch (IOException e) {
            // A ByteArrayOutputStream does not fail.
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** JSON has no NaN or infinity. */
    private static boolean leavesOut(Sample sample) {
        return sample.value() instanceof SampleValue.Decimal d && !d.isFinite();
    }

    private static void write(JsonGenerator json, Sample sample) throws IOException {
        json.writeStartObject();
        json.writeStringField("name", sample.name());
        json.writeObjectFieldStart("labels");
        Labels labels = sample.labels();
        for (int i = 0; i < labels.size(); i++) {
            json.writeStringField(labels.name(i), labels.value(i));
        }
        json.writeEndObject();
        json.writeStringField("type", sample.type().keyPrefix());
        json.writeStringField("field", sample.field());
        json.writeFieldName("value");
        SampleValue value = sample.value();
        if (value instanceof SampleValue.Integer integer) {
            json.writeNumber(integer.value());
        } else if (value instanceof SampleValue.Decimal decimal) {
            json.writeNumber(decimal.value());
        } else {
            json.writeString(value.render());
        }
        json.writeObjectFieldStart("timestamp");
        json.writeNumberField("seconds", sample.epochSecond());
        json.writeNumberField("nanos", sample.nanos());
        json.writeEndObject();
        json.writeStringField("host", sample.host());
        json.writeStringField("source", sample.source());
        json.writeEndObject();
    }
}
