package dev.concierge.courier.sinks.zabbix.client;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;

/**
 * Renders a sample as a Zabbix item key. The rule, deterministic and documented in the README:
 *
 * <pre>
 *   &lt;type&gt;[&lt;name&gt;[.&lt;field&gt;]]                       no labels   timer[app.requests.p99]
 *   &lt;type&gt;[&lt;name&gt;[.&lt;field&gt;],&lt;k1&gt;=&lt;v1&gt;,...]        labels, sorted by name
 *                                                   untyped[node_cpu_seconds_total,cpu=0,mode=idle]
 * </pre>
 *
 * A {@link MetricType#DISCOVERY} sample is an LLD document for the rule {@code <name>[<field>]}, e.g.
 * {@code courier.discovery[sinks]}. A {@link MetricType#ITEM} sample's name is a key a client wrote out
 * ({@code zabbix_sender -k}); it is sent verbatim.
 *
 * <p>A parameter is quoted ({@code "..."} with {@code \"} for a quote) when it contains {@code ,} or
 * {@code ]}, or starts with a space, {@code "} or {@code [}: exactly when Zabbix quotes one as it expands an LLD
 * macro into an item prototype's key ({@code zbx_quote_key_param}), so that the key sent matches the key of the
 * item Zabbix created. A {@code [} further in stays unquoted, as it does there.
 */
public final class ZabbixKeys {
    // ASCII chars written as they are in an unquoted parameter: no JSON escape, not a comma or ']'.
    private static final boolean[] PLAIN = new boolean[128];

    static {
        for (int c = 0; c < 128; c++) {
            PLAIN[c] = JsonStringBytes.plain((char) c) && !isCommaOrClosingBracket((char) c);
        }
    }

    private ZabbixKeys() {
    }

    public static String render(Sample sample) {
        if (sample.type() == MetricType.ITEM) {
            return sample.name(); // a key the sender wrote out: sent as it came
        }
        if (sample.type() == MetricType.DISCOVERY) {
            StringBuilder key = new StringBuilder(sample.name().length() + 2
                    + (sample.field() == null ? 0 : sample.field().length()) + 4);
            key.append(sample.name()).append('[');
            appendParameter(key, sample.field() == null ? "" : sample.field());
            return key.append(']').toString();
        }
        // Sized for the key without quotes (plus a few), and parameters appended from their parts: one key
        // is rendered per row sent, so no temporary strings and no growing buffer.
        Labels labels = sample.labels();
        String prefix = sample.type().keyPrefix();
        String name = sample.name();
        String field = sample.field();
        int length = prefix.length() + name.length() + (field == null ? 0 : field.length() + 1) + 2;
        for (int i = 0; i < labels.size(); i++) {
            length += labels.name(i).length() + labels.value(i).length() + 2;
        }
        StringBuilder key = new StringBuilder(length + 8);
        key.append(prefix).append('[');
        appendParameter(key, name, '.', field);
        for (int i = 0; i < labels.size(); i++) {
            key.append(',');
            appendParameter(key, labels.name(i), '=', labels.value(i));
        }
        return key.append(']').toString();
    }

    /**
     * The number of chars {@link #render} returns for {@code sample}, counted without rendering it: the sink
     * checks every key against Zabbix's limit but writes it only when its frame goes out.
     */
    public static int length(Sample sample) {
        if (sample.type() == MetricType.ITEM) {
            return sample.name().length();
        }
        if (sample.type() == MetricType.DISCOVERY) {
            return sample.name().length() + 2 + parameterLength(sample.field() == null ? "" : sample.field(), ' ', null);
        }
        Labels labels = sample.labels();
        int length = sample.type().keyPrefix().length() + 2 + parameterLength(sample.name(), '.', sample.field());
        for (int i = 0; i < labels.size(); i++) {
            length += 1 + parameterLength(labels.name(i), '=', labels.value(i));
        }
        return length;
    }

    /**
     * Writes the key {@link #render} returns for {@code sample} at {@code into[at]} as the contents of a JSON
     * string, as Jackson's generator writes a string with its defaults: {@code "} and {@code \} escaped,
     * {@code \b \t \n \f \r} as such, other controls and each UTF-16 surrogate as a {@code \}{@code uXXXX}
     * escape (upper-case hex), everything else as UTF-8. The key is never built as a String: the sink writes
     * one per row sent, straight into the frame.
     *
     * @param into room for at least {@value JsonStringBytes#MAX_BYTES_PER_CHAR} times {@link #length} bytes from {@code at}
     * @return the position after the last byte written
     */
    public static int writeJson(Sample sample, byte[] into, int at) {
        int p = at;
        if (sample.type() == MetricType.ITEM) {
            return writeJson(sample.name(), false, into, p);
        }
        if (sample.type() == MetricType.DISCOVERY) {
            p = writeJson(sample.name(), false, into, p);
            into[p++] = '[';
            p = writeParameter(sample.field() == null ? "" : sample.field(), ' ', null, into, p);
            into[p++] = ']';
            return p;
        }
        Labels labels = sample.labels();
        p = writeJson(sample.type().keyPrefix(), false, into, p);
        into[p++] = '[';
        p = writeParameter(sample.name(), '.', sample.field(), into, p);
        for (int i = 0; i < labels.size(); i++) {
            into[p++] = ',';
            p = writeParameter(labels.name(i), '=', labels.value(i), into, p);
        }
        into[p++] = ']';
        return p;
    }

    /** Appends one key parameter, quoting it when Zabbix's key grammar requires. */
    static void appendParameter(StringBuilder key, String parameter) {
        appendParameter(key, parameter, ' ', null);
    }

    /**
     * Appends the parameter {@code first + separator + second} ({@code first} alone when {@code second} is
     * null) as {@link #appendParameter(StringBuilder, String)} would, without building it first.
     */
    private static void appendParameter(StringBuilder key, String first, char separator, String second) {
        if (!quoted(first, separator, second)) {
            key.append(first);
            if (second != null) {
                key.append(separator).append(second);
            }
            return;
        }
        key.append('"');
        appendEscaped(key, first);
        if (second != null) {
            key.append(separator);
            appendEscaped(key, second);
        }
        key.append('"');
    }

    /** The length of what {@link #appendParameter(StringBuilder, String, char, String)} appends. */
    private static int parameterLength(String first, char separator, String second) {
        int length = first.length() + (second == null ? 0 : 1 + second.length());
        if (!quoted(first, separator, second)) {
            return length;
        }
        return length + 2 + quotes(first) + (second == null ? 0 : quotes(second));
    }

    /** What {@link #appendParameter(StringBuilder, String, char, String)} appends, as {@link #writeJson} writes it. */
    private static int writeParameter(String first, char separator, String second, byte[] into, int at) {
        char lead = !first.isEmpty() ? first.charAt(0) : second != null ? separator : 0;
        if (lead != ' ' && lead != '"' && lead != '[') {
            // Nearly every parameter goes unquoted: written in one pass that gives up at a comma or closing
            // bracket, instead of a pass to look for them and a second to write.
            int p = writeUnquoted(first, into, at);
            if (p >= 0 && second != null) {
                into[p++] = (byte) separator; // '.', '=': ASCII that JSON leaves as is
                p = writeUnquoted(second, into, p);
            }
            if (p >= 0) {
                return p;
            }
        }
        int p = JsonStringBytes.write('"', into, at);
        p = writeJson(first, true, into, p);
        if (second != null) {
            into[p++] = (byte) separator;
            p = writeJson(second, true, into, p);
        }
        return JsonStringBytes.write('"', into, p);
    }

    /** Writes {@code part} as {@link #writeJson(String, boolean, byte[], int)} does, or returns -1 at a comma or {@code ]}. */
    private static int writeUnquoted(String part, byte[] into, int at) {
        int p = at;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c < 0x80 && PLAIN[c]) {
                into[p++] = (byte) c;
            } else if (isCommaOrClosingBracket(c)) {
                return -1;
            } else {
                p = JsonStringBytes.write(c, into, p);
            }
        }
        return p;
    }

    /** Zabbix's rule: {@code zbx_quote_key_param}'s, for the parameter {@code first + separator + second}. */
    private static boolean quoted(String first, char separator, String second) {
        char lead = !first.isEmpty() ? first.charAt(0) : second != null ? separator : 0;
        return lead == ' ' || lead == '"' || lead == '[' || hasCommaOrClosingBracket(first)
                || second != null && (isCommaOrClosingBracket(separator) || hasCommaOrClosingBracket(second));
    }

    private static void appendEscaped(StringBuilder key, String part) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '"') {
                key.append('\\');
            }
            key.append(c);
        }
    }

    private static int quotes(String part) {
        int quotes = 0;
        for (int i = 0; i < part.length(); i++) {
            if (part.charAt(i) == '"') {
                quotes++;
            }
        }
        return quotes;
    }

    /**
     * Writes {@code part} as JSON string contents, each {@code "} preceded by Zabbix's backslash when
     * {@code quoted}. By {@code charAt}: ASCII that needs no escape, nearly every key's every char, goes
     * straight into the bytes.
     */
    private static int writeJson(String part, boolean quoted, byte[] into, int at) {
        int p = at;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (JsonStringBytes.plain(c)) {
                into[p++] = (byte) c;
                continue;
            }
            if (c == '"' && quoted) {
                p = JsonStringBytes.write('\\', into, p);
            }
            p = JsonStringBytes.write(c, into, p);
        }
        return p;
    }

    private static boolean hasCommaOrClosingBracket(String part) {
        for (int i = 0; i < part.length(); i++) {
            if (isCommaOrClosingBracket(part.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isCommaOrClosingBracket(char c) {
        return c == ',' || c == ']';
    }
}
