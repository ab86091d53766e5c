package dev.concierge.courier.core.model;

/**
 * The rules a sample's metric name and label names were written under, which decide whether a sink may change
 * them as it renders a Zabbix key, a Graphite path or a line: a sink's {@code name_escaping}
 * ({@link dev.concierge.courier.core.naming.NameEscaping}) applies to {@link #PROMETHEUS} names only.
 */
public enum NameSyntax {
    /**
     * Names every sink renders as they are: Dropwizard's dotted names, Graphite paths, the courier's own metrics,
     * Zabbix keys a client wrote, and any name an operator's {@code rename} or {@code metric_relabel_configs} rule
     * wrote. The default.
     */
    VERBATIM,
    /**
     * Names from Prometheus's data model, as an exporter served them: before Prometheus 3 always in the legacy
     * set ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}), since then any UTF-8 ({@code my.metric}, a label {@code a.b}). A
     * sink escapes those outside the legacy set with its scheme, so that an exporter moving to UTF-8 keeps its
     * keys.
     */
    PROMETHEUS
}
