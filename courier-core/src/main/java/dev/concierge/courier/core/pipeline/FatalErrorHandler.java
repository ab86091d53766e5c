package dev.concierge.courier.core.pipeline;

/**
 * What happens when a pipeline thread ends on an error it cannot go on after: the JVM out of memory in a
 * collect or on a sink's thread, or a sink's backlog that failed. The pipeline has already done what it can on
 * its own (a sink's thread has left the ring, so the others go on) and its {@link Pipeline#fatalError()} is set,
 * which readiness reads. A daemon exits non-zero here so that its supervisor restarts it: the ledger keeps what
 * was accepted, and a fresh heap is the only sure way back from an {@link OutOfMemoryError}.
 *
 * <p>Called on the thread that died, once for each such thread; it must not block for long (start the stop on
 * another thread).
 */
@FunctionalInterface
public interface FatalErrorHandler {
    /** Keeps running without the thread that died; the embedded default (tests, {@code courier demo}). */
    FatalErrorHandler KEEP_RUNNING = (thread, error) -> {
    };

    /**
     * @param thread what the thread served, such as {@code sink zabbix} or {@code source app}
     * @param error  why it ended
     */
    void onFatalError(String thread, Throwable error);
}
