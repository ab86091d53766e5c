package dev.concierge.courier.app.discovery;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/**
 * Writes Zabbix LLD rows (PROTOCOLS.md section 2) in either envelope, every macro value as a string, rows and
 * macros in the order given: the same bytes {@code DropwizardDiscovery} and {@code PrometheusDiscovery} write
 * for the same rows.
 */
public final class LldJson {
    static final JsonFactory JSON = new JsonFactory();

    private LldJson() {
    }

    /**
     * Writes {@code rows} as UTF-8 to {@code out}, which is flushed and left open.
     *
     * @param dataObject true for {@code {"data":[...]}} (servers before 4.2), false for {@code [...]}
     */
    public static void write(List<Map<String, String>> rows, boolean dataObject, OutputStream out)
            throws IOException {
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (dataObject) {
                json.writeStartObject();
                json.writeFieldName("data");
            }
            json.writeStartArray();
            for (Map<String, String> row : rows) {
                json.writeStartObject();
                for (Map.Entry<String, String> macro : row.entrySet()) {
                    json.writeStringField(macro.getKey(), macro.getValue());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            if (dataObject) {
                json.writeEndObject();
            }
        }
    }
}
