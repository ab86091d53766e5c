package dev.concierge.courier.sinks.zabbix.client;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A trapper's answer (PROTOCOLS.md §1.5):
 * {@code {"response":"success","info":"processed: 2; failed: 0; total: 2; seconds spent: 0.000063"}}.
 *
 * @param response {@code success} or {@code failed} (anything else is kept as read)
 * @param info     the server's text; null when the reply had none
 * @param counts   the counts read from {@code info}; null when {@code info} does not carry them, in which
 *                 case it is an error text
 * @param redirect a 7.0 proxy group's redirect, null when the reply has none (or one Zabbix itself would not
 *                 read)
 */
public record ZabbixResponse(String response, String info, Counts counts, Redirect redirect) {
    private static final JsonFactory JSON = new JsonFactory();

    // The C helper scans "processed: %*d; failed: %d; total: %d; seconds spent: %lf"; whitespace tolerant.
    private static final Pattern INFO = Pattern.compile(
            "processed:\\s*(\\d+);\\s*failed:\\s*(\\d+);\\s*total:\\s*(\\d+);\\s*seconds spent:\\s*([0-9.eE+-]+)");

    /** A reply without a redirect. */
    public ZabbixResponse(String response, String info, Counts counts) {
        this(response, info, counts, null);
    }

    /**
     * A 7.0 proxy group's {@code "redirect"} block (Zabbix's {@code zbx_add_redirect_response}): either
     * {@code {"revision":N,"address":"host:port"}}, "this host belongs to that proxy as of host map revision
     * N", or {@code {"reset":true}}, "forget where you were sent". Read as {@code zbx_parse_redirect_response}
     * reads it: {@code reset} wins when it is true; otherwise both other fields must be there.
     *
     * @param reset    true for a reset, in which case {@code revision} is 0 and {@code address} null
     * @param revision the proxy group's host map revision
     * @param address  where to send, {@code host:port} or {@code [ipv6]:port}; port 10051 when it names none
     */
    public record Redirect(boolean reset, long revision, String address) {
        /** A reset. */
        public static final Redirect RESET = new Redirect(true, 0, null);

        public static Redirect to(long revision, String address) {
            return new Redirect(false, revision, Objects.requireNonNull(address, "address"));
        }
    }

    /** The counts a trapper reports for {@code sender data}. */
    public record Counts(int processed, int failed, int total, double secondsSpent) {
    }

    /** A {@code success} answer whose {@code info} is formatted as the server formats it. */
    public static ZabbixResponse success(int processed, int failed, double secondsSpent) {
        Counts counts = new Counts(processed, failed, processed + failed, secondsSpent);
        String info = String.format(Locale.ROOT, "processed: %d; failed: %d; total: %d; seconds spent: %.6f",
                processed, failed, processed + failed, secondsSpent);
        return new ZabbixResponse("success", info, counts);
    }

    /** A {@code failed} answer carrying an error text. */
    public static ZabbixResponse failed(String info) {
        return new ZabbixResponse("failed", info, null);
    }

    /**
     * Reads a reply tolerantly: unknown fields (such as {@code redirect}) are skipped, a non-string
     * {@code info} is ignored, and an {@code info} that does not match the counts pattern is kept as text.
     *
     * @throws IllegalArgumentException when the payload is not a JSON object with a string {@code response}
     */
    public static ZabbixResponse parse(byte[] json) {
        String response = null;
        String info = null;
        Redirect redirect = null;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("reply: " + preview(json) + " (expected: a JSON object)");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken token = p.nextToken();
                if (token == JsonToken.VALUE_STRING && field.equals("response")) {
                    response = p.getText();
                } else if (token == JsonToken.VALUE_STRING && field.equals("info")) {
                    info = p.getText();
                } else if (token == JsonToken.START_OBJECT && field.equals("redirect")) {
                    redirect = redirect(p);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("reply: " + preview(json) + " (expected: JSON; "
                    + message(e) + ")", e);
        }
        if (response == null) {
            throw new IllegalArgumentException("response: missing in " + preview(json)
                    + " (expected: \"success\" or \"failed\")");
        }
        return new ZabbixResponse(response, info, info == null ? null : counts(info), redirect);
    }

    /** The redirect block the parser stands at the start of; null when Zabbix would not take it as one. */
    private static Redirect redirect(JsonParser p) throws IOException {
        boolean reset = false;
        String revision = null;
        String address = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken token = p.nextToken();
            // zbx_json_value_by_name reads any scalar as its text: "revision":5 and "revision":"5" alike.
            String text = token.isScalarValue() ? p.getText() : null;
            if (text == null) {
                p.skipChildren();
            } else if (field.equals("reset")) {
                reset = text.equals("true");
            } else if (field.equals("revision")) {
                revision = text;
            } else if (field.equals("address")) {
                address = text;
            }
        }
        if (reset) {
            return Redirect.RESET;
        }
        if (revision == null || address == null || address.isEmpty() || !revision.matches("[0-9]{1,19}")) {
            return null;
        }
        try {
            return Redirect.to(Long.parseLong(revision), address);
        } catch (NumberFormatException e) {
            return null; // beyond a signed 64-bit revision: not one we can compare
        }
    }

    private static Counts counts(String info) {
        Matcher m = INFO.matcher(info);
        if (!m.find()) {
            return null;
        }
        try {
            return new Counts(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Double.parseDouble(m.group(4)));
        } catch (NumberFormatException e) {
            return null; // digits beyond int, or a malformed seconds value: not counts we can trust
        }
    }

    private static String preview(byte[] json) {
        String text = new String(json, 0, Math.min(json.length, 80), java.nio.charset.StandardCharsets.UTF_8);
        return '"' + text + (json.length > 80 ? "...\"" : "\"");
    }

    /** True when {@code response} is {@code success}. */
    public boolean isSuccess() {
        return "success".equals(response);
    }

    /** The reply as UTF-8 JSON, {@code info} and {@code redirect} omitted when null. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("response", response);
            if (info != null) {
                g.writeStringField("info", info);
            }
            if (redirect != null) {
                g.writeObjectFieldStart("redirect");
                if (redirect.reset()) {
                    g.writeBooleanField("reset", true);
                } else {
                    g.writeNumberField("revision", redirect.revision());
                    g.writeStringField("address", redirect.address());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Jackson's message without its multi-line source location. */
    private static String message(IOException e) {
        return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.toString();
    }
}
