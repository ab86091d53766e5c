package dev.concierge.courier.sinks.http;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.naming.NameEscaping;
import java.util.List;

/**
 * Writes one batch into one request body. Implementations are stateless and thread-safe; samples a format
 * cannot carry are left out and counted, never thrown on.
 */
interface HttpBodyEncoder {

    /** The {@code Content-Type} of the bodies this encoder writes. */
    String contentType();

    /** The body for {@code samples}, in their order. */
    EncodedBody encode(List<Sample> samples);

    /**
     * What {@link #encode} writes for {@code sample} within a body, as text without the separator or line break
     * that follows it: a JSON object, an Influx line. Null when the format leaves the sample out.
     */
    String element(Sample sample);

    /** The encoder for {@code format}, with the default name escaping. */
    static HttpBodyEncoder of(HttpSinkConfig.Format format) {
        return of(format, NameEscaping.DEFAULT);
    }

    /** The encoder for {@code format}; each sample's names are escaped with {@code nameEscaping} as it is written. */
    static HttpBodyEncoder of(HttpSinkConfig.Format format, NameEscaping nameEscaping) {
        return switch (format) {
            case JSON -> new JsonBodyEncoder(nameEscaping);
            case INFLUX -> new InfluxBodyEncoder(nameEscaping);
        };
    }

    /**
     * One request body, uncompressed.
     *
     * @param bytes   the body; empty when no sample could be written
     * @param written how many samples it holds
     * @param skipped how many were left out (non-finite decimals)
     */
    record EncodedBody(byte[] bytes, int written, int skipped) {
    }
}
