package dev.concierge.courier.core.spi;

import dev.concierge.courier.core.model.Sample;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Where a {@link PushSource} hands over what one client request carried, and learns when it may say so to
 * the client: an acknowledgement that means the values survive the courier being killed.
 *
 * <p>Thread-safe: any number of a source's I/O threads may call {@link #offerAll} at once. Never blocks; the
 * returned stage completes on a sink's pipeline thread, so what a source chains to it must be quick (write
 * the reply and return).
 */
public interface AcknowledgingEmitter {

    /**
     * Offers {@code samples}, in order, as {@link Emitter#offer} would one by one: the source's processing
     * rules apply, and a full ring refuses (and counts) a sample rather than wait.
     *
     * @return how many were accepted and refused, and a stage that completes once every accepted sample is
     *     in the backlog of every sink it is routed to and made durable there (an fsync, with a ledger on
     *     disk). It completes exceptionally when the pipeline stops first; it never completes for a sink
     *     whose thread has failed, so a source bounds its wait.
     */
    Receipt offerAll(List<Sample> samples);

    /**
     * What became of one {@link #offerAll}.
     *
     * @param accepted samples the pipeline took, including those the source's rules dropped on purpose
     * @param refused  samples refused because the ring was full: the courier's own refusal
     * @param durable  completes as described at {@link #offerAll}; already complete when none was accepted
     */
    record Receipt(int accepted, int refused, CompletionStage<Void> durable) {
        public Receipt {
            Objects.requireNonNull(durable, "durable");
        }
    }
}
