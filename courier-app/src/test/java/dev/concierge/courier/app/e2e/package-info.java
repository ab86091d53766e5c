/**
 * End-to-end tests: real sources, the pipeline, the ledger and real sinks wired together, against a real
 * Zabbix server where one can run here and against misbehaving raw sockets where the real one will not
 * misbehave on demand. Collects are released one by one through {@link dev.concierge.courier.app.e2e.GatedSource}
 * so a test knows exactly which documents were read; everything listens on 127.0.0.1.
 */
package dev.concierge.courier.app.e2e;
