package dev.concierge.courier.sources.dropwizard;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Zabbix low-level discovery JSON (PROTOCOLS.md section 2) for the metrics of a Dropwizard document.
 *
 * <ul>
 *   <li>For one kind, one object per metric name with the kind's macro:
 *       {@code [{"{#TIMER}":"app.requests"}]}.</li>
 *   <li>For every kind, one object per metric with its type and name:
 *       {@code [{"{#TYPE}":"timer","{#NAME}":"app.requests"}]}, grouped by type in alphabetical order.</li>
 *   <li>Names are sorted and unique within a kind. Macro values are always strings, the form Zabbix
 *       expands in every version.</li>
 *   <li>{@link Format#ARRAY} is the 4.2+ form; {@link Format#DATA_OBJECT} wraps the same array as
 *       {@code {"data":[...]}} for servers older than 4.2.</li>
 * </ul>
 *
 * <p>Made to run as a Zabbix agent UserParameter, which must answer within the agent's Timeout (3 s by
 * default) from a cold JVM: together with {@link DropwizardMetricNames#read} it loads only jackson-core's
 * streaming classes and this package's, builds no samples and logs nothing. An empty document yields
 * {@code []}, which tells Zabbix every entity is gone; feed it only complete documents.
 */
public final class DropwizardDiscovery {
    static final String TYPE_MACRO = "{#TYPE}";
    static final String NAME_MACRO = "{#NAME}";

    /** The LLD envelope. */
    public enum Format {
        /** {@code [...]}: Zabbix 4.2 and later. */
        ARRAY,
        /** {@code {"data":[...]}}: also understood by servers before 4.2; deprecated by newer ones. */
        DATA_OBJECT
    }

    private DropwizardDiscovery() {
    }

    /**
     * Writes the LLD JSON as UTF-8 to {@code out}, which is flushed and left open.
     *
     * @param kind the kind to list with its own macro, or null to list every kind with {@code {#TYPE}} and
     *             {@code {#NAME}}
     */
    public static void write(DropwizardMetricNames names, DropwizardKind kind, Format format, OutputStream out)
            throws IOException {
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(format, "format");
        try (JsonGenerator json = DropwizardJsonReader.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (format == Format.DATA_OBJECT) {
                json.writeStartObject();
                json.writeFieldName("data");
            }
            json.writeStartArray();
            if (kind != null) {
                for (String name : names.of(kind)) {
                    json.writeStartObject();
                    json.writeStringField(kind.macro(), name);
                    json.writeEndObject();
                }
            } else {
                for (DropwizardKind each : DropwizardKind.values()) {
                    for (String name : names.of(each)) {
                        json.writeStartObject();
                        json.writeStringField(TYPE_MACRO, each.typeName());
                        json.writeStringField(NAME_MACRO, name);
                        json.writeEndObject();
                    }
                }
            }
            json.writeEndArray();
            if (format == Format.DATA_OBJECT) {
                json.writeEndObject();
            }
        }
    }

    /** {@link #write} into a string, e.g. for a trapper LLD value. */
    public static String toJson(DropwizardMetricNames names, DropwizardKind kind, Format format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            write(names, kind, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
