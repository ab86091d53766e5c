package dev.concierge.courier.sinks.graphite;

import dev.concierge.courier.core.naming.NameEscaping;
import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.SettingProblem;
import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.Sample;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a sample into the series name Graphite stores it under: a dotted path, and with tags enabled the
 * labels as {@code ;name=value} tags after it. Immutable and thread-safe.
 *
 * <p><b>Template.</b> Literal text and placeholders. Literal text may hold {@code A-Z a-z 0-9 _ -} and the
 * dots that separate path elements. Placeholders:
 * <ul>
 *   <li>{@code {host}}: the sample's host as one element (its dots become {@code _});</li>
 *   <li>{@code {type}}: the metric type, {@code counter}, {@code gauge}, {@code timer} ...;</li>
 *   <li>{@code {name}}: the metric name, its dots kept as path separators; required;</li>
 *   <li>{@code {field}}: the field within the metric ({@code p99}, {@code m1_rate}); nothing if none;</li>
 *   <li>{@code {labels}}: the label values in label-name order, one element each; nothing when the
 *       labels travel as tags;</li>
 *   <li>{@code {label:NAME}}: the value of label {@code NAME}; nothing when the sample has no such label;</li>
 *   <li>{@code {source}}: the name of the configured source that read the sample.</li>
 * </ul>
 * The default, {@value GraphiteSinkConfig#DEFAULT_TEMPLATE}, gives the same paths as
 * the fixed rendering the sink had before templates (kept as {@code GraphitePaths} in this package's tests,
 * which compare the two) for samples whose parts are not empty.
 *
 * <p><b>Escaping.</b> First the sink's {@code name_escaping} ({@link NameEscaping}) rewrites the Prometheus
 * names outside the legacy set: under the default, {@code underscores}, {@code my.metric} is one element
 * {@code my_metric}, as it was before its exporter moved to UTF-8, not the two elements {@code my} and
 * {@code metric}; under {@code none} its dots separate path elements as a Dropwizard name's do.
 *
 * <p><b>Sanitising.</b> Placeholder values have every character outside {@code A-Z a-z 0-9 _ -} (and, in
 * {@code {name}}, the dot) replaced by {@code _}: whitespace would split carbon's fields, {@code /} would add
 * a directory level, and {@code * ? [ ] { } ,} are query syntax in graphite-web (PROTOCOLS.md §5.1). Empty
 * parts collapse: no {@code ..}, no leading or trailing dot, whatever is missing.
 *
 * <p><b>Tags</b> (Graphite 1.1, PROTOCOLS.md §5.1), in label-name order. A tag name has every character
 * outside printable ASCII and each of {@code ; ! ^ =} replaced by {@code _}; a tag value has every character
 * outside printable ASCII and {@code ;} replaced, and a leading {@code ~} too. A label with an empty value is
 * left out, as Graphite refuses empty values. A label called {@code name} is sent as {@code name_}, because
 * carbon uses the tag {@code name} for the path itself and would overwrite it.
 */
public final class GraphitePathTemplate {
    private static final String KEY = "template";
    private static final String ALLOWED_LITERAL = "A-Z a-z 0-9 _ - and dots between placeholders";

    private enum Kind { LITERAL, HOST, TYPE, NAME, FIELD, LABELS, LABEL, SOURCE }

    private record Part(Kind kind, String text) {
    }

    private final List<Part> parts;
    private final boolean tags;
    private final String prefix;
    private final NameEscaping nameEscaping;

    private GraphitePathTemplate(List<Part> parts, boolean tags, String prefix, NameEscaping nameEscaping) {
        this.parts = parts;
        this.tags = tags;
        this.prefix = prefix;
        this.nameEscaping = nameEscaping;
    }

    /** The template of {@code config}: its template, tags, prefix and name escaping. */
    public static GraphitePathTemplate of(GraphiteSinkConfig config) {
        return of(config.template(), config.tags(), config.prefix(), config.nameEscaping());
    }

    /** As {@link #of(String, boolean, String, NameEscaping)} with the default name escaping. */
    public static GraphitePathTemplate of(String template, boolean tags, String prefix) {
        return of(template, tags, prefix, NameEscaping.DEFAULT);
    }

    /**
     * @param prefix       put before every path; empty for none
     * @param nameEscaping how a sample's Prometheus names are escaped before the path and tags are made of them
     * @throws IllegalArgumentException with every problem of the template
     */
    public static GraphitePathTemplate of(String template, boolean tags, String prefix, NameEscaping nameEscaping) {
        List<SettingProblem> problems = new ArrayList<>();
        List<Part> parts = parse(template, problems);
        if (!problems.isEmpty()) {
            throw new InvalidSettingsException("graphite template", problems);
        }
        return new GraphitePathTemplate(parts, tags, prefix, nameEscaping);
    }

    /** What is wrong with {@code template}, each at the key {@code template}; empty when it is usable. */
    static List<SettingProblem> problems(String template) {
        List<SettingProblem> problems = new ArrayList<>();
        parse(template, problems);
        return problems;
    }

    private static List<Part> parse(String template, List<SettingProblem> problems) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        boolean hasName = false;
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                int close = template.indexOf('}', i);
                if (close < 0) {
                    problems.add(SettingProblem.of(KEY, "\"" + template + "\": unclosed { at " + i, "{placeholder}"));
                    break;
                }
                if (literal.length() > 0) {
                    parts.add(new Part(Kind.LITERAL, literal.toString()));
                    literal.setLength(0);
                }
                String placeholder = template.substring(i + 1, close);
                Part part = placeholder(placeholder);
                if (part == null) {
                    problems.add(SettingProblem.of(KEY, "{" + placeholder + "}", "one of {host}, {type}, {name}, {field}, "
                            + "{labels}, {label:NAME}, {source}"));
                } else {
                    hasName |= part.kind() == Kind.NAME;
                    parts.add(part);
                }
                i = close + 1;
            } else {
                if (!isPathChar(c) && c != '.') {
                    problems.add(SettingProblem.of(KEY, "\"" + template + "\": " + describe(c) + " at " + i,
                            ALLOWED_LITERAL));
                }
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0) {
            parts.add(new Part(Kind.LITERAL, literal.toString()));
        }
        if (!hasName && problems.isEmpty()) {
            problems.add(SettingProblem.of(KEY, "\"" + template + "\"", "a template with {name}, or every metric shares one path"));
        }
        return List.copyOf(parts);
    }

    private static Part placeholder(String text) {
        switch (text) {
            case "host": return new Part(Kind.HOST, null);
            case "type": return new Part(Kind.TYPE, null);
            case "name": return new Part(Kind.NAME, null);
            case "field": return new Part(Kind.FIELD, null);
            case "labels": return new Part(Kind.LABELS, null);
            case "source": return new Part(Kind.SOURCE, null);
            default:
                if (text.startsWith("label:") && text.length() > "label:".length()) {
                    return new Part(Kind.LABEL, text.substring("label:".length()));
                }
                return null;
        }
    }

    /** The series for {@code sample}: path, then tags when enabled. */
    public String render(Sample sample) {
        StringBuilder out = new StringBuilder(96);
        appendSeries(sample, out);
        return out.toString();
    }

    /**
     * Appends the series for {@code sample} to {@code out}; nothing at all if every part of the path is empty.
     * Everything appended is printable ASCII without spaces.
     */
    public void appendSeries(Sample scraped, StringBuilder out) {
        Sample sample = nameEscaping.apply(scraped);
        int start = out.length();
        if (!prefix.isEmpty()) {
            appendLiteral(out, start, prefix);
            out.append('.');
        }
        for (Part part : parts) {
            switch (part.kind()) {
                case LITERAL -> appendLiteral(out, start, part.text());
                case HOST -> appendElement(out, start, sample.host(), false);
                case TYPE -> appendElement(out, start, sample.type().keyPrefix(), false);
                case NAME -> appendElement(out, start, sample.name(), true);
                case FIELD -> {
                    if (sample.field() != null) {
                        appendElement(out, start, sample.field(), false);
                    }
                }
                case LABELS -> {
                    if (!tags) {
                        Labels labels = sample.labels();
                        for (int i = 0; i < labels.size(); i++) {
                            if (i > 0) {
                                separator(out, start);
                            }
                            appendElement(out, start, labels.value(i), false);
                        }
                    }
                }
                case LABEL -> {
                    // The label as the exporter named it, or as it is escaped: either spelling finds it.
                    String value = scraped.labels().get(part.text());
                    value = value != null ? value : sample.labels().get(part.text());
                    if (value != null) {
                        appendElement(out, start, value, false);
                    }
                }
                case SOURCE -> appendElement(out, start, sample.source(), false);
            }
        }
        if (out.length() > start && out.charAt(out.length() - 1) == '.') {
            out.setLength(out.length() - 1);
        }
        if (out.length() == start || !tags) {
            return;
        }
        Labels labels = sample.labels();
        for (int i = 0; i < labels.size(); i++) {
            String value = labels.value(i);
            if (value.isEmpty()) {
                continue;
            }
            out.append(';');
            String name = labels.name(i);
            if (name.isEmpty()) {
                out.append('_');
            }
            for (int j = 0; j < name.length(); j++) {
                char c = name.charAt(j);
                out.append(isPrintableAscii(c) && c != ';' && c != '!' && c != '^' && c != '=' ? c : '_');
            }
            if (name.equals("name")) {
                out.append('_');
            }
            out.append('=');
            for (int j = 0; j < value.length(); j++) {
                char c = value.charAt(j);
                boolean ok = isPrintableAscii(c) && c != ';' && !(j == 0 && c == '~');
                out.append(ok ? c : '_');
            }
        }
    }

    private static void appendLiteral(StringBuilder out, int start, String literal) {
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '.') {
                separator(out, start);
            } else {
                out.append(c);
            }
        }
    }

    private static void appendElement(StringBuilder out, int start, String element, boolean keepDots) {
        for (int i = 0; i < element.length(); i++) {
            char c = element.charAt(i);
            if (keepDots && c == '.') {
                separator(out, start);
            } else {
                out.append(isPathChar(c) ? c : '_');
            }
        }
    }

    /** A dot, unless the path is still empty or already ends with one: empty parts collapse. */
    private static void separator(StringBuilder out, int start) {
        if (out.length() > start && out.charAt(out.length() - 1) != '.') {
            out.append('.');
        }
    }

    private static boolean isPathChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    private static boolean isPrintableAscii(char c) {
        return c > ' ' && c < 0x7f;
    }

    private static String describe(char c) {
        return c == ' ' ? "a space" : c < ' ' || c >= 0x7f ? String.format("U+%04X", (int) c) : "'" + c + "'";
    }
}
