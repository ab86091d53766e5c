/**
 * Names that two modules must spell alike, and only those: the Zabbix LLD macros
 * ({@link dev.concierge.courier.core.naming.ZabbixLldMacros}), which the sources' {@code discover} output
 * and the Zabbix sink's automatic discovery both write, so that one item prototype matches either; and the
 * escaping of Prometheus names outside the legacy set ({@link dev.concierge.courier.core.naming.NameEscaping}),
 * which every sink's {@code name_escaping} applies before it renders a sample, so that the Zabbix key, the
 * Graphite path and the LLD macros of one series agree.
 *
 * <p>Why here: sources and sinks never depend on each other, and several sinks share the escaping, so a rule
 * they must follow alike lives in core. A name that only one destination uses lives with that destination, not
 * here: Zabbix item keys beside the Zabbix client ({@code sinks.zabbix.client.ZabbixKeys}), InfluxDB lines in
 * the HTTP sink ({@code sinks.http.InfluxLines}). Every rule is a pure function of its input, so the same series
 * always gets the same name.
 */
package dev.concierge.courier.core.naming;
