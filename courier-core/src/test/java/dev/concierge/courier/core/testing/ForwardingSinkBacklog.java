package dev.concierge.courier.core.testing;

import dev.concierge.courier.core.ledger.DeliveryRecord;
import dev.concierge.courier.core.ledger.SinkBacklog;
import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import java.util.function.Consumer;

/** A backlog that passes every call to another; a test overrides the calls it watches or scripts. */
public class ForwardingSinkBacklog implements SinkBacklog {
    protected final SinkBacklog delegate;

    public ForwardingSinkBacklog(SinkBacklog delegate) {
        this.delegate = delegate;
    }

    @Override
    public void append(Sample sample, Consumer<DeliveryRecord> evicted) {
        delegate.append(sample, evicted);
    }

    @Override
    public void appendAll(Sample[] samples, int count, Consumer<DeliveryRecord> evicted) {
        delegate.appendAll(samples, count, evicted);
    }

    @Override
    public boolean syncAppends() {
        return delegate.syncAppends();
    }

    @Override
    public Batch takeBatch(int max) {
        return delegate.takeBatch(max);
    }

    @Override
    public void requeue(Batch batch) {
        delegate.requeue(batch);
    }

    @Override
    public void settle(Batch batch) {
        delegate.settle(batch);
    }

    @Override
    public long pendingSamples() {
        return delegate.pendingSamples();
    }

    @Override
    public long pendingBytes() {
        return delegate.pendingBytes();
    }

    @Override
    public long waitingSamples() {
        return delegate.waitingSamples();
    }

    @Override
    public void close(Consumer<DeliveryRecord> dropped) {
        delegate.close(dropped);
    }
}
