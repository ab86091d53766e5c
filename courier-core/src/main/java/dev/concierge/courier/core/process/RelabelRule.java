package dev.concierge.courier.core.process;

import dev.concierge.courier.core.model.Labels;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.settings.InvalidSettingsException;
import dev.concierge.courier.core.settings.InvalidValueException;
import dev.concierge.courier.core.settings.SettingProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;

/**
 * One entry of {@code metric_relabel_configs}, with Prometheus's semantics for the actions it shares:
 * the values of {@code source_labels} (a missing label is empty; {@code __name__} is the metric name) are joined
 * by {@code separator} (default {@code ;}) and matched against {@code regex} (default {@code (.*)}, anchored at
 * both ends). Then
 * <ul>
 *   <li>{@code replace} (the default): when it matches, {@code target_label} (which may use the groups) is set to
 *       {@code replacement} (default {@code $1}) expanded with the groups; an empty result removes the label;
 *       a target that expands to an invalid label name leaves the labels as they were;</li>
 *   <li>{@code keep}: the sample is dropped when it does not match; {@code drop}: when it does;</li>
 *   <li>{@code labeldrop} / {@code labelkeep}: every label whose name matches (does not match) is removed; the
 *       name is never touched.</li>
 * </ul>
 * Immutable and equal when its settings are.
 */
public final class RelabelRule {
    /** The subset of Prometheus's relabel actions the courier supports. */
    public enum Action {
        REPLACE, KEEP, DROP, LABELDROP, LABELKEEP;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static final String DEFAULT_SEPARATOR = ";";
    static final String DEFAULT_REGEX = "(.*)";
    static final String DEFAULT_REPLACEMENT = "$1";
    // The joined values of several source labels, one buffer per thread: read (matched, groups copied out)
    // before this thread joins again.
    private static final ThreadLocal<StringBuilder> JOINED = ThreadLocal.withInitial(() -> new StringBuilder(128));

    private final Action action;
    private final List<String> sourceLabels;
    private final String separator;
    private final String targetLabel;
    private final AnchoredRegex regex;
    private final ReplacementTemplate replacement;

    private RelabelRule(Action action, List<String> sourceLabels, String separator, String targetLabel,
                        AnchoredRegex regex, ReplacementTemplate replacement) {
        this.action = action;
        this.sourceLabels = List.copyOf(sourceLabels);
        this.separator = separator;
        this.targetLabel = targetLabel;
        this.regex = regex;
        this.replacement = replacement;
    }

    /**
     * A rule with Prometheus's defaults for the settings given as null.
     *
     * @throws InvalidSettingsException with every broken rule, each at its key: an invalid regex, a
     *         {@code replace} without {@code target_label} or with an invalid one, a {@code labeldrop} or
     *         {@code labelkeep} with settings besides {@code regex}, a source label name that is not one
     */
    public static RelabelRule of(Action action, List<String> sourceLabels, String separator, String targetLabel,
                                 String regex, String replacement) {
        List<SettingProblem> problems = new ArrayList<>();
        AnchoredRegex compiled = null;
        String regexText = regex == null ? DEFAULT_REGEX : regex;
        try {
            compiled = AnchoredRegex.of(regexText);
        } catch (InvalidValueException e) {
            problems.add(SettingProblem.of("regex", InvalidValueException.quote(regexText), e.expected()));
        }
        for (String label : sourceLabels) {
            if (!LabelNames.isValid(label)) {
                problems.add(SettingProblem.of("source_labels", InvalidValueException.quote(label),
                        LabelNames.EXPECTED));
            }
        }
        if (action == Action.REPLACE) {
            if (targetLabel == null) {
                problems.add(SettingProblem.of("target_label", "missing", "a label name for the replace action"));
            } else if (targetLabel.indexOf('$') < 0 && !LabelNames.isValid(targetLabel)) {
                problems.add(SettingProblem.of("target_label", InvalidValueException.quote(targetLabel),
                        LabelNames.EXPECTED + ", which may use the regex's groups ($1)"));
            }
        }
        // As Prometheus: labeldrop and labelkeep take a regex and nothing else but the defaults.
        if (action == Action.LABELDROP || action == Action.LABELKEEP) {
            String extra = !sourceLabels.isEmpty() ? "source_labels" : targetLabel != null ? "target_label"
                    : separator != null && !separator.equals(DEFAULT_SEPARATOR) ? "separator"
                    : replacement != null && !replacement.equals(DEFAULT_REPLACEMENT) ? "replacement" : null;
            if (extra != null) {
                problems.add(SettingProblem.of(extra, "set with action " + action.configName(),
                        "only regex with " + action.configName() + ", which matches label names"));
            }
        }
        InvalidSettingsException.throwIfAny("a metric_relabel_configs entry", problems);
        return new RelabelRule(action, sourceLabels, separator == null ? DEFAULT_SEPARATOR : separator,
                targetLabel, compiled, ReplacementTemplate.of(replacement == null ? DEFAULT_REPLACEMENT : replacement));
    }

    public Action action() {
        return action;
    }

    /**
     * The sample after this rule; null when it drops the sample. A {@code replace} of {@code __name__} with an
     * empty result leaves the sample without a name, which the processor drops.
     */
    Sample apply(Sample sample) {
        return switch (action) {
            case REPLACE -> replace(sample);
            case KEEP -> regex.matches(joinedSourceValues(sample)) ? sample : null;
            case DROP -> regex.matches(joinedSourceValues(sample)) ? null : sample;
            case LABELDROP -> filterLabels(sample, false);
            case LABELKEEP -> filterLabels(sample, true);
        };
    }

    private Sample replace(Sample sample) {
        Matcher match = regex.match(joinedSourceValues(sample));
        if (match == null) {
            return sample;
        }
        String target = targetLabel.indexOf('$') < 0 ? targetLabel : ReplacementTemplate.of(targetLabel).expand(match);
        if (!LabelNames.isValid(target)) {
            return sample;
        }
        String value = replacement.expand(match);
        if (target.equals(LabelMatcher.NAME_LABEL)) {
            return sample.withName(value);
        }
        return sample.withLabels(value.isEmpty() ? sample.labels().without(target) : sample.labels().with(target, value));
    }

    private CharSequence joinedSourceValues(Sample sample) {
        if (sourceLabels.size() == 1) {
            return valueOf(sample, sourceLabels.get(0));
        }
        StringBuilder joined = JOINED.get();
        joined.setLength(0);
        for (int i = 0; i < sourceLabels.size(); i++) {
            if (i > 0) {
                joined.append(separator);
            }
            joined.append(valueOf(sample, sourceLabels.get(i)));
        }
        return joined;
    }

    private static String valueOf(Sample sample, String label) {
        if (label.equals(LabelMatcher.NAME_LABEL)) {
            return sample.name();
        }
        String value = sample.labels().get(label);
        return value == null ? "" : value;
    }

    private Sample filterLabels(Sample sample, boolean keepMatching) {
        Labels labels = sample.labels();
        Labels kept = labels;
        for (int i = 0; i < labels.size(); i++) {
            String name = labels.name(i);
            if (regex.matches(name) != keepMatching) {
                kept = kept.without(name);
            }
        }
        return sample.withLabels(kept);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RelabelRule other && action == other.action && sourceLabels.equals(other.sourceLabels)
                && separator.equals(other.separator) && Objects.equals(targetLabel, other.targetLabel)
                && regex.equals(other.regex) && replacement.equals(other.replacement);
    }

    @Override
    public int hashCode() {
        return Objects.hash(action, sourceLabels, separator, targetLabel, regex, replacement);
    }

    @Override
    public String toString() {
        return action.configName() + " " + sourceLabels + " =~ " + regex
                + (action == Action.REPLACE ? " -> " + targetLabel + "=" + replacement : "");
    }
}
