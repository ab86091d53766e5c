package dev.concierge.courier.sources.graphite;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.MetricType;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.model.SampleValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads Graphite's plaintext protocol as carbon does (PROTOCOLS.md §5): {@code path value [timestamp]}, fields
 * separated by blanks, a timestamp in Unix seconds (missing, or {@code -1}, meaning the receive time), and
 * Graphite 1.1 tags after the path ({@code path;tag=value;...}). The path goes through the
 * {@link GraphiteTemplate}s into a name, labels and a host; tags become labels too (a tag wins over a template
 * label of the same name). A value that is an integer stays exact; {@code nan} and other non-numbers make the
 * line malformed.
 *
 * <p>Stateless after construction and thread-safe.
 */
final class GraphiteLineParser {
    private static final Pattern BLANKS = Pattern.compile("[ \\t]+");

    private final List<GraphiteTemplate> templates;
    private final String defaultHost;
    private final String source;

    GraphiteLineParser(List<GraphiteTemplate> templates, String defaultHost, String source) {
        this.templates = List.copyOf(templates);
        this.defaultHost = defaultHost;
        this.source = source;
    }

    /** The sample of one line (without its line end), or null when the line is malformed. */
    Sample parse(String line, Instant receivedAt) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return null;
        }
        String[] fields = BLANKS.split(trimmed);
        if (fields.length < 2 || fields.length > 3) {
            return null;
        }
        SampleValue value = value(fields[1]);
        if (value == null) {
            return null;
        }
        long second = receivedAt.getEpochSecond();
        int nanos = receivedAt.getNano();
        if (fields.length == 3 && !fields[2].equals("-1")) {
            try {
                // carbon takes a float timestamp and keeps its whole seconds.
                double timestamp = Double.parseDouble(fields[2]);
                if (!(timestamp >= 0 && timestamp < 1e11)) {
                    return null;
                }
                second = (long) timestamp;
                nanos = 0;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        String[] pathAndTags = fields[0].split(";", -1);
        String path = pathAndTags[0];
        if (path.isEmpty() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
            return null;
        }
        String[] parts = path.split("\\.");
        GraphiteTemplate.Mapped mapped = null;
        for (GraphiteTemplate template : templates) {
            if ((mapped = template.map(parts)) != null) {
                break;
            }
        }
        String name = mapped == null ? path : mapped.name();
        String host = mapped == null || mapped.host() == null ? defaultHost : mapped.host();
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        if (mapped != null) {
            names.addAll(mapped.labelNames());
            values.addAll(mapped.labelValues());
        }
        for (int i = 1; i < pathAndTags.length; i++) {
            String tag = pathAndTags[i];
            int eq = tag.indexOf('=');
            if (eq <= 0 || eq == tag.length() - 1) {
                return null; // Graphite refuses a tag without a name or a value
            }
            String tagName = tag.substring(0, eq);
            int existing = names.indexOf(tagName);
            if (existing >= 0) {
                values.set(existing, tag.substring(eq + 1));
            } else {
                names.add(tagName);
                values.add(tag.substring(eq + 1));
            }
        }
        Labels labels = names.isEmpty() ? Labels.empty()
                : Labels.of(names.toArray(String[]::new), values.toArray(String[]::new), names.size());
        return new Sample(name, labels, MetricType.UNTYPED, null, value, second, nanos, host, source);
    }

    private static SampleValue value(String text) {
        boolean integer = !text.isEmpty();
        for (int i = 0; i < text.length() && integer; i++) {
            char c = text.charAt(i);
            integer = c >= '0' && c <= '9' || i == 0 && c == '-' && text.length() > 1;
        }
        try {
            if (integer && text.length() <= 18) {
                return SampleValue.of(Long.parseLong(text));
            }
            double parsed = Double.parseDouble(text);
            return Double.isFinite(parsed) && !text.endsWith("d") && !text.endsWith("f") && !text.endsWith("D")
                    && !text.endsWith("F") ? SampleValue.of(parsed) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
