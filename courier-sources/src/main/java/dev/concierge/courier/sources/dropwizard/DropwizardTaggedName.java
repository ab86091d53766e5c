package dev.concierge.courier.sources.dropwizard;

import dev.concierge.courier.core.model.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * A metrics-json key read as Dropwizard Metrics 5 (the {@code io.dropwizard.metrics5} drafts) writes a tagged
 * name: {@code MetricName.toString()} is the key, then, when there are tags, the tag map as
 * {@code AbstractMap.toString()} writes it, {@code {tag=value, tag2=value2}}: in the map's order, {@code ", "}
 * between tags, nothing escaped. metrics-json writes the registry's maps with these as their JSON keys.
 *
 * <pre>
 *   app.requests{method=GET, status=200}   -&gt; app.requests  {method=GET, status=200}
 *   app.requests                           -&gt; app.requests  {}
 * </pre>
 *
 * Since values are not escaped, a {@code ", "} is read as the start of the next tag only when what follows
 * has a {@code =} after a non-empty tag name; otherwise it stays in the value ({@code path=/a, b}). A key
 * with a brace that is not such a tag list (no closing brace at the end, an empty name or tag list, a part
 * without {@code tag=}, a tag twice), such as a Dropwizard 4 name with a URL template {@code GET /users/{id}},
 * is {@code malformed}: it is kept whole as the name, without labels, never refused.
 *
 * @param name      the metric name: the key before the tags, or the whole key when it is malformed
 * @param labels    the tags; empty without them
 * @param malformed true when the key has a brace but is not a tag list
 */
record DropwizardTaggedName(String name, Labels labels, boolean malformed) {

    private static final String SEPARATOR = ", ";

    /** Reads {@code key}; never throws. */
    static DropwizardTaggedName parse(String key) {
        int open = key.indexOf('{');
        if (open < 0) {
            return key.indexOf('}') < 0 ? new DropwizardTaggedName(key, Labels.empty(), false) : whole(key);
        }
        if (open == 0 || key.charAt(key.length() - 1) != '}' || open == key.length() - 2) {
            return whole(key);
        }
        String tags = key.substring(open + 1, key.length() - 1);
        List<String> names = new ArrayList<>();
        List<StringBuilder> values = new ArrayList<>();
        int from = 0;
        while (from <= tags.length()) {
            int end = tags.indexOf(SEPARATOR, from);
            String part = tags.substring(from, end < 0 ? tags.length() : end);
            int equals = part.indexOf('=');
            if (equals > 0) {
                String tag = part.substring(0, equals);
                if (names.contains(tag)) {
                    return whole(key); // a map holds a tag once
                }
                names.add(tag);
                values.add(new StringBuilder(part.substring(equals + 1)));
            } else if (!values.isEmpty() && !part.isEmpty()) {
                values.get(values.size() - 1).append(SEPARATOR).append(part); // a value holding ", "
            } else {
                return whole(key);
            }
            if (end < 0) {
                break;
            }
            from = end + SEPARATOR.length();
        }
        String[] labelNames = names.toArray(new String[0]);
        String[] labelValues = values.stream().map(StringBuilder::toString).toArray(String[]::new);
        return new DropwizardTaggedName(key.substring(0, open), Labels.of(labelNames, labelValues, labelNames.length),
                false);
    }

    private static DropwizardTaggedName whole(String key) {
        return new DropwizardTaggedName(key, Labels.empty(), true);
    }
}
