package dev.concierge.courier.app.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.LedgerQuery;
import dev.concierge.courier.core.ledger.LedgerTotals;
import dev.concierge.courier.core.ledger.LossRange;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code /ledger}: per-sink totals, the loss ranges, and the most recent records, newest last, as the ledger
 * holds them, narrowed by a {@link LedgerQuery} ({@code ?since=&sink=&outcome=}).
 * <pre>
 * {"totals": {"zabbix": {"batches": 12, "accepted": 444, "rejected": 0, "dropped": 0}},
 *  "losses": [{"id": 3, "origin": "sink", "name": "zabbix", "count": 37200, "first_sample": "...",
 *              "last_sample": "...", "first_loss": "...", "last_loss": "...", "open": false, "closed_at": "...",
 *              "reason": "backlog over its budget ..."}],
 *  "recent": [{"sink": "zabbix", "batch_id": 11, "outcome": "DELIVERED", "samples": 37, "accepted": 37,
 *              "rejected": 0, "dropped": 0, "attempts": 1, "at": "...", "oldest_sample": "...",
 *              "newest_sample": "...", "detail": "processed: 37; failed: 0; ..."}]}
 * </pre>
 * Totals count what {@link DeliveryLedger#totals} counts: for the file ledger, since its data directory was
 * created. Losses are every range {@link DeliveryLedger#losses} keeps since {@code since}, oldest first; the
 * limit applies to the records only, which are filtered before it is applied (among the records the ledger
 * keeps in memory). Times are ISO-8601 instants or {@code null}.
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

    // Reads "since=2h" back from now.
    private final Clock clock;

    LedgerDocument(ObjectMapper json, DeliveryLedger ledger, Supplier<List<String>> sinks, Clock clock) {
        this.json = json;
        this.ledger = ledger;
        this.sinks = sinks;
        this.clock = clock;
    }

    /**
     * The query of {@code ?since=&sink=&outcome=}, each null when absent.
     *
     * @throws IllegalArgumentException {@code since: ... (expected: ...)} or {@code outcome: ... (expected: ...)}
     */
    LedgerQuery query(String since, String sink, String outcome) {
        return new LedgerQuery(since == null ? null : LedgerQuery.since(since, clock.instant()), sink,
                outcome == null ? null : LedgerQuery.outcome(outcome));
    }

    ObjectNode render(int limit, LedgerQuery query) {
        ObjectNode root = json.createObjectNode();
        ObjectNode totals = root.putObject("totals");
        for (String sink : sinks.get()) {
            if (!query.matchesSink(sink)) {
                continue;
            }
            LedgerTotals sinkTotals = ledger.totals(sink);
            ObjectNode node = totals.putObject(sink);
            node.put("batches", sinkTotals.batches());
            node.put("accepted", sinkTotals.accepted());
            node.put("rejected", sinkTotals.rejected());
            node.put("dropped", sinkTotals.dropped());
        }
        ArrayNode losses = root.putArray("losses");
        for (LossRange range : ledger.losses(query.since())) {
            if (!query.matches(range)) {
                continue;
            }
            ObjectNode node = losses.addObject();
            node.put("id", range.id());
            node.put("origin", range.origin().name().toLowerCase(Locale.ROOT));
            node.put("name", range.name());
            node.put("count", range.count());
            StatusDocument.putInstant(node, "first_sample", range.firstSample());
            StatusDocument.putInstant(node, "last_sample", range.lastSample());
            StatusDocument.putInstant(node, "first_loss", range.firstLoss());
            StatusDocument.putInstant(node, "last_loss", range.lastLoss());
            node.put("open", range.open());
            StatusDocument.putInstant(node, "closed_at", range.closedAt());
            node.put("reason", range.reason());
        }
        ArrayNode recent = root.putArray("recent");
        List<DeliveryRecord> matching = query.equals(LedgerQuery.ALL) ? ledger.recent(limit)
                : ledger.recent(Integer.MAX_VALUE).stream().filter(query::matches).toList();
        for (DeliveryRecord record : matching.subList(Math.max(0, matching.size() - limit), matching.size())) {
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
