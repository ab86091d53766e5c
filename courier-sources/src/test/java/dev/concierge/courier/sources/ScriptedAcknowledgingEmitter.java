package dev.concierge.courier.sources;

import dev.concierge.courier.core.model.Sample;
import dev.concierge.courier.core.spi.AcknowledgingEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A pipeline stand-in for push sources: records what is offered, refuses the last {@code refuseLast} samples of
 * each offer as a full ring would, and either acknowledges at once or holds every receipt until the test
 * completes it.
 */
public final class ScriptedAcknowledgingEmitter implements AcknowledgingEmitter {
    public final List<Sample> offered = new CopyOnWriteArrayList<>();
    public final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
    private final boolean hold;
    private final int refuseLast;

    private ScriptedAcknowledgingEmitter(boolean hold, int refuseLast) {
        this.hold = hold;
        this.refuseLast = refuseLast;
    }

    public static ScriptedAcknowledgingEmitter acknowledgingAtOnce() {
        return new ScriptedAcknowledgingEmitter(false, 0);
    }

    public static ScriptedAcknowledgingEmitter holdingReceipts() {
        return new ScriptedAcknowledgingEmitter(true, 0);
    }

    public static ScriptedAcknowledgingEmitter refusingLast(int count) {
        return new ScriptedAcknowledgingEmitter(false, count);
    }

    @Override
    public Receipt offerAll(List<Sample> samples) {
        int refused = Math.min(refuseLast, samples.size());
        List<Sample> accepted = new ArrayList<>(samples.subList(0, samples.size() - refused));
        offered.addAll(accepted);
        CompletableFuture<Void> durable = new CompletableFuture<>();
        if (hold) {
            held.add(durable);
        } else {
            durable.complete(null);
        }
        return new Receipt(accepted.size(), refused, durable);
    }
}
