package dev.concierge.courier.sources.zabbix;

/**
 * One request as a client framed it: its JSON payload, inflated, and whether it came compressed (the reply then
 * goes out compressed too, as the trapper answers with the request's flags).
 */
record ZabbixRequest(byte[] json, boolean compressed) {
}
