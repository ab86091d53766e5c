package dev.concierge.courier.core.process;

import dev.concierge.courier.core.model.Sample;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The processing rules of one source or one sink, compiled into a chain that runs in this fixed order:
 * <ol>
 *   <li>selection: with {@code include} entries, a sample must match one; it must match no {@code exclude}; for
 *       the kinds {@code fields} names, its field must be listed;</li>
 *   <li>{@code metric_relabel_configs}, in the order written;</li>
 *   <li>{@code host_from_label}: the host becomes that label's value; a sample without it (or with it empty)
 *       keeps its host and is counted ({@code missing_host_label});</li>
 *   <li>{@code rename}, in the order written, each on the result of the one before;</li>
 *   <li>{@code labels}: {@code rename}, {@code drop}, {@code add}.</li>
 * </ol>
 * So selection sees the sample as it arrives, and {@code host_from_label} can read a label that {@code labels}
 * then drops. A sample left without a name is dropped ({@link DropReason#EMPTY_NAME}).
 *
 * <p>Thread-safety: the rules are immutable and the counts are {@link LongAdder}s, so one processor may be
 * applied from any number of threads at once (a source may offer from several). Equal when its rules are,
 * whatever it has counted, so a reload keeps a source or sink whose rules did not change.
 */
public final class SampleProcessor {
    private static final SampleProcessor NONE = new SampleProcessor(List.of(), List.of(), FieldSelection.NONE,
            List.of(), null, List.of(), LabelRewrite.NONE);

    private final List<SampleSelector> include;
    private final List<SampleSelector> exclude;
    private final FieldSelection fields;
    private final List<RelabelRule> relabel;
    private final String hostLabel;
    private final List<NameRewrite> rename;
    private final LabelRewrite labels;

    private final SampleSelector[] includeArray;
    private final SampleSelector[] excludeArray;
    private final RelabelRule[] relabelArray;
    private final NameRewrite[] renameArray;
    private final boolean empty;

    private final LongAdder[] dropped = new LongAdder[DropReason.values().length];
    private final LongAdder missingHostLabel = new LongAdder();

    private SampleProcessor(List<SampleSelector> include, List<SampleSelector> exclude, FieldSelection fields,
                            List<RelabelRule> relabel, String hostLabel, List<NameRewrite> rename,
                            LabelRewrite labels) {
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
        this.fields = Objects.requireNonNull(fields, "fields");
        this.relabel = List.copyOf(relabel);
        this.hostLabel = hostLabel;
        this.rename = List.copyOf(rename);
        this.labels = Objects.requireNonNull(labels, "labels");
        this.includeArray = this.include.toArray(SampleSelector[]::new);
        this.excludeArray = this.exclude.toArray(SampleSelector[]::new);
        this.relabelArray = this.relabel.toArray(RelabelRule[]::new);
        this.renameArray = this.rename.toArray(NameRewrite[]::new);
        this.empty = include.isEmpty() && exclude.isEmpty() && fields.isEmpty() && relabel.isEmpty() && hostLabel == null
                && rename.isEmpty() && labels.isEmpty();
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = new LongAdder();
        }
    }

    /** No rules: {@link #apply} gives every sample back as it is. Callers check {@link #isEmpty()} and skip it. */
    public static SampleProcessor none() {
        return NONE;
    }

    /**
     * A processor of these rules; {@code hostLabel} null for none. A fresh instance, counting from zero, unless
     * there are no rules at all.
     */
    public static SampleProcessor of(List<SampleSelector> include, List<SampleSelector> exclude,
                                     FieldSelection fields, List<RelabelRule> relabel, String hostLabel,
                                     List<NameRewrite> rename, LabelRewrite labels) {
        SampleProcessor processor = new SampleProcessor(include, exclude, fields, relabel, hostLabel, rename, labels);
        return processor.empty ? NONE : processor;
    }

    /** As {@link #of(List, List, FieldSelection, List, String, List, LabelRewrite)} without {@code fields}. */
    public static SampleProcessor of(List<SampleSelector> include, List<SampleSelector> exclude,
                                     List<RelabelRule> relabel, String hostLabel, List<NameRewrite> rename,
                                     LabelRewrite labels) {
        return of(include, exclude, FieldSelection.NONE, relabel, hostLabel, rename, labels);
    }

    /**
     * A processor of the same rules counting from zero, for applying them where a drop must not reach this
     * one's counts: discovery ({@code courier discover --config}, the discovery snapshots) runs a source's rules
     * over its latest samples to show the rows as the pipeline leaves them, and those samples were counted
     * already when they went through the pipeline. Equal to this one; this one itself without rules (it counts
     * nothing then).
     */
    public SampleProcessor fresh() {
        return empty ? this : new SampleProcessor(include, exclude, fields, relabel, hostLabel, rename, labels);
    }

    /** Whether it has no rules; the pipeline then does not call it at all. */
    public boolean isEmpty() {
        return empty;
    }

    /**
     * The sample after the rules, the same instance when no rule changed it; null when a rule dropped it (and
     * the drop is counted by reason). Never throws for a sample.
     */
    public Sample apply(Sample sample) {
        if (empty) {
            return sample;
        }
        try {
            return applyRules(sample);
        } catch (StackOverflowError | RuntimeException e) {
            return drop(DropReason.RULE_ERROR);
        }
    }

    private Sample applyRules(Sample sample) {
        if (includeArray.length > 0 && !matchesAny(includeArray, sample)) {
            return drop(DropReason.NOT_INCLUDED);
        }
        if (matchesAny(excludeArray, sample)) {
            return drop(DropReason.EXCLUDED);
        }
        if (!fields.passes(sample)) {
            return drop(DropReason.FIELD_NOT_SELECTED);
        }
        Sample current = sample;
        for (RelabelRule rule : relabelArray) {
            current = rule.apply(current);
            if (current == null) {
                return drop(rule.action() == RelabelRule.Action.KEEP ? DropReason.RELABEL_KEEP : DropReason.RELABEL_DROP);
            }
        }
        if (hostLabel != null) {
            String host = current.labels().get(hostLabel);
            if (host == null || host.isEmpty()) {
                missingHostLabel.increment();
            } else {
                current = current.withHost(host);
            }
        }
        for (NameRewrite rewrite : renameArray) {
            current = rewrite.apply(current);
        }
        if (!labels.isEmpty()) {
            current = labels.apply(current);
        }
        return current.name().isEmpty() ? drop(DropReason.EMPTY_NAME) : current;
    }

    private static boolean matchesAny(SampleSelector[] selectors, Sample sample) {
        for (SampleSelector selector : selectors) {
            if (selector.matches(sample)) {
                return true;
            }
        }
        return false;
    }

    private Sample drop(DropReason reason) {
        dropped[reason.ordinal()].increment();
        return null;
    }

    /** Samples dropped for {@code reason} so far. */
    public long dropped(DropReason reason) {
        return dropped[reason.ordinal()].sum();
    }

    /** Samples that lacked the {@code host_from_label} label and kept their source's host. */
    public long missingHostLabel() {
        return missingHostLabel.sum();
    }

    /**
     * The counts, as {@link dev.concierge.courier.core.spi.CountsEvents} names them: {@code dropped_by_rule_<reason>}
     * for each reason the rules can cause, and {@code missing_host_label} with {@code host_from_label}. Empty
     * without rules.
     */
    public Map<String, LongSupplier> events() {
        Map<String, LongSupplier> events = new LinkedHashMap<>();
        for (DropReason reason : possibleDrops()) {
            events.put(reason.eventName(), () -> dropped(reason));
        }
        if (hostLabel != null) {
            events.put("missing_host_label", this::missingHostLabel);
        }
        return events;
    }

    /**
     * {@code own} (a plugin's {@link dev.concierge.courier.core.spi.CountsEvents}) with these rules' {@link #events()}
     * beside them; {@code own} itself without rules.
     */
    public Map<String, LongSupplier> eventsBeside(Map<String, LongSupplier> own) {
        if (empty) {
            return own;
        }
        Map<String, LongSupplier> merged = new LinkedHashMap<>(own);
        merged.putAll(events());
        return merged;
    }

    private List<DropReason> possibleDrops() {
        List<DropReason> reasons = new ArrayList<>();
        if (empty) {
            return reasons;
        }
        if (!include.isEmpty()) {
            reasons.add(DropReason.NOT_INCLUDED);
        }
        if (!exclude.isEmpty()) {
            reasons.add(DropReason.EXCLUDED);
        }
        if (!fields.isEmpty()) {
            reasons.add(DropReason.FIELD_NOT_SELECTED);
        }
        if (relabel.stream().anyMatch(r -> r.action() == RelabelRule.Action.KEEP)) {
            reasons.add(DropReason.RELABEL_KEEP);
        }
        if (relabel.stream().anyMatch(r -> r.action() == RelabelRule.Action.DROP)) {
            reasons.add(DropReason.RELABEL_DROP);
        }
        if (!relabel.isEmpty() || !rename.isEmpty()) {
            reasons.add(DropReason.EMPTY_NAME);
        }
        reasons.add(DropReason.RULE_ERROR);
        return reasons;
    }

    /** The drop counts by reason, for reports. */
    public Map<DropReason, Long> droppedByReason() {
        Map<DropReason, Long> counts = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            counts.put(reason, dropped(reason));
        }
        return counts;
    }

    /** A one-line account of the rules, for the configuration summary; empty without rules. */
    public String summary() {
        if (empty) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (!include.isEmpty()) {
            parts.add("include " + include);
        }
        if (!exclude.isEmpty()) {
            parts.add("exclude " + exclude);
        }
        if (!fields.isEmpty()) {
            parts.add("fields " + fields);
        }
        if (!relabel.isEmpty()) {
            parts.add(relabel.size() + " metric_relabel_configs");
        }
        if (hostLabel != null) {
            parts.add("host_from_label " + hostLabel);
        }
        if (!rename.isEmpty()) {
            parts.add("rename " + rename);
        }
        if (!labels.isEmpty()) {
            parts.add("labels " + labels);
        }
        return String.join("; ", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleProcessor other && include.equals(other.include) && exclude.equals(other.exclude)
                && fields.equals(other.fields) && relabel.equals(other.relabel) && Objects.equals(hostLabel, other.hostLabel)
                && rename.equals(other.rename) && labels.equals(other.labels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(include, exclude, fields, relabel, hostLabel, rename, labels);
    }

    @Override
    public String toString() {
        return empty ? "no rules" : summary();
    }
}
