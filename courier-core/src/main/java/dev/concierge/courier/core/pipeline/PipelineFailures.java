package dev.concierge.courier.core.pipeline;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pipeline's first fatal error, and who is told of each one. Thread-safe. */
final class PipelineFailures {
    private static final Logger log = LoggerFactory.getLogger(PipelineFailures.class);

    private final AtomicReference<String> first = new AtomicReference<>();
    private volatile FatalErrorHandler handler = FatalErrorHandler.KEEP_RUNNING;

    void handleWith(FatalErrorHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** {@code thread} ended on {@code error}: recorded for readiness, then handed to the handler. */
    void threadDied(String thread, Throwable error) {
        first.compareAndSet(null, thread + ": " + error);
        try {
            handler.onFatalError(thread, error);
        } catch (Throwable t) {
            // The handler failing (out of memory again, say) must not hide the first error; readiness has it.
            log.error("{}: the fatal error handler failed too", thread, t);
        }
    }

    /** The first fatal error, as {@code what: error}; null while there was none. */
    String first() {
        return first.get();
    }
}
