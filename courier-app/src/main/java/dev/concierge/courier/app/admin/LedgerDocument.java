package dev.concierge.courier.app.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.LedgerTotals;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /ledger}: per-sink totals and the most recent records, newest last, as the ledger holds them.
 * <pre>
 * {"totals": {"zabbix": {"batches": 12, "accepted": 444, "rejected": 0, "dropped": 0}},
 *  "recent": [{"sink": "zabbix", "batch_id": 11, "outcome": "DELIVERED", "samples": 37, "accepted": 37,
 *              "rejected": 0, "dropped": 0, "attempts": 1, "at": "...", "oldest_sample": "...",
 *              "newest_sample": "...", "detail": "processed: 37; failed: 0; ..."}]}
 * </pre>
 * Totals count what {@link DeliveryLedger#totals} counts: for the file ledger, since its data directory was
 * created. Times are ISO-8601 instants or {@code null}.
 */
final class LedgerDocument {
    /** Records returned when the request does not say how many. */
    static final int DEFAULT_LIMIT = 100;
    /** The most records one request returns. */
    static final int MAX_LIMIT = 1000;

    private final ObjectMapper json;
    private final DeliveryLedger ledger;
    // The sinks running now: a reload may add or remove some.
    private final Supplier<List<String>> sinks;

    LedgerDocument(ObjectMapper json, DeliveryLedger ledger, Supplier<List<String>> sinks) {
        this.json = json;
        this.ledger = ledger;
        this.sinks = sinks;
    }

    ObjectNode render(int limit) {
        ObjectNode root = json.createObjectNode();
        ObjectNode totals = root.putObject("totals");
        for (String sink : sinks.get()) {
            LedgerTotals sinkTotals = ledger.totals(sink);
            ObjectNode node = totals.putObject(sink);
            node.put("batches", sinkTotals.batches());
            node.put("accepted", sinkTotals.accepted());
            node.put("rejected", sinkTotals.rejected());
            node.put("dropped", sinkTotals.dropped());
        }
        ArrayNode recent = root.putArray("recent");
        for (DeliveryRecord record : ledger.recent(limit)) {
            ObjectNode node = recent.addObject();
            node.put("sink", record.sink());
            node.put("batch_id", record.batchId());
            node.put("outcome", record.outcome().name());
            node.put("samples", record.samples());
            node.put("accepted", record.accepted());
            node.put("rejected", record.rejected());
            node.put("dropped", record.dropped());
            node.put("attempts", record.attempts());
            StatusDocument.putInstant(node, "at", record.at());
            StatusDocument.putInstant(node, "oldest_sample", record.oldestSample());
            StatusDocument.putInstant(node, "newest_sample", record.newestSample());
            node.put("detail", record.detail());
        }
        return root;
    }
}
