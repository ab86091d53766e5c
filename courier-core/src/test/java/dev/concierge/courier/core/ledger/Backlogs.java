package dev.concierge.courier.core.ledger;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.Batch;
import java.util.ArrayList;
import java.util.List;

/** What the ledger's tests do to a backlog again and again. */
final class Backlogs {
    private Backlogs() {
    }

    /** Takes and settles everything waiting; returns it in the order it came. */
    static List<Sample> drain(SinkBacklog backlog) {
        List<Sample> all = new ArrayList<>();
        Batch batch;
        while ((batch = backlog.takeBatch(1000)) != null) {
            all.addAll(batch.samples());
            backlog.settle(batch);
        }
        return all;
    }
}
