/**
 * The runner: it schedules sources, carries samples through the ring into each sink's backlog, sends
 * batches as soon as samples wait, retries with full-jitter exponential backoff, and accounts for every
 * sample as delivered, rejected, dropped or pending. Plugins never retry, buffer or count by themselves.
 *
 * <p>Local conventions: two clocks, injected. A {@link java.time.Clock} stamps records with the time of day;
 * a {@link dev.concierge.courier.core.pipeline.NanoClock} times intervals (backoff, the rate of drop
 * warnings), so tests advance it by hand. Stop deadlines are real time ({@link System#nanoTime()}), since
 * they answer to whatever stops the process. Dropped samples, whether the ring refused them or a backlog
 * evicted them, are warned about by one policy, {@code DropWarnings}.
 */
package dev.concierge.courier.core.pipeline;
