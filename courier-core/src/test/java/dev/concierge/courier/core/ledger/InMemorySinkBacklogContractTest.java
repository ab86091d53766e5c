package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.model.Sample;

class InMemorySinkBacklogContractTest extends SinkBacklogContractTest {

    @Override
    SinkBacklog backlog(long byteBudget) {
        return new InMemorySinkBacklog("sink", byteBudget, CLOCK);
    }

    @Override
    long budgetBytes(Sample sample) {
        return sample.estimatedBytes();
    }

    @Override
    boolean keepsWhatIsOwedAcrossClose() {
        return false;
    }
}
