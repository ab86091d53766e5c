package dev.concierge.courier.sinks.http;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;

/**
 * Renders a sample as one InfluxDB line-protocol line with a seconds timestamp:
 * {@code <name>,host=<host>,type=<type>[,<label>=<value>...] <field or "value">=<value> <epochSecond>}.
 * Integers carry the {@code i} suffix, text is a quoted string field. Measurement, tag keys and tag values
 * escape commas, spaces and (tags) equals signs with a backslash, as the line protocol requires.
 */
final class InfluxLines {
    private InfluxLines() {
    }

    static String render(Sample sample) {
        StringBuilder line = new StringBuilder(96);
        escape(line, sample.name(), false);
        line.append(",host=");
        escape(line, sample.host(), true);
        line.append(",type=").append(sample.type().keyPrefix());
        Labels labels = sample.labels();
        for (int i = 0; i < labels.size(); i++) {
            line.append(',');
            escape(line, labels.name(i), true);
            line.append('=');
            escape(line, labels.value(i), true);
        }
        line.append(' ');
        escape(line, sample.field() == null ? "value" : sample.field(), true);
        line.append('=');
        SampleValue value = sample.value();
        if (value instanceof SampleValue.Integer integer) {
            line.append(integer.value()).append('i');
        } else if (value instanceof SampleValue.Decimal decimal) {
            line.append(decimal.render());
        } else {
            line.append('"');
            String text = value.render();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"' || c == '\\') {
                    line.append('\\');
                }
                line.append(c);
            }
            line.append('"');
        }
        return line.append(' ').append(sample.epochSecond()).toString();
    }

    private static void escape(StringBuilder line, String text, boolean tag) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',' || c == ' ' || (tag && c == '=')) {
                line.append('\\');
            }
            line.append(c);
        }
    }
}
