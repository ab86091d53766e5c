package dev.concierge.courier.core.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The one writer of Zabbix low-level discovery JSON (PROTOCOLS.md section 2.1), used by {@code courier
 * discover}, by the discovery snapshots {@code courier run} keeps, and by the Zabbix sink's discovery values.
 * It lives in core because the app and the sinks both write LLD JSON and share nothing else; it is a few
 * string escapes, not a JSON library, which core does not use.
 *
 * <p>Every macro value is written as a JSON string, the form Zabbix expands in every version; rows and macros
 * in the order given; no whitespace. Escapes are those of jackson-core's UTF-8 generator, so the bytes are
 * the ones this courier has always written: {@code "} and {@code \} and the short forms {@code \b \t \n \f
 * \r}, other characters below U+0020 and every UTF-16 surrogate (so also characters outside the BMP, as a
 * pair) as {@code \}{@code uXXXX} with upper-case hex, {@code /} and everything else as it is, in UTF-8.
 */
public final class LldJson {

    /** The LLD envelope. */
    public enum Format {
        /** {@code [...]}: Zabbix 4.2 and later. */
        ARRAY,
        /** {@code {"data":[...]}}: also understood by servers before 4.2; deprecated by newer ones. */
        DATA_OBJECT
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private LldJson() {
    }

    /** Writes {@code rows} as UTF-8 to {@code out}, which is flushed and left open. */
    public static void write(List<? extends Map<String, String>> rows, Format format, OutputStream out)
            throws IOException {
        out.write(toJson(rows, format).getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** {@code rows} as LLD JSON, e.g. for a trapper LLD value. */
    public static String toJson(List<? extends Map<String, String>> rows, Format format) {
        StringBuilder json = new StringBuilder(16 + 48 * rows.size());
        json.append(format == Format.DATA_OBJECT ? "{\"data\":[" : "[");
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            appendRow(rows.get(i), json);
        }
        return json.append(format == Format.DATA_OBJECT ? "]}" : "]").toString();
    }

    /**
     * One row as a JSON object, {@code {"{#NAME}":"jobs"}}: the same text {@link #toJson} writes for it, so
     * rows written one by one, e.g. to tell entities apart, can be joined by {@link #ofRowObjects}.
     */
    public static String row(Map<String, String> macros) {
        StringBuilder json = new StringBuilder(2 + 32 * macros.size());
        appendRow(macros, json);
        return json.toString();
    }

    /** The LLD JSON of rows each already written by {@link #row}, in the order given. */
    public static String ofRowObjects(Collection<String> rowObjects, Format format) {
        StringBuilder json = new StringBuilder(16 + rowObjects.stream().mapToInt(String::length).sum()
                + rowObjects.size());
        json.append(format == Format.DATA_OBJECT ? "{\"data\":[" : "[");
        boolean first = true;
        for (String row : rowObjects) {
            if (!first) {
                json.append(',');
            }
            first = false;
            json.append(row);
        }
        return json.append(format == Format.DATA_OBJECT ? "]}" : "]").toString();
    }

    private static void appendRow(Map<String, String> macros, StringBuilder json) {
        json.append('{');
        boolean first = true;
        for (Map.Entry<String, String> macro : macros.entrySet()) {
            if (!first) {
                json.append(',');
            }
            first = false;
            appendString(macro.getKey(), json);
            json.append(':');
            appendString(macro.getValue(), json);
        }
        json.append('}');
    }

    private static void appendString(String value, StringBuilder json) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\b' -> json.append("\\b");
                case '\t' -> json.append("\\t");
                case '\n' -> json.append("\\n");
                case '\f' -> json.append("\\f");
                case '\r' -> json.append("\\r");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        // jackson-core's UTF-8 generator escapes surrogates one by one; a lone one stays valid JSON.
                        json.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
                                .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
