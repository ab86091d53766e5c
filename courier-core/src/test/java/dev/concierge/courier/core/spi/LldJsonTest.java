package dev.concierge.courier.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concierge.courier.core.spi.LldJson.Format;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LldJsonTest {

    private static Map<String, String> row(String... macrosAndValues) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < macrosAndValues.length; i += 2) {
            row.put(macrosAndValues[i], macrosAndValues[i + 1]);
        }
        return row;
    }

    @Test
    void writesRowsAndMacrosInTheOrderGivenInEitherEnvelope() {
        List<Map<String, String>> rows = List.of(row("{#TYPE}", "timer", "{#NAME}", "db.query"),
                row("{#TYPE}", "counter", "{#NAME}", "jobs"));

        assertThat(LldJson.toJson(rows, Format.ARRAY))
                .isEqualTo("[{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"db.query\"},{\"{#TYPE}\":\"counter\",\"{#NAME}\":\"jobs\"}]");
        assertThat(LldJson.toJson(rows, Format.DATA_OBJECT))
                .isEqualTo("{\"data\":[{\"{#TYPE}\":\"timer\",\"{#NAME}\":\"db.query\"},"
                        + "{\"{#TYPE}\":\"counter\",\"{#NAME}\":\"jobs\"}]}");
    }

    @Test
    void writesNoRowsAsAnEmptyList() {
        assertThat(LldJson.toJson(List.of(), Format.ARRAY)).isEqualTo("[]");
        assertThat(LldJson.toJson(List.of(), Format.DATA_OBJECT)).isEqualTo("{\"data\":[]}");
        assertThat(LldJson.ofRowObjects(List.of(), Format.ARRAY)).isEqualTo("[]");
    }

    @Test
    void escapesAsJacksonsUtf8GeneratorDoes() throws Exception {
        String value = "a\u00e9\ud83d\ude00\ud800x\u007f\u0001\b\t\n\f\r\"\\/\u2028";
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        LldJson.write(List.of(row("{#K}", value)), Format.ARRAY, out);

        // Bytes jackson-core 2.20's UTF8JsonGenerator writes for the same row.
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("[{\"{#K}\":\"a\u00e9\\uD83D\\uDE00\\uD800x\u007f"
                + "\\u0001\\b\\t\\n\\f\\r\\\"\\\\/\u2028\"}]");
        assertThat(out.toByteArray()).containsSubsequence((byte) 0xc3, (byte) 0xa9);
    }

    @Test
    void joinsRowsWrittenOneByOneIntoTheSameTextAsAllAtOnce() {
        Map<String, String> a = row("{#TIMER}", "a\"b");
        Map<String, String> b = row("{#TIMER}", "c");

        assertThat(LldJson.ofRowObjects(List.of(LldJson.row(a), LldJson.row(b)), Format.ARRAY))
                .isEqualTo(LldJson.toJson(List.of(a, b), Format.ARRAY))
                .isEqualTo("[{\"{#TIMER}\":\"a\\\"b\"},{\"{#TIMER}\":\"c\"}]");
        assertThat(LldJson.ofRowObjects(List.of(LldJson.row(a)), Format.DATA_OBJECT))
                .isEqualTo(LldJson.toJson(List.of(a), Format.DATA_OBJECT));
    }
}
