package dev.concierge.courier.core.process;

import dev.concierge.courier.core.settings.InvalidValueException;
import dev.concierge.courier.core.settings.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds the processing keys of one {@code sources[i]} or {@code sinks[i]} entry into a {@link SampleProcessor}:
 * <pre>
 * include: [ "node_cpu_*{mode!=\"idle\"}", "/node_(load1|load5)/", "{job=\"api\"}" ]
 * exclude: [ "*_bucket" ]
 * fields: {timers: [p99, count], meters: [m1_rate]}
 * metric_relabel_configs:
 *   - {source_labels: [__name__], regex: "go_.*", action: drop}
 * host_from_label: instance
 * rename:
 *   - {match: "node_(.*)", replace: "node.$1"}
 * labels: {rename: {mode: cpu_mode}, drop: [instance], add: {env: prod}}
 * </pre>
 * Every problem is recorded at its key, all in one pass: a selector that does not parse, an invalid regex, a
 * label name that is not one, an entry that can never match (two values required of one label), an exclude
 * that drops everything, an include that an identical exclude cancels. The app reads these keys on every entry,
 * so plugins never see them.
 */
public final class ProcessingSettings {
    /** The keys read here, which every source and sink entry allows. */
    public static final List<String> KEYS = List.of("include", "exclude", "fields", "metric_relabel_configs",
            "host_from_label", "rename", "labels");

    private static final List<String> ACTIONS = List.of("replace", "keep", "drop", "labeldrop", "labelkeep");

    private ProcessingSettings() {
    }

    /** The entry's processor; {@link SampleProcessor#none()} without rules; null when it has problems. */
    public static SampleProcessor bind(Settings settings) {
        int problemsBefore = settings.problemCount();
        Map<String, Settings> includeByText = new LinkedHashMap<>();
        List<SampleSelector> include = selectors(settings, "include", includeByText, null);
        List<SampleSelector> exclude = selectors(settings, "exclude", new LinkedHashMap<>(), includeByText);
        FieldSelection fields = fields(settings);
        List<RelabelRule> relabel = relabelRules(settings);
        String hostLabel = settings.optionalString("host_from_label", null);
        if (hostLabel != null && !LabelNames.isValid(hostLabel)) {
            settings.problem("host_from_label", InvalidValueException.quote(hostLabel), LabelNames.EXPECTED);
        }
        List<NameRewrite> rename = renames(settings);
        LabelRewrite labels = labels(settings);
        if (settings.problemCount() != problemsBefore) {
            return null;
        }
        return SampleProcessor.of(include, exclude, fields, relabel, hostLabel, rename, labels);
    }

    /**
     * @param read       filled with the entries read, by their text
     * @param cancelling for {@code exclude}, the include entries by their text: an include that an identical
     *                   exclude cancels is reported at the include
     */
    private static List<SampleSelector> selectors(Settings settings, String key, Map<String, Settings> read,
                                                  Map<String, Settings> cancelling) {
        List<SampleSelector> selectors = new ArrayList<>();
        List<Settings> elements = settings.optionalList(key);
        for (Settings element : elements) {
            String text = element.text();
            if (text == null) {
                element.problem("a mapping or list", "a metric name, a glob, a /regex/ or label matchers {...}");
                continue;
            }
            SampleSelector selector;
            try {
                selector = SampleSelector.parse(text);
            } catch (InvalidValueException e) {
                element.problem(InvalidValueException.quote(text), e.expected());
                continue;
            }
            String contradiction = selector.contradiction();
            if (contradiction != null) {
                element.problem(InvalidValueException.quote(text) + ", which no sample can match (" + contradiction
                        + ")", "matchers one sample can satisfy together");
                continue;
            }
            if (cancelling != null && selector.matchesEverything()) {
                element.problem(InvalidValueException.quote(text) + ", which excludes every sample",
                        "a pattern that leaves some samples (to send nothing, remove the source or sink)");
                continue;
            }
            if (cancelling != null && cancelling.containsKey(text.strip())) {
                cancelling.get(text.strip()).problem(InvalidValueException.quote(text)
                        + ", which the same exclude entry cancels, so it can never pass a sample",
                        "an include entry that is not also excluded");
            }
            read.putIfAbsent(text.strip(), element);
            selectors.add(selector);
        }
        return selectors;
    }

    private static FieldSelection fields(Settings settings) {
        if (!settings.has("fields")) {
            return FieldSelection.none();
        }
        Settings section = settings.optionalMapping("fields");
        section.expectKeys(FieldSelection.KINDS.keySet().toArray(String[]::new));
        Map<dev.concierge.courier.core.model.MetricType, List<String>> fields = new LinkedHashMap<>();
        for (String kind : section.keys()) {
            if (!FieldSelection.KINDS.containsKey(kind)) {
                continue;
            }
            List<String> names = section.optionalStringList(kind);
            if (names.isEmpty()) {
                section.problem(kind, "an empty list, which would drop every " + kind + " field",
                        "the fields to keep, such as [p99, count]");
            }
            fields.put(FieldSelection.KINDS.get(kind), names);
        }
        return FieldSelection.of(fields);
    }

    private static List<RelabelRule> relabelRules(Settings settings) {
        List<RelabelRule> rules = new ArrayList<>();
        for (Settings element : settings.optionalList("metric_relabel_configs")) {
            if (element.text() != null) {
                element.problem(InvalidValueException.quote(element.text()),
                        "a mapping of source_labels, separator, regex, target_label, replacement, action");
                continue;
            }
            element.expectKeys("source_labels", "separator", "target_label", "regex", "replacement", "action");
            int problemsBefore = element.problemCount();
            String action = element.optionalChoice("action", ACTIONS, "replace");
            // An action outside the subset (hashmod, labelmap...) is reported once, not read as a replace.
            boolean actionKnown = element.problemCount() == problemsBefore;
            List<String> sourceLabels = element.optionalStringList("source_labels");
            String separator = element.optionalString("separator", null);
            String targetLabel = element.optionalString("target_label", null);
            String regex = element.optionalString("regex", null);
            String replacement = element.optionalString("replacement", null);
            if (action == null || !actionKnown) {
                continue;
            }
            RelabelRule.Action parsed = RelabelRule.Action.valueOf(action.toUpperCase(java.util.Locale.ROOT));
            RelabelRule rule = element.build(() -> RelabelRule.of(parsed, sourceLabels, separator, targetLabel, regex,
                    replacement));
            if (rule != null) {
                rules.add(rule);
            }
        }
        return rules;
    }

    private static List<NameRewrite> renames(Settings settings) {
        List<NameRewrite> renames = new ArrayList<>();
        for (Settings element : settings.optionalList("rename")) {
            if (element.text() != null) {
                element.problem(InvalidValueException.quote(element.text()),
                        "a mapping {match: REGEX, replace: NAME}");
                continue;
            }
            element.expectKeys("match", "replace");
            String match = element.requiredString("match");
            String replace = element.requiredString("replace");
            if (match == null || replace == null) {
                continue;
            }
            try {
                renames.add(NameRewrite.of(match, replace));
            } catch (InvalidValueException e) {
                element.problem("match", InvalidValueException.quote(match), e.expected());
            }
        }
        return renames;
    }

    private static LabelRewrite labels(Settings settings) {
        if (!settings.has("labels")) {
            return LabelRewrite.NONE;
        }
        Settings labels = settings.optionalMapping("labels");
        labels.expectKeys("add", "drop", "rename");
        Map<String, String> rename = labels.optionalStringMap("rename");
        rename.forEach((from, to) -> {
            if (!LabelNames.isValid(from)) {
                labels.problem("rename", InvalidValueException.quote(from), LabelNames.EXPECTED);
            } else if (!LabelNames.isValid(to)) {
                labels.problem("rename." + from, InvalidValueException.quote(to), LabelNames.EXPECTED);
            }
        });
        List<String> drop = new ArrayList<>();
        for (Settings element : labels.optionalList("drop")) {
            String name = element.text();
            if (name == null || !LabelNames.isValid(name)) {
                element.problem(name == null ? "a mapping or list" : InvalidValueException.quote(name),
                        LabelNames.EXPECTED);
            } else {
                drop.add(name);
            }
        }
        Map<String, String> add = labels.optionalStringMap("add");
        for (String name : add.keySet()) {
            if (!LabelNames.isValid(name)) {
                labels.problem("add", InvalidValueException.quote(name), LabelNames.EXPECTED);
            }
        }
        return LabelRewrite.of(rename, drop, add);
    }
}
