package dev.concierge.courier.core.ledger;

/** Sample counts one sink's settlements add up to. */
public record LedgerTotals(long batches, long accepted, long rejected, long dropped) {
    public static final LedgerTotals ZERO = new LedgerTotals(0, 0, 0, 0);

    LedgerTotals plus(DeliveryRecord record) {
        return new LedgerTotals(batches + (record.batchId() >= 0 ? 1 : 0), accepted + record.accepted(),
                rejected + record.rejected(), dropped + record.dropped());
    }

    static LedgerTotals sum(LedgerTotals a, LedgerTotals b) {
        return new LedgerTotals(a.batches + b.batches, a.accepted + b.accepted, a.rejected + b.rejected,
                a.dropped + b.dropped);
    }
}
