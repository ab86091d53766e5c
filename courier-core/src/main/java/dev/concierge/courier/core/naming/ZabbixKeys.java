package dev.concierge.courier.core.naming;

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
 * {@code courier.discovery[sinks]}.
 *
 * <p>A parameter is quoted ({@code "..."} with {@code \"} for a quote) when it contains {@code ,} or
 * {@code ]}, or starts with a space, {@code "} or {@code [}: exactly when Zabbix quotes one as it expands an LLD
 * macro into an item prototype's key ({@code zbx_quote_key_param}), so that the key sent matches the key of the
 * item Zabbix created. A {@code [} further in stays unquoted, as it does there.
 */
public final class ZabbixKeys {
    private ZabbixKeys() {
    }

    public static String render(Sample sample) {
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

    /** Appends one key parameter, quoting it when Zabbix's key grammar requires. */
    static void appendParameter(StringBuilder key, String parameter) {
        appendParameter(key, parameter, ' ', null);
    }

    /**
     * Appends the parameter {@code first + separator + second} ({@code first} alone when {@code second} is
     * null) as {@link #appendParameter(StringBuilder, String)} would, without building it first.
     */
    private static void appendParameter(StringBuilder key, String first, char separator, String second) {
        char lead = !first.isEmpty() ? first.charAt(0) : second != null ? separator : 0;
        boolean quote = lead == ' ' || lead == '"' || lead == '[' || hasCommaOrClosingBracket(first)
                || second != null && (isCommaOrClosingBracket(separator) || hasCommaOrClosingBracket(second));
        if (!quote) {
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

    private static void appendEscaped(StringBuilder key, String part) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '"') {
                key.append('\\');
            }
            key.append(c);
        }
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
