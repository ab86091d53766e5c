/**
 * Names that two modules must spell alike, and only those: today the Zabbix LLD macros
 * ({@link dev.concierge.courier.core.naming.ZabbixLldMacros}), which the sources' {@code discover} output
 * and the Zabbix sink's automatic discovery both write, so that one item prototype matches either.
 *
 * <p>Why here: sources and sinks never depend on each other, so a rule both must follow lives in core.
 * A name that only one destination uses lives with that destination, not here: Zabbix item keys beside the
 * Zabbix client ({@code sinks.zabbix.client.ZabbixKeys}), InfluxDB lines in the HTTP sink
 * ({@code sinks.http.InfluxLines}). Every rule is a pure function of its input, so the same series always
 * gets the same name.
 */
package dev.concierge.courier.core.naming;
