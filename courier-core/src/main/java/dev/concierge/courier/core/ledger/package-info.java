/**
 * The delivery ledger: each sink's backlog of samples still owed and the record of every settlement.
 * {@link dev.concierge.courier.core.ledger.InMemoryDeliveryLedger} keeps both in memory; a durable
 * implementation keeps the same contract on disk.
 */
package dev.concierge.courier.core.ledger;
