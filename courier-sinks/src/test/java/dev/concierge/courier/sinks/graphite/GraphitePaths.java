package dev.concierge.courier.sinks.graphite;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.Sample;

/**
 * Renders a sample as a Graphite metric path:
 * {@code <host>.<type>.<name>[.<field>][.<label value>...]} with label values in label-name order, e.g.
 * {@code app-01.timer.app.requests.p99}. Each element has every character outside
 * {@code [A-Za-z0-9_-]} replaced by {@code _}, except that the metric name keeps its dots as path
 * separators; the host's dots become {@code _} so one host is one path element.
 *
 * <p>The sink's fixed rendering before path templates, kept as the reference the default template must
 * match ({@code GraphitePathTemplateTest}); no production code renders paths this way any more.
 */
final class GraphitePaths {
    private GraphitePaths() {
    }

    static String render(Sample sample) {
        StringBuilder path = new StringBuilder(64);
        appendElement(path, sample.host(), false);
        path.append('.').append(sample.type().keyPrefix()).append('.');
        appendElement(path, sample.name(), true);
        if (sample.field() != null) {
            path.append('.');
            appendElement(path, sample.field(), false);
        }
        Labels labels = sample.labels();
        for (int i = 0; i < labels.size(); i++) {
            path.append('.');
            appendElement(path, labels.value(i), false);
        }
        return path.toString();
    }

    private static void appendElement(StringBuilder path, String element, boolean keepDots) {
        if (element.isEmpty()) {
            path.append('_');
            return;
        }
        for (int i = 0; i < element.length(); i++) {
            char c = element.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || (keepDots && c == '.');
            path.append(safe ? c : '_');
        }
    }
}
