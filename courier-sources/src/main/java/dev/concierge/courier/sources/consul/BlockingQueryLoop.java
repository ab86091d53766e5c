package dev.concierge.courier.sources.consul;

import com.ecwid.consul.ConsulException;
import com.ecwid.consul.transport.TransportException;
import com.google.gson.JsonParseException;
import com.ecwid.consul.v1.OperationException;
import com.ecwid.consul.v1.Response;
import dev.concierge.courier.core.pipeline.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One blocking query repeated on its own daemon thread for as long as the loop is open: each answer is
 * handed whole to a listener, the index is handled by {@link BlockingIndex}, the pace by
 * {@link QueryBudget}, and failures (transport errors, read timeouts, non-200 answers, unparsable bodies)
 * wait a jittered backoff before the query is sent again without an index, so that it answers at once.
 *
 * <p>The listener runs on the loop's thread and only ever sees a complete, successfully parsed answer, never
 * part of one; after a failure it keeps what it had.
 *
 * @param <T> what one answer holds
 */
final class BlockingQueryLoop<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockingQueryLoop.class);

    /** Sends one query. May block up to the wait plus the agent's jitter. */
    interface Query<T> {
        /**
         * @param index       the index to send, or {@link BlockingIndex#NONE}
         * @param waitSeconds the {@code wait} to send
         */
        Response<T> fetch(long index, long waitSeconds);
    }

    /** What the owner hears from the loop, on the loop's thread. */
    interface Listener<T> {
        /** A complete answer arrived. */
        void answered(T value);

        /** A query failed; the owner keeps its last answer and may mark it stale. */
        void failed(String reason);
    }

    private final String what;
    private final Query<T> query;
    private final Listener<T> listener;
    private final long waitSeconds;
    private final Backoff backoff;
    private final QueryBudget budget;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private final AtomicLong answers = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();

    BlockingQueryLoop(String what, Query<T> query, Listener<T> listener, long waitSeconds, Backoff backoff,
                      QueryBudget budget) {
        this.what = Objects.requireNonNull(what, "what");
        this.query = Objects.requireNonNull(query, "query");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.waitSeconds = waitSeconds;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.budget = Objects.requireNonNull(budget, "budget");
        this.thread = new Thread(this::run, "consul-watch-" + what);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        BlockingIndex index = new BlockingIndex();
        int consecutiveFailures = 0;
        while (closed.getCount() > 0 && budget.acquire(closed)) {
            try {
                Response<T> response = query.fetch(index.next(), waitSeconds);
                if (closed.getCount() == 0) {
                    return;
                }
                if (index.accept(response.getConsulIndex()) == BlockingIndex.Step.RESET) {
                    resets.incrementAndGet();
                    LOG.info("consul {}: index went backwards to {}, querying afresh", what,
                            Long.toUnsignedString(response.getConsulIndex()));
                    continue;
                }
                if (response.getValue() == null) {
                    throw new JsonParseException("empty answer body");
                }
                if (consecutiveFailures > 0) {
                    LOG.info("consul {}: answering again after {} failed queries", what, consecutiveFailures);
                    consecutiveFailures = 0;
                }
                answers.incrementAndGet();
                listener.answered(response.getValue());
            } catch (Throwable t) {
                if (closed.getCount() == 0) {
                    return;
                }
                if (!(t instanceof ConsulException) && !(t instanceof JsonParseException)) {
                    // Not the agent's answer or the network: a bug, worth its stack trace; the loop goes on.
                    LOG.error("consul {}: query failed unexpectedly; retrying after the backoff", what, t);
                }
                index.failed();
                consecutiveFailures++;
                failures.incrementAndGet();
                String reason = describe(t);
                listener.failed(reason);
                Duration delay = backoff.delayAfter(consecutiveFailures);
                if (consecutiveFailures == 1) {
                    LOG.warn("consul {}: {}; retrying in {} ms (further failures are logged at debug)", what, reason,
                            delay.toMillis());
                } else {
                    LOG.debug("consul {}: {} ({} in a row); retrying in {} ms", what, reason, consecutiveFailures,
                            delay.toMillis());
                }
                if (!pause(delay)) {
                    return;
                }
            }
        }
    }

    private boolean pause(Duration delay) {
        try {
            return !closed.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What went wrong, without the URL (it never holds the token, but it need not be repeated either). */
    static String describe(Throwable t) {
        if (t instanceof OperationException e) {
            String body = e.getStatusContent() == null ? "" : e.getStatusContent().strip();
            if (body.length() > 200) {
                body = body.substring(0, 197) + "...";
            }
            return "HTTP " + e.getStatusCode() + (body.isEmpty() ? "" : ": " + body);
        }
        Throwable cause = t instanceof TransportException && t.getCause() != null ? t.getCause() : t;
        return cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    long answers() {
        return answers.get();
    }

    long failures() {
        return failures.get();
    }

    long resets() {
        return resets.get();
    }

    /**
     * Stops the loop. A query in flight ends when the owner closes the HTTP client under it; this waits for
     * the thread for at most {@code timeout}.
     */
    void stop() {
        closed.countDown();
    }

    void join(Duration timeout) {
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        join(Duration.ofSeconds(1));
    }
}
