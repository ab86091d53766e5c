package dev.concierge.courier.sources.consul;

import com.ecwid.consul.SingleUrlParameters;
import com.ecwid.consul.transport.HttpResponse;
import com.ecwid.consul.v1.OperationException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.concierge.courier.core.settings.DurationSyntax;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The courier's own service entry in the local agent, with a TTL check.
 *
 * <ul>
 *   <li>{@link #start()} schedules a heartbeat every {@code ttl / 3} on its own daemon thread. The first beat
 *       registers ({@code PUT /v1/agent/service/register?replace-existing-checks}, so registering again is
 *       idempotent) with the check starting as passing; every beat then passes the check
 *       ({@code /v1/agent/check/pass/:id}) while {@code healthy} says so, or fails it
 *       ({@code /v1/agent/check/fail/:id}) when not.</li>
 *   <li>A failed call makes the next beat register again: an agent that restarted has forgotten the
 *       service and answers the pass with an error.</li>
 *   <li>The check carries {@code DeregisterCriticalServiceAfter}, so a courier that crashed, or hangs, is
 *       removed by the agent after that long; {@link #close()} deregisters at once on a clean stop.</li>
 * </ul>
 */
final class ConsulRegistration implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsulRegistration.class);
    private static final JsonFactory JSON = new JsonFactory();

    private final ConsulConfig.Registration config;
    private final ConsulAgentConnection connection;
    private final BooleanSupplier healthy;
    private final ScheduledExecutorService heartbeat;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean registered; // heartbeat thread only
    private int failuresInARow; // heartbeat thread only

    ConsulRegistration(ConsulConfig.Registration config, ConsulAgentConnection connection, BooleanSupplier healthy) {
        this.config = config;
        this.connection = connection;
        this.healthy = healthy;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "consul-heartbeat-" + config.id());
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        heartbeat.scheduleWithFixedDelay(this::beat, 0, config.heartbeat().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Failed agent calls so far (registrations, passes and fails). */
    long failures() {
        return failures.get();
    }

    private void beat() {
        try {
            if (!registered) {
                register();
                registered = true;
                LOG.info("consul: registered service {} ({}) with TTL check {} ({}, deregistered after {} critical)",
                        config.id(), config.name(), config.checkId(), DurationSyntax.format(config.ttl()),
                        DurationSyntax.format(config.deregisterCriticalAfter()));
            }
            String checkPath = ConsulAgentConnection.pathSegment(config.checkId());
            if (healthy.getAsBoolean()) {
                connection.agent().agentCheckPass(checkPath);
            } else {
                connection.agent().agentCheckFail(checkPath, "courier source has not collected for too long");
            }
            if (failuresInARow > 0) {
                LOG.info("consul: heartbeat of {} works again after {} failures", config.id(), failuresInARow);
                failuresInARow = 0;
            }
        } catch (Throwable t) {
            registered = false;
            failures.incrementAndGet();
            failuresInARow++;
            String reason = BlockingQueryLoop.describe(t);
            if (failuresInARow == 1) {
                LOG.warn("consul: heartbeat of {} failed: {}; registering again in {} (further failures at debug)",
                        config.id(), reason, DurationSyntax.format(config.heartbeat()));
            } else {
                LOG.debug("consul: heartbeat of {} failed: {} ({} in a row)", config.id(), reason, failuresInARow);
            }
        }
    }

    /**
     * Registers through consul-api's raw client: its {@code NewService.Check} has no {@code CheckID} or
     * {@code Name}, so the check ID would be generated, and registering the check separately would leave a
     * window where the service exists without the check that removes it after a crash.
     */
    private void register() {
        HttpResponse response = connection.agentRaw().makePutRequest("/v1/agent/service/register", body(),
                new SingleUrlParameters("replace-existing-checks"));
        if (response.getStatusCode() != 200) {
            throw new OperationException(response);
        }
    }

    /** The registration body (agent/service.mdx), CamelCase as the API documents it. */
    String body() {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("ID", config.id());
            json.writeStringField("Name", config.name());
            json.writeArrayFieldStart("Tags");
            for (String tag : config.tags()) {
                json.writeString(tag);
            }
            json.writeEndArray();
            if (config.address() != null) {
                json.writeStringField("Address", config.address());
            }
            if (config.port() > 0) {
                json.writeNumberField("Port", config.port());
            }
            json.writeObjectFieldStart("Meta");
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(config.meta()).entrySet()) {
                json.writeStringField(e.getKey(), e.getValue());
            }
            json.writeEndObject();
            json.writeObjectFieldStart("Check");
            json.writeStringField("CheckID", config.checkId());
            json.writeStringField("Name", "courier heartbeat");
            json.writeStringField("TTL", DurationSyntax.format(config.ttl()));
            // Without an initial status the check starts critical until the first pass (agent/check.mdx).
            json.writeStringField("Status", "passing");
            json.writeStringField("DeregisterCriticalServiceAfter", DurationSyntax.format(config.deregisterCriticalAfter()));
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Stops the heartbeat, waits for a beat in progress (bounded by the agent client's timeouts), then
     * deregisters the service, and with it the check. A failed deregistration is logged: the agent then
     * removes the service once the check has been critical for {@code deregister_critical_after}.
     */
    @Override
    public void close() {
        // Called early by a courier leaving its group, and again when the source closes: deregister once.
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.agent().agentServiceDeregister(ConsulAgentConnection.pathSegment(config.id()));
            LOG.info("consul: deregistered service {}", config.id());
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.warn("consul: could not deregister service {}: {}; the agent removes it after {} critical",
                    config.id(), BlockingQueryLoop.describe(e), DurationSyntax.format(config.deregisterCriticalAfter()));
        }
    }
}
