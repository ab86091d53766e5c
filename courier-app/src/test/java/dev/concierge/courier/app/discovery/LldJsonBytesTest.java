package dev.concierge.courier.app.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.concierge.courier.core.spi.LldJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code courier discover} printed LLD JSON through jackson-core's UTF-8 generator before courier-core's
 * {@link LldJson} took over; its output must stay the same bytes, whatever the macro values hold.
 */
class LldJsonBytesTest {
    private static final String TRICKY = "\"\\/\b\t\n\f\r\u0000\u001f\u007f\u0080é€\u2028\ud83d\ude00\ud800\udc00 a{#}[],:";

    @Test
    void writesTheBytesJacksonsUtf8GeneratorWroteForAnyValues() throws IOException {
        Random random = new Random(13);
        for (int round = 0; round < 2_000; round++) {
            List<Map<String, String>> rows = new ArrayList<>();
            for (int r = random.nextInt(4); r > 0; r--) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int m = 1 + random.nextInt(3); m > 0; m--) {
                    row.put("{#M" + m + "}", value(random));
                }
                rows.add(row);
            }
            for (LldJson.Format format : LldJson.Format.values()) {
                ByteArrayOutputStream ours = new ByteArrayOutputStream();
                LldJson.write(rows, format, ours);

                assertThat(ours.toByteArray()).as("%s %s", format, rows).isEqualTo(jackson(rows, format));
            }
        }
    }

    private static String value(Random random) {
        StringBuilder value = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            value.append(random.nextBoolean() ? TRICKY.charAt(random.nextInt(TRICKY.length()))
                    : (char) random.nextInt(Character.MAX_VALUE + 1));
        }
        return value.toString();
    }

    /** How {@code courier discover} wrote rows before: a jackson-core UTF-8 generator, strings field by field. */
    private static byte[] jackson(List<Map<String, String>> rows, LldJson.Format format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            if (format == LldJson.Format.DATA_OBJECT) {
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
            if (format == LldJson.Format.DATA_OBJECT) {
                json.writeEndObject();
            }
        }
        return out.toByteArray();
    }
}
