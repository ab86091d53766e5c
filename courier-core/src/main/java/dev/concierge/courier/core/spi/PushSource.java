package dev.concierge.courier.core.spi;

/**
 * A source that clients push to (a listener on a port) rather than one the pipeline reads at an interval.
 *
 * <p>The pipeline calls {@link #listen} on its scheduler's worker thread when the source starts, and again at
 * each interval while it has not yet returned normally (a port still held by a process going away); once it
 * has, it is not called again, and {@link #collect} is never called. {@link #close()} stops listening and
 * ends every connection; the pipeline calls it first when it stops, before the sinks drain, so a client
 * still waiting for its acknowledgement sees its connection end without one and sends again.
 */
public interface PushSource extends Source {

    /**
     * Starts listening and returns; what clients send is handed to {@code out} from the source's own threads.
     *
     * @param out thread-safe, never blocks; the source may keep it until it is closed
     * @throws SourceException when it cannot listen (the address is in use); the pipeline logs it, counts it
     *                         and calls again at the next interval
     */
    void listen(AcknowledgingEmitter out) throws SourceException;

    /** Never called for a push source: it hands over what it receives as it receives it. */
    @Override
    default void collect(Emitter out) {
    }
}
