/**
 * The runner: it schedules sources, carries samples through the ring into each sink's backlog, sends
 * batches as soon as samples wait, retries with full-jitter exponential backoff, and accounts for every
 * sample as delivered, rejected, dropped or pending. Plugins never retry, buffer or count by themselves.
 *
 * <p>Local conventions: two clocks, injected. A {@link java.time.Clock} stamps records with the time of day;
 * a {@link dev.concierge.courier.core.pipeline.NanoClock} times intervals (backoff, the rate of drop
 * warnings), so tests advance it by hand. Stop deadlines are real time ({@link System#nanoTime()}), since
 * they answer to whatever stops the process. Samples a backlog evicts are warned about by
 * {@code DropWarnings}; samples the full ring refuses, per collect, by {@code RingRefusalWarnings}; failures of
 * a sink or a source, as episodes (start, a rate-limited reminder, recovery), by {@code FailureEpisodes}. Each
 * sink's thread and each collect put the plugin's name in the MDC ({@code sink} or {@code source}), so JSON log
 * lines carry it as a field.
 *
 * <p>Processing rules ({@link dev.concierge.courier.core.process}) run at two places only: a source's in its
 * {@code RingEmitter} before the ring, a sink's in its {@code SinkWorker}'s intake before the backlog. Without
 * rules neither calls the stage. What rules drop is counted in the stats' events, never warned about.
 *
 * <p>Push sources ({@link dev.concierge.courier.core.spi.PushSource}) are started by the scheduler instead of
 * collected. Their acknowledgements wait in {@code DurableAcknowledgements} for a ring position: each sink
 * worker, while one waits, syncs what it took from the ring ({@code SinkBacklog.syncAppends}) and publishes how
 * far it is durable; the pull path pays one volatile read per turn of a worker's loop.
 *
 * <p>Collects are bracketed: the scheduler begins and ends each one on its {@code RingEmitter}, which tells the
 * {@code CollectBoundaries} (so that sinks send one collect in one request) and enforces the collect's
 * {@code RingShare} (so that one source cannot take the others' room in the ring). A thread that dies of an
 * error it cannot go on after is reported once through {@code PipelineFailures} to the
 * {@link dev.concierge.courier.core.pipeline.FatalErrorHandler}.
 */
package dev.concierge.courier.core.pipeline;
