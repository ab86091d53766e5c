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
 * <p>A parameter is quoted ({@code "..."} with {@code \"} for a quote) when it contains {@code ,}, {@code ]},
 * {@code [}, {@code "} or starts with a space, which is Zabbix's item key grammar for parameters.
 */
public final class ZabbixKeys {
    private ZabbixKeys() {
    }

    public static String render(Sample sample) {
        StringBuilder key = new StringBuilder(64);
        if (sample.type() == MetricType.DISCOVERY) {
            key.append(sample.name()).append('[');
            appendParameter(key, sample.field() == null ? "" : sample.field());
            return key.append(']').toString();
        }
        key.append(sample.type().keyPrefix()).append('[');
        appendParameter(key, sample.qualifiedName());
        Labels labels = sample.labels();
        for (int i = 0; i < labels.size(); i++) {
            key.append(',');
            appendParameter(key, labels.name(i) + '=' + labels.value(i));
        }
        return key.append(']').toString();
    }

    /** Appends one key parameter, quoting it when Zabbix's key grammar requires. */
    static void appendParameter(StringBuilder key, String parameter) {
        if (!needsQuoting(parameter)) {
            key.append(parameter);
            return;
        }
        key.append('"');
        for (int i = 0; i < parameter.length(); i++) {
            char c = parameter.charAt(i);
            if (c == '"') {
                key.append('\\');
            }
            key.append(c);
        }
        key.append('"');
    }

    private static boolean needsQuoting(String parameter) {
        if (parameter.isEmpty()) {
            return false;
        }
        if (parameter.charAt(0) == ' ' || parameter.charAt(0) == '"') {
            return true;
        }
        for (int i = 0; i < parameter.length(); i++) {
            char c = parameter.charAt(i);
            if (c == ',' || c == ']' || c == '[') {
                return true;
            }
        }
        return false;
    }
}
