package dev.concierge.courier.core.testing;

import dev.concierge.courier.core.ledger.DeliveryLedger;
import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.LedgerTotals;
import dev.concierge.courier.core.ledger.SinkBacklog;
import java.util.List;
import java.util.function.Consumer;

/** A ledger that passes every call to another; a test overrides {@link #openBacklog} to wrap the backlogs. */
public class ForwardingDeliveryLedger implements DeliveryLedger {
    protected final DeliveryLedger delegate;

    public ForwardingDeliveryLedger(DeliveryLedger delegate) {
        this.delegate = delegate;
    }

    @Override
    public SinkBacklog openBacklog(String sink, long byteBudget) {
        return delegate.openBacklog(sink, byteBudget);
    }

    @Override
    public void record(DeliveryRecord record) {
        delegate.record(record);
    }

    @Override
    public void addListener(Consumer<DeliveryRecord> listener) {
        delegate.addListener(listener);
    }

    @Override
    public List<DeliveryRecord> recent(int limit) {
        return delegate.recent(limit);
    }

    @Override
    public LedgerTotals totals(String sink) {
        return delegate.totals(sink);
    }

    @Override
    public void sync() {
        delegate.sync();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
