package dev.concierge.courier.core.process;

/**
 * Why a {@link SampleProcessor} dropped a sample. Each is counted, under the event name
 * {@code dropped_by_rule_<reason>}.
 */
public enum DropReason {
    /** It matched an {@code exclude} entry. */
    EXCLUDED("excluded"),
    /** There are {@code include} entries and it matched none. */
    NOT_INCLUDED("not_included"),
    /** Its kind is named in {@code fields}, and its field is not listed there. */
    FIELD_NOT_SELECTED("field_not_selected"),
    /** A {@code metric_relabel_configs} {@code keep} did not match it. */
    RELABEL_KEEP("relabel_keep"),
    /** A {@code metric_relabel_configs} {@code drop} matched it. */
    RELABEL_DROP("relabel_drop"),
    /** A {@code rename} or a {@code replace} of {@code __name__} left it without a name. */
    EMPTY_NAME("empty_name"),
    /**
     * A rule failed on it: Java's regex engine recurses, and a pattern such as {@code (a|b)*} on a long enough
     * value overflows the stack. The sample is dropped rather than failing the source's collect or the sink's
     * thread.
     */
    RULE_ERROR("error");

    private final String reason;

    DropReason(String reason) {
        this.reason = reason;
    }

    /** The reason in snake_case: {@code not_included}. */
    public String reason() {
        return reason;
    }

    /** The event it is counted under: {@code dropped_by_rule_not_included}. */
    public String eventName() {
        return "dropped_by_rule_" + reason;
    }
}
