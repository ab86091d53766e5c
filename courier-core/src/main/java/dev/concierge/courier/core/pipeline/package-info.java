/**
 * The runner: it schedules sources, carries samples through the ring into each sink's backlog, sends
 * batches as soon as samples wait, retries with full-jitter exponential backoff, and accounts for every
 * sample as delivered, rejected, dropped or pending. Plugins never retry, buffer or count by themselves.
 */
package dev.concierge.courier.core.pipeline;
