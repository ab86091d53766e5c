package dev.concierge.courier.core.model;

/**
 * What kind of metric a sample was read from. The lower-case {@link #keyPrefix()} is the key prefix
 * operators know from the reference courier: {@code timer[app.requests.p99]}.
 */
public enum MetricType {
    COUNTER("counter"),
    GAUGE("gauge"),
    HISTOGRAM("histogram"),
    METER("meter"),
    TIMER("timer"),
    SUMMARY("summary"),
    UNTYPED("untyped"),
    /**
     * A Zabbix low-level discovery value: the text of an LLD JSON document, sent to the trapper discovery
     * rule whose key is {@code <name>[<field>]} (for example {@code courier.discovery[sinks]}).
     */
    DISCOVERY("discovery"),
    /**
     * A value for one Zabbix item whose key a client wrote out itself (a script's {@code zabbix_sender}): the
     * {@link Sample#name() name} is the item key and the {@link Sample#host() host} the host name, both
     * verbatim; sinks that address Zabbix items send them as they are, never rendered into a key of their own.
     * It has no field and no labels.
     */
    ITEM("item");

    private final String keyPrefix;

    MetricType(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    /** The lower-case name used in Zabbix keys and Graphite paths. */
    public String keyPrefix() {
        return keyPrefix;
    }
}
